#include "bounce/reply.hpp"

#include <cctype>

namespace mailaudit::bounce {

std::string unwrap(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool search(const std::regex& re, std::string_view text) {
  if (text.size() > kMaxMatchText) text = text.substr(0, kMaxMatchText);
  return std::regex_search(text.begin(), text.end(), re);
}

std::optional<std::smatch> search_match(const std::regex& re, const std::string& text) {
  static thread_local std::string bounded;
  bounded = text.substr(0, kMaxMatchText);
  std::smatch m;
  if (!std::regex_search(bounded, m, re)) return std::nullopt;
  return m;
}

namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// "5.7.1" at i (class 2, 4 or 5, subject 1-3 digits, detail 1-3 digits) with no digit or dot glued on.
std::size_t status_at(std::string_view t, std::size_t i) {
  if (i > 0 && (is_digit(t[i - 1]) || t[i - 1] == '.')) return 0;
  if (i + 4 >= t.size() || !(t[i] == '2' || t[i] == '4' || t[i] == '5') || t[i + 1] != '.') return 0;
  std::size_t j = i + 2, d = 0;
  while (j < t.size() && is_digit(t[j]) && d < 3) ++j, ++d;
  if (d == 0 || j >= t.size() || t[j] != '.') return 0;
  ++j;
  std::size_t k = j;
  while (k < t.size() && is_digit(t[k]) && k - j < 3) ++k;
  if (k == j || (k < t.size() && (is_digit(t[k]) || (t[k] == '.' && k + 1 < t.size() && is_digit(t[k + 1]))))) return 0;
  return k - i;
}

// A reply code at i: [245][0-5][0-9] standing alone (followed by space, '-', end or a status).
bool code_at(std::string_view t, std::size_t i) {
  if (i + 3 > t.size() || !(t[i] == '2' || t[i] == '4' || t[i] == '5')) return false;
  if (!is_digit(t[i + 1]) || t[i + 1] > '5' || !is_digit(t[i + 2])) return false;
  if (i > 0 && (std::isalnum(static_cast<unsigned char>(t[i - 1])) || t[i - 1] == '.' || t[i - 1] == '-' ||
                t[i - 1] == '#' || t[i - 1] == '/' || t[i - 1] == '='))
    return false;
  return i + 3 == t.size() || t[i + 3] == ' ' || t[i + 3] == '-' || t[i + 3] == '\'' || t[i + 3] == '"' ||
         t[i + 3] == ')' || t[i + 3] == ']' || t[i + 3] == ':' || t[i + 3] == ',';
}

}  // namespace

std::string find_status(std::string_view t) {
  for (std::size_t i = 0; i < t.size(); ++i)
    if (std::size_t n = status_at(t, i)) return std::string(t.substr(i, n));
  return "";
}

Reply find_reply(std::string_view t, const std::vector<std::string>& cues) {
  Reply best;
  // Preferred: a code followed by a status of the same class ("550 5.1.1", "421-4.7.0").
  for (std::size_t i = 0; i + 3 < t.size(); ++i) {
    if (!code_at(t, i)) continue;
    std::size_t s = i + 4;
    if (std::size_t n = status_at(t, s); n && t[s] == t[i]) {
      best.code = (t[i] - '0') * 100 + (t[i + 1] - '0') * 10 + (t[i + 2] - '0');
      best.status = std::string(t.substr(s, n));
      best.at = i;
      return best;
    }
  }
  // Else a code where replies are quoted: after "said:", "<<<", "returned", "error", "response", or first.
  for (const std::string& cue : cues) {
    if (cue == "^") {  // the start of the text: a diagnostic that begins with its reply code
      std::size_t i = 0;
      while (i < t.size() && t[i] == ' ') ++i;
      if (code_at(t, i) && t[i] != '2') {
        best.code = (t[i] - '0') * 100 + (t[i + 1] - '0') * 10 + (t[i + 2] - '0');
        best.status = find_status(t.substr(i));
        best.at = i;
        return best;
      }
      continue;
    }
    for (std::size_t p = t.find(cue); p != std::string_view::npos; p = t.find(cue, p + 1)) {
      std::size_t i = p + cue.size();
      while (i < t.size() && (t[i] == ' ' || t[i] == '\'' || t[i] == '"' || t[i] == '(' || t[i] == '#')) ++i;
      if (code_at(t, i)) {
        best.code = (t[i] - '0') * 100 + (t[i + 1] - '0') * 10 + (t[i + 2] - '0');
        best.status = find_status(t.substr(i));
        best.at = i;
        return best;
      }
    }
  }
  // Last: the first free-standing failure code anywhere ("server message 550 unknown user").
  for (std::size_t i = 0; i + 3 <= t.size(); ++i) {
    if (!code_at(t, i) || t[i] == '2') continue;
    best.code = (t[i] - '0') * 100 + (t[i + 1] - '0') * 10 + (t[i + 2] - '0');
    best.status = find_status(t.substr(i));
    best.at = i;
    break;
  }
  return best;
}

Reply find_failure_reply(std::string_view t, const std::vector<std::string>& cues) {
  std::size_t from = 0;
  for (int tries = 0; tries < 200 && from < t.size(); ++tries) {
    Reply r = find_reply(t.substr(from), cues);
    if (r.code == 0 || r.code >= 400) {
      if (r.code) r.at += from;
      return r;
    }
    from += r.at + 3;
  }
  return {};
}

}  // namespace mailaudit::bounce
