#include "bounce/dsn.hpp"

#include "bounce/reply.hpp"
#include "util/text.hpp"

namespace mailaudit::bounce {

std::string DsnFields::get(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (n != name) continue;
    std::string_view value = v;
    // "rfc822; a@b", "dns; mx.example", "smtp; 550 ..." : the type is not part of the value.
    if (auto semi = value.find(';'); semi != std::string_view::npos && semi < 20) {
      std::string_view type = text::trim(value.substr(0, semi));
      bool word = !type.empty() && type.find(' ') == std::string_view::npos && type.find('@') == std::string_view::npos;
      if (word) value = value.substr(semi + 1);
    }
    return std::string(text::trim(value));
  }
  return "";
}

Dsn parse_dsn(std::string_view body) {
  Dsn dsn;
  std::vector<DsnFields> groups(1);
  std::string name, value;
  auto flush = [&] {
    if (!name.empty()) groups.back().fields.emplace_back(text::lower(name), unwrap(value));
    name.clear();
    value.clear();
  };
  std::size_t lines = 0;
  for (auto line : text::split(body, '\n')) {
    if (++lines > 5000) break;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (text::trim(line).empty()) {
      flush();
      if (!groups.back().fields.empty()) groups.emplace_back();
      continue;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !name.empty()) {
      value += " ";
      value += line;
      continue;
    }
    flush();
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    name = std::string(text::trim(line.substr(0, colon)));
    value = std::string(line.substr(colon + 1));
  }
  flush();
  if (groups.back().fields.empty()) groups.pop_back();
  for (auto& g : groups) {
    bool per_recipient = !g.get("final-recipient").empty() || !g.get("original-recipient").empty() ||
                         !g.get("action").empty();
    if (per_recipient) dsn.recipients.push_back(std::move(g));
    else if (dsn.message.fields.empty()) dsn.message = std::move(g);
    else dsn.message.fields.insert(dsn.message.fields.end(), g.fields.begin(), g.fields.end());
  }
  return dsn;
}

}  // namespace mailaudit::bounce
