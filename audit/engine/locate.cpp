#include "engine/locate.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace mailaudit {

namespace {

// The top-level field's offset: as parsed, else the first "Name:" at a line start in the header block.
std::optional<std::size_t> field_offset(const Message& msg, const std::string& name) {
  const HeaderField* f = msg.field(name);
  if (!f) return std::nullopt;
  if (f->offset >= 0) return static_cast<std::size_t>(f->offset);
  std::string head = text::lower(std::string_view(msg.raw).substr(0, msg.header_end()));
  std::string want = text::lower(name) + ":";
  if (head.compare(0, want.size(), want) == 0) return 0;
  auto at = head.find("\n" + want);
  if (at == std::string::npos) return std::nullopt;
  return at + 1;
}

// The first URL of the report the finding names (its written form or its host in the title or detail), found
// as written in the raw bytes. Encoded parts (base64, quoted-printable) hide it: then no line.
std::optional<std::size_t> url_offset(const Finding& f, const Message& msg, const std::vector<urls::Url>& urls) {
  auto names = [&](const std::string& s) {
    return !s.empty() && (f.detail.find(s) != std::string::npos || f.title.find(s) != std::string::npos);
  };
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& u : urls) {
      if (u.raw.empty() || (pass == 1 && u.source.rfind("header:", 0) == 0)) continue;
      bool named = pass == 0 ? (names(u.raw) || names(u.url)) : names(u.host);
      if (!named) continue;
      auto at = msg.raw.find(u.raw);
      if (at != std::string::npos) return at;
    }
  return std::nullopt;
}

}  // namespace

std::size_t line_at(std::string_view raw, std::size_t offset) {
  offset = std::min(offset, raw.size());
  return 1 + static_cast<std::size_t>(std::count(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

void locate_findings(std::vector<Finding>& findings, const Message& msg, const std::vector<urls::Url>& urls,
                     const rules::Rules& rules) {
  for (auto& f : findings) {
    const rules::FindingText* t = rules.finding(f.id);
    if (!t || t->field.empty()) continue;
    auto at = t->field == "url" ? url_offset(f, msg, urls) : field_offset(msg, t->field);
    if (at) f.line = line_at(msg.raw, *at);
  }
}

}  // namespace mailaudit
