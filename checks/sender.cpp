// Check "sender": the envelope sender (MAIL FROM) as the receiver sees it at that stage: a valid address
// whose domain exists and can receive the bounces (MX hosts with addresses, no null MX).
#include "checks.hpp"
#include "dns/mail_domain.hpp"
#include "util/names.hpp"
#include "message/envelope_address.hpp"
#include "util/text.hpp"

namespace mailaudit::checks {

std::vector<Finding> run_sender(const Context& ctx) {
  const std::string& mail_from = *ctx.envelope.mail_from;
  if (mail_from.empty() || mail_from == "<>") return {ctx.make("sender.null")};
  EnvelopeAddress addr = parse_envelope_address(mail_from);
  if (!addr.problem.empty())
    return {ctx.make("sender.invalid", {{"value", text::printable(mail_from, 120)}, {"why", addr.problem}})};
  std::vector<Finding> out;
  if (addr.long_local)
    out.push_back(ctx.make("sender.long_local_part", {{"value", text::printable(mail_from, 120)},
                                                       {"octets", std::to_string(addr.local.size())}}));
  if (addr.domain.front() == '[') return out;  // an address literal has no DNS to check

  dns::MailDomain d = dns::inspect_mail_domain(ctx.dns, dns::to_a_label(addr.domain).value_or(addr.domain));
  Args args{{"domain", addr.domain}};
  std::string hosts;
  for (const auto& h : d.mx_hosts) hosts += (hosts.empty() ? "" : ", ") + h;
  std::string_view id;
  using S = dns::MailDomainState;
  switch (d.state) {
    case S::ok:
      id = "sender.ok";
      args.push_back({"how", ctx.word("sender.mx_ok", {{"hosts", hosts}})});
      break;
    case S::nxdomain: id = "sender.nxdomain"; break;
    case S::null_mx: id = "sender.null_mx"; break;
    case S::no_mail: id = "sender.no_mail"; break;
    case S::a_only: id = "sender.a_only"; break;
    case S::mx_unresolvable:
      id = "sender.mx_unresolvable";
      args.push_back({"hosts", hosts});
      break;
    case S::offline: id = "sender.not_checked"; break;
    case S::unknown:
      id = "sender.temperror";
      args.push_back({"status", dns::describe(*d.failed)});
      break;
  }
  Finding f = ctx.make(id, args);
  f.evidence = std::move(d.evidence);
  out.push_back(std::move(f));
  return out;
}

}  // namespace mailaudit::checks
