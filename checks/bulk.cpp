// Check "bulk": per mailbox provider (rules/bulk.toml), which of its published bulk-sender requirements this
// message meets: SPF, DKIM, DMARC, alignment, forward-confirmed reverse DNS, one-click unsubscribe, RFC 5322.
#include <algorithm>

#include "auth/dmarc.hpp"
#include "checks.hpp"
#include "dns/fcrdns.hpp"
#include "message/rfc5322.hpp"
#include "util/text.hpp"

namespace mailaudit::checks {

namespace {

enum class Holds { yes, no, unknown };

Holds fcrdns(const Context& ctx) {
  if (!ctx.envelope.ip) return Holds::unknown;
  auto ip = dns::parse_ip(*ctx.envelope.ip);
  if (!ip) return Holds::unknown;
  dns::ForwardConfirmation fc = dns::forward_confirm(ctx.dns, *ip);
  if (!fc.confirmed.empty()) return Holds::yes;
  // A lookup that could not tell cannot count as "does not confirm".
  return fc.unknown() ? Holds::unknown : Holds::no;
}

bool rfc5322_ok(const Message& m) {
  auto froms = m.fields("From");
  if (froms.size() != 1) return false;
  auto list = rfc5322::parse_addresses(froms.front()->raw_value);
  if (list.mailboxes.size() != 1 || !rfc5322::mailbox_problem(list.mailboxes.front()).empty()) return false;
  const HeaderField* date = m.field("Date");
  const HeaderField* mid = m.field("Message-ID");
  return date && rfc5322::parse_date(date->value).when && mid && rfc5322::msg_id_problem(mid->value).empty();
}

bool one_click(const Message& m, const std::vector<auth::DkimSignature>& dkim) {
  const HeaderField* lu = m.field("List-Unsubscribe");
  const HeaderField* post = m.field("List-Unsubscribe-Post");
  if (!lu || !post || text::trim(post->value) != "List-Unsubscribe=One-Click" ||
      text::lower(lu->value).find("<https://") == std::string::npos)
    return false;
  return auth::unsubscribe_signed(dkim);
}

}  // namespace

std::vector<Finding> run_bulk(const Context& ctx) {
  const auth::DmarcOutcome* dmarc = ctx.auth.dmarc();
  if (!dmarc) return {};
  const auth::DmarcOutcome& dm = *dmarc;
  const auth::SpfOutcome* spf = ctx.auth.spf();
  const auto& dkim = ctx.auth.dkim();
  bool dkim_pass = std::any_of(dkim.begin(), dkim.end(), [](const auth::DkimSignature& s) { return s.result == auth::DkimResult::pass; });
  bool dkim_unknown = std::any_of(dkim.begin(), dkim.end(), [](const auth::DkimSignature& s) { return s.result == auth::DkimResult::temperror; });
  auto holds = [&](const std::string& req) -> Holds {
    // A lookup that failed is "cannot tell", never "does not hold": a timeout is not an SPF failure.
    if (req == "spf")
      return !spf || spf->result == auth::SpfResult::temperror ? Holds::unknown
             : spf->result == auth::SpfResult::pass             ? Holds::yes
                                                                : Holds::no;
    if (req == "dkim") return dkim_pass ? Holds::yes : dkim_unknown ? Holds::unknown : Holds::no;
    if (req == "dmarc")
      return dm.result == "temperror" ? Holds::unknown
             : (dm.result == "pass" || dm.result == "fail" || dm.result == "not_checked") ? Holds::yes : Holds::no;
    if (req == "alignment")
      return dm.result == "pass" ? Holds::yes : (dm.result == "not_checked" || dm.result == "temperror") ? Holds::unknown : Holds::no;
    if (req == "fcrdns") return fcrdns(ctx);
    if (req == "one_click") return one_click(ctx.message, dkim) ? Holds::yes : Holds::no;
    if (req == "rfc5322") return rfc5322_ok(ctx.message) ? Holds::yes : Holds::no;
    return Holds::unknown;
  };
  std::vector<Finding> out;
  for (const auto& p : ctx.rules.bulk()) {
    std::string ok, bad, unknown;
    std::size_t met = 0;
    for (const auto& r : p.requires_) {
      Holds h = holds(r);
      std::string& list = h == Holds::yes ? ok : h == Holds::no ? bad : unknown;
      list += (list.empty() ? "" : ", ") + ctx.word("bulk." + r);
      met += h == Holds::yes;
    }
    Args args{{"provider", p.name}, {"met", std::to_string(met)}, {"total", std::to_string(p.requires_.size())},
              {"holds", ok.empty() ? ctx.word("common.none") : ok}, {"fails", bad.empty() ? ctx.word("common.none") : bad},
              {"unknown", unknown.empty() ? "" : ctx.word("bulk.not_checked", {{"list", unknown}})},
              {"reference", p.reference}};
    Finding f = ctx.make("bulk.requirements", args);
    f.severity = !bad.empty() ? Severity::warning : !unknown.empty() ? Severity::info : Severity::pass;
    f.references.push_back(p.reference);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace mailaudit::checks
