#include "bounce/human_text.hpp"

#include <algorithm>
#include <regex>

#include "util/text.hpp"

namespace mailaudit::bounce {

namespace {

constexpr std::size_t kMaxBlock = 3000;
constexpr std::size_t kMaxLines = 3000;

struct Mention {
  std::string address;
  std::size_t offset;
};

std::vector<Mention> mentions(std::string_view text, const std::vector<std::string>& exclude,
                              const std::vector<rules::RecipientForm>& forms) {
  std::vector<Mention> out;
  std::size_t offset = 0, lines = 0;
  for (auto line : text::split(text, '\n')) {
    if (++lines > kMaxLines) break;
    std::string l(line.substr(0, 400));
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (l.find('@') != std::string::npos) {
      for (const auto& form : forms) {
        std::smatch m;
        if (!std::regex_search(l, m, form.re.get())) continue;
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

std::vector<TextRecipient> text_recipients(std::string_view text, const std::vector<std::string>& exclude,
                                           const std::vector<rules::RecipientForm>& forms) {
  auto ms = mentions(text, exclude, forms);
  std::vector<TextRecipient> out;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    // The same address again inside its own block ("<a@b>: host ... said: 550 <a@b>: Recipient address
    // rejected"): already part of the block that began at the previous mention.
    if (i > 0 && text::iequals(ms[i].address, ms[i - 1].address)) continue;
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

bool starts_with_recipient(std::string_view text, const std::vector<rules::RecipientForm>& forms) {
  std::size_t lines = 0;
  for (auto line : text::split(text.substr(0, 4096), '\n')) {
    if (++lines > 50) break;
    if (text::trim(line).empty()) continue;
    std::string l(line.substr(0, 400));
    if (!l.empty() && l.back() == '\r') l.pop_back();
    // Only forms anchored at the start of the line: "Subject: ... wasn't delivered to a@b" is a header.
    for (const auto& form : forms)
      if (form.pattern.starts_with("^") && std::regex_search(l, form.re.get())) return true;
    return false;
  }
  return false;
}

std::string block_for(std::string_view text, std::string_view address, const std::vector<rules::RecipientForm>& forms) {
  for (const auto& r : text_recipients(text, {}, forms))
    if (text::iequals(r.address, address)) return r.block;
  return "";
}

}  // namespace mailaudit::bounce
