// Check "from": the header From, the author identity DMARC and every receiver judge (RFC 5322 §3.6.2).
#include "checks.hpp"
#include "message/rfc5322.hpp"
#include "util/text.hpp"

namespace mailaudit::checks {

std::vector<Finding> run_from(const Context& ctx) {
  std::vector<Finding> out;
  auto fields = ctx.message.fields("From");
  if (fields.empty()) return {ctx.make("from.missing")};
  if (fields.size() > 1)
    out.push_back(ctx.make("from.multiple", {{"what", ctx.word("from.fields", {{"count", std::to_string(fields.size())}})}}));

  for (const HeaderField* f : fields) {
    rfc5322::AddressList list = rfc5322::parse_addresses(f->raw_value);
    std::string value = text::printable(f->value, 200);
    if (list.mailboxes.empty()) {
      out.push_back(ctx.make("from.invalid", {{"value", value},
                                              {"why", ctx.word(list.had_group ? "from.empty_group" : "from.no_address")}}));
      continue;
    }
    if (list.mailboxes.size() > 1)
      out.push_back(ctx.make("from.multiple", {{"what", ctx.word("from.addresses", {{"count", std::to_string(list.mailboxes.size())}})}}));
    for (const auto& m : list.mailboxes) {
      std::string why = rfc5322::mailbox_problem(m);
      if (!why.empty()) out.push_back(ctx.make("from.invalid", {{"value", value}, {"why", why}}));
    }
  }
  return out;
}

}  // namespace mailaudit::checks
