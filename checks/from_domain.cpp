// Check "from_domain": the header From domain in the DNS, as receivers test it after end of DATA:
// it exists, can receive mail (MX, or A/AAAA as implicit MX), is not a null MX, and has an address.
#include <algorithm>

#include "checks.hpp"
#include "dns/names.hpp"
#include "message/rfc5322.hpp"

namespace mailaudit::checks {

namespace {

// The domain of the first valid From mailbox, or "" (the "from" check reports why there is none).
std::string author_domain(const Message& m) {
  const HeaderField* from = m.field("From");
  if (!from) return "";
  for (const auto& mb : rfc5322::parse_addresses(from->raw_value).mailboxes)
    if (rfc5322::mailbox_problem(mb).empty() && mb.domain.front() != '[') return dns::normalise_name(mb.domain);
  return "";
}

bool is_null_mx(const dns::Answer& mx) {
  return mx.ok() && mx.records.size() == 1 && mx.records[0].value.empty();
}

}  // namespace

std::vector<Finding> run_from_domain(const Context& ctx) {
  std::string domain = author_domain(ctx.message);
  if (domain.empty()) return {};
  std::string lookup_name = dns::to_a_label(domain).value_or(domain);
  auto answers = ctx.dns.lookup_all({{lookup_name, dns::RRType::MX}, {lookup_name, dns::RRType::A}, {lookup_name, dns::RRType::AAAA}});
  const dns::Answer &mx = answers[0], &a = answers[1], &aaaa = answers[2];
  Args args{{"domain", domain}};
  auto with_evidence = [&](Finding f) {
    f.evidence = answers;
    return std::vector<Finding>{std::move(f)};
  };

  // An authoritative "does not exist" outweighs a failure elsewhere.
  if (std::any_of(answers.begin(), answers.end(), [](const dns::Answer& x) { return x.status == dns::Status::NXDOMAIN; }))
    return with_evidence(ctx.make("from.nxdomain", args));
  if (is_null_mx(mx)) return with_evidence(ctx.make("from.null_mx", args));
  auto unknown = std::find_if(answers.begin(), answers.end(), [](const dns::Answer& x) { return x.unknown(); });
  if (unknown != answers.end()) {
    bool offline = std::all_of(answers.begin(), answers.end(), [](const dns::Answer& x) { return x.status == dns::Status::OFFLINE; });
    if (offline) return with_evidence(ctx.make("from.not_checked", args));
    args.push_back({"status", std::string(to_string(unknown->type)) + " " + std::string(to_string(unknown->status))});
    return with_evidence(ctx.make("from.temperror", args));
  }
  bool has_mx = mx.ok() && !mx.records.empty();
  bool has_address = (a.ok() && !a.records.empty()) || (aaaa.ok() && !aaaa.records.empty());
  if (!has_mx && !has_address) return with_evidence(ctx.make("from.no_mail", args));
  if (has_mx && !has_address) return with_evidence(ctx.make("from.no_address", args));
  args.push_back({"how", has_mx ? "It has MX and address records" : "It has no MX but an address record, which serves as implicit MX (RFC 5321 §5.1)"});
  return with_evidence(ctx.make("from.ok", args));
}

}  // namespace mailaudit::checks
