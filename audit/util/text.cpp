#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace mailaudit::text {

namespace {
// ASCII only, as std::tolower in the "C" locale the program runs in, without a call per character.
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) {
  const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) { n = 3; lo = 0xA0; }
  else if (c >= 0xE1 && c <= 0xEC) n = 3;
  else if (c == 0xED) { n = 3; hi = 0x9F; }
  else if (c >= 0xEE && c <= 0xEF) n = 3;
  else if (c == 0xF0) { n = 4; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) { n = 4; hi = 0x8F; }
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(k) < 0x80 || b(k) > 0xBF) return 0;
  return n;
}
}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    // Eight ASCII bytes at a time: most of a message is ASCII.
    std::uint64_t word;
    if (i + 8 <= s.size() && (std::memcpy(&word, s.data() + i, 8), (word & 0x8080808080808080ull) == 0)) {
      i += 8;
      continue;
    }
    std::size_t n = utf8_sequence(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (unsigned char c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string printable(std::string_view s, std::size_t max_len) {
  std::string_view v = s.substr(0, max_len * 4);
  std::string fixed;  // copied only when broken
  if (!is_valid_utf8(v)) v = fixed = valid_utf8(v);
  std::string out;
  out.reserve(std::min(v.size(), max_len) + 3);
  std::size_t chars = 0;
  for (std::size_t i = 0; i < v.size() && chars < max_len; ++i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c == 0x7F) out += '?';
    else out += static_cast<char>(c);
    if ((c & 0xC0) != 0x80) ++chars;
  }
  if (chars >= max_len && out.size() < v.size()) out += "...";
  return out;
}

std::string fill(std::string_view templ, const std::vector<std::pair<std::string, std::string>>& args) {
  std::string out;
  out.reserve(templ.size() + 32);
  // Text between placeholders goes over in runs: every finding of every message is filled from its rules.
  for (std::size_t i = 0; i < templ.size();) {
    std::size_t open = std::min(templ.find('{', i), templ.size());
    out.append(templ, i, open - i);
    i = open;
    if (i == templ.size()) break;
    std::size_t close = templ.find('}', i);
    if (close != std::string_view::npos) {
      std::string_view key = templ.substr(i + 1, close - i - 1);
      auto it = std::find_if(args.begin(), args.end(), [&](const auto& kv) { return kv.first == key; });
      if (it != args.end()) {
        out += it->second;
        i = close + 1;
        continue;
      }
    }
    out += templ[i++];  // a brace that opens no known placeholder stays as written
  }
  return out;
}

std::string html_escape(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : printable(s, max)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_cell(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : printable(s, max)) {
    if (c == '|' || c == '\\' || c == '`' || c == '*' || c == '_' || c == '<' || c == '>' || c == '[' || c == ']') out += '\\';
    out += c;
  }
  return out.empty() ? "–" : out;
}

}  // namespace mailaudit::text
