// spamd's reply (SPAMC/1.5 SYMBOLS or REPORT): status line, headers up to a blank line, "Spam:" header
// with score and threshold, then either a comma list of symbols or a report table with points.
#include "content/verdict.hpp"

#include <charconv>
#include <sstream>

namespace mailaudit::content {
namespace {

// `reason` is a key of [content] in rules/words.toml ("reason_" + key); `detail` fills its {detail}.
Verdict unavailable(std::string reason, std::string detail = "") {
  Verdict v;
  v.engine = "spamassassin";
  v.reason = std::move(reason);
  v.reason_detail = std::move(detail);
  return v;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

bool to_double(const std::string& s, double& out) {
  const std::string t = trim(s);
  if (t.empty()) return false;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  return ec == std::errc() && p == t.data() + t.size();
}

// One report row: " 1.2 NAME   description". Returns false for rows that are not a symbol.
bool report_row(const std::string& line, Symbol& out) {
  std::istringstream in(line);
  std::string pts, name;
  if (!(in >> pts >> name)) return false;
  if (!to_double(pts, out.score)) return false;
  out.name = name;
  std::string rest;
  std::getline(in, rest);
  out.description = trim(rest);
  return true;
}

}  // namespace

Verdict parse_spamd_reply(const std::string& reply) {
  std::istringstream in(reply);
  std::string line;
  if (!std::getline(in, line) || line.rfind("SPAMD/", 0) != 0) return unavailable("not_spamd");
  if (trim(line).find(" EX_OK") == std::string::npos) return unavailable("engine_error", trim(line));
  Verdict v;
  v.engine = "spamassassin";
  bool have_spam = false;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty()) break;
    if (line.rfind("Spam:", 0) != 0) continue;
    // Spam: True ; 7.1 / 5.0
    const auto semi = line.find(';'), slash = line.find('/');
    if (semi == std::string::npos || slash == std::string::npos || slash < semi) break;
    const std::string flag = trim(line.substr(5, semi - 5));
    if (!to_double(line.substr(semi + 1, slash - semi - 1), v.score) ||
        !to_double(line.substr(slash + 1), v.threshold))
      break;
    v.action = (flag == "True" || flag == "Yes") ? "spam" : "ham";
    have_spam = true;
  }
  if (!have_spam) return unavailable("no_spam_header");
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (body.find("\n---- ") != std::string::npos || body.rfind("---- ", 0) == 0) {
    std::istringstream rows(body);
    bool table = false;
    while (std::getline(rows, line)) {
      if (line.rfind("---- ", 0) == 0) { table = true; continue; }
      if (!table) continue;
      Symbol s;
      if (report_row(line, s)) v.symbols.push_back(s);
      else if (!v.symbols.empty() && !trim(line).empty()) v.symbols.back().description += " " + trim(line);
    }
  } else {
    std::istringstream names(trim(body));
    std::string name;
    while (std::getline(names, name, ','))
      if (!trim(name).empty()) {
        Symbol s;
        s.name = trim(name);
        v.symbols.push_back(std::move(s));
      }
  }
  v.available = true;
  return v;
}

}  // namespace mailaudit::content
