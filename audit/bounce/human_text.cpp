#include "bounce/human_text.hpp"

#include <algorithm>
#include <regex>

#include "util/text.hpp"

namespace mailaudit::bounce {

namespace {

constexpr std::size_t kMaxBlock = 3000;
constexpr std::size_t kMaxLines = 3000;

// Address forms that name a recipient at the start of a line.
const std::vector<std::regex>& recipient_lines() {
  static const std::vector<std::regex> res = [] {
    auto r = [](const char* p) { return std::regex(p, std::regex::ECMAScript | std::regex::icase | std::regex::optimize); };
    return std::vector<std::regex>{
        r(R"(^\s*<([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)>\s*:)"),                       // Postfix, qmail
        r(R"(^\s*<?([^<>\s@:;,'"]+@[a-z0-9][^<>\s@:;,'"]*\.[a-z0-9-]+)>?:?\s*$)"),  // alone on its line
        r(R"(^\s*<?([^<>\s@:;,'"]+@[a-z0-9][^<>\s@:;,'"]*\.[a-z0-9-]+)>?:\s)"),   // OpenSMTPD "a@b: 550 ..."
        r(R"(^\s*<?([^<>\s@]+@[^<>\s@]+\.[^<>\s@.]+)>?\.\.\.\s)"),                 // Sendmail
        r(R"(^\s*(?:final|original)-recipient:\s*(?:rfc822;)?\s*<?([^<>\s@]+@[^<>\s@]+)>?\s*$)"),
        r(R"((?:wasn't|was not|could not be|couldn't be) delivered to\s+<?([^<>\s@]+@[^<>\s@]+\.[a-z0-9-]+)>?)"),
        r(R"re(^\s*"([^"\s@]+@[^"\s@]+\.[a-z0-9-]+)"\s*:)re"),                  // quoted, GMX
        r(R"(\bto=<([^<>\s@]+@[^<>\s@]+)>)"),                                      // a Postfix log line
        r(R"(\*\* <?([^<>\s@]+@[^<>\s@:]+)>?)"),                                  // an Exim log line
        r(R"(^\s*>>>\s*<?([^<>\s@]+@[^<>\s@]+\.[^<>\s@.]+)>?)"),                 // Sendmail variants
        r(R"(^\s*<?([^<>\s@:;,'"]+@[a-z0-9][^<>\s@:;,'"]*\.[a-z0-9-]+)>?[ \t]+\S)"),  // address, then its error

    };
  }();
  return res;
}

struct Mention {
  std::string address;
  std::size_t offset;
};

std::vector<Mention> mentions(std::string_view text, const std::vector<std::string>& exclude) {
  std::vector<Mention> out;
  std::size_t offset = 0, lines = 0;
  for (auto line : text::split(text, '\n')) {
    if (++lines > kMaxLines) break;
    std::string l(line.substr(0, 400));
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (l.find('@') != std::string::npos) {
      for (const auto& re : recipient_lines()) {
        std::smatch m;
        if (!std::regex_search(l, m, re)) continue;
        std::string a = m[1].str();
        while (!a.empty() && (a.back() == '.' || a.back() == ',')) a.pop_back();
        std::string low = text::lower(a);
        bool excluded = std::any_of(exclude.begin(), exclude.end(), [&](const std::string& e) { return text::lower(e) == low; }) ||
                        low.starts_with("postmaster@") || low.starts_with("mailer-daemon@");
        if (!excluded) out.push_back({a, offset});
        break;
      }
    }
    offset += line.size() + 1;
  }
  return out;
}

}  // namespace

std::string_view before_original(std::string_view text, const std::vector<std::string>& markers) {
  std::size_t cut = text.size();
  for (const auto& m : markers) {
    std::size_t p = text.find(m);
    if (p != std::string_view::npos && p < cut) cut = p;
  }
  return text.substr(0, cut);
}

std::vector<TextRecipient> text_recipients(std::string_view text, const std::vector<std::string>& exclude) {
  auto ms = mentions(text, exclude);
  std::vector<TextRecipient> out;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    auto same = [&](const TextRecipient& r) { return text::iequals(r.address, ms[i].address); };
    std::size_t end = text.size();
    for (std::size_t j = i + 1; j < ms.size(); ++j)
      if (!text::iequals(ms[j].address, ms[i].address)) {
        end = ms[j].offset;
        break;
      }
    std::string block(text.substr(ms[i].offset, std::min(end - ms[i].offset, kMaxBlock)));
    auto it = std::find_if(out.begin(), out.end(), same);
    if (it == out.end()) out.push_back({ms[i].address, block});
    else if (it->block.size() < kMaxBlock) it->block += "\n" + block.substr(0, kMaxBlock - it->block.size());
  }
  return out;
}

std::string block_for(std::string_view text, std::string_view address) {
  for (const auto& r : text_recipients(text, {}))
    if (text::iequals(r.address, address)) return r.block;
  return "";
}

}  // namespace mailaudit::bounce
