#include "receivers/match.hpp"

#include <regex>

#include "util/text.hpp"

namespace mailaudit::receivers {

namespace {

// A reply template as a regex: literal text escaped, each {placeholder} any text. Sets `literal` to the
// number of fixed characters.
std::string template_regex(const std::string& templ, std::size_t& literal) {
  static const std::string special = R"(\^$.|?*+()[]{})";
  std::string out;
  literal = 0;
  for (std::size_t i = 0; i < templ.size(); ++i) {
    char c = templ[i];
    if (c == '{') {
      auto close = templ.find('}', i);
      if (close != std::string::npos) {
        out += ".*?";
        i = close;
        continue;
      }
    }
    if (special.find(c) != std::string::npos) out += '\\';
    out += c;
    ++literal;
  }
  return out;
}

}  // namespace

ReplyMatch match_reply(const std::vector<Profile>& profiles, int code, const std::string& status,
                       const std::string& diagnostic) {
  static const std::regex continuation(R"(\b[245][0-9][0-9]-(?:[245]\.[0-9]{1,3}\.[0-9]{1,3} )?)");
  std::string text = std::regex_replace(text::printable(diagnostic, 2000), continuation, "");
  for (const auto& p : profiles)
    for (const auto& rule : p.rules) {
      if (!rule.reply.code) continue;
      if (code && code != rule.reply.code) continue;
      if (!status.empty() && !rule.reply.status.empty() && status != rule.reply.status) continue;
      std::size_t literal = 0;
      std::string templ(text::trim(rule.reply.text));
      while (!templ.empty() && (templ.front() == ':' || templ.front() == ' ')) templ.erase(0, 1);  // ": AOL will ..."
      while (!templ.empty() && (templ.back() == '.' || templ.back() == ' ')) templ.pop_back();     // "... message."
      std::string re = template_regex(templ, literal);
      if (literal < 12) continue;
      try {
        if (std::regex_search(text, std::regex(re, std::regex::icase))) return {&p, &rule};
      } catch (const std::regex_error&) {
        continue;
      }
    }
  return {};
}

}  // namespace mailaudit::receivers
