// Check "mime": the structural problems met while parsing (from GMime's warnings and our own decoding
// checks), one finding per kind of problem.
#include <map>

#include "checks.hpp"

namespace mailaudit::checks {

std::vector<Finding> run_mime(const Context& ctx) {
  std::vector<Finding> out;
  // Group by code, keeping the first occurrence: a broken generator repeats the same mistake per part.
  std::map<std::string, std::pair<const ParseProblem*, std::size_t>> by_code;
  std::vector<std::string> order;
  for (const auto& p : ctx.message.problems) {
    auto [it, inserted] = by_code.try_emplace(p.code, &p, 0);
    if (inserted) order.push_back(p.code);
    ++it->second.second;
  }
  for (const auto& code : order) {
    const auto& [p, count] = by_code[code];
    std::string where;
    where = p->part.empty() ? ctx.word("mime.in_message") : ctx.word("mime.in_part", {{"part", p->part}});
    if (p->offset >= 0) where += ctx.word("mime.at_byte", {{"offset", std::to_string(p->offset)}});
    std::string extra = count > 1 ? ctx.word("mime.more", {{"count", std::to_string(count - 1)}}) : "";
    out.push_back(ctx.make("mime.malformed", {{"problem", p->detail}, {"where", where}, {"extra", extra}}));
  }
  if (out.empty()) out.push_back(ctx.make("mime.ok", {{"parts", std::to_string(ctx.message.parts.size())}}));
  return out;
}

}  // namespace mailaudit::checks
