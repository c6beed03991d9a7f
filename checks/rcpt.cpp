// Check "rcpt": each recipient address and its domain as the sending MTA meets them at RCPT TO: valid,
// existing, able to receive mail, and which mailbox provider or gateway runs the MX (rules/providers.toml).
#include <set>

#include "checks.hpp"
#include "dns/mail_domain.hpp"
#include "util/names.hpp"
#include "message/envelope_address.hpp"
#include "util/text.hpp"

namespace mailaudit::checks {

namespace {

Finding judge(const Context& ctx, const std::string& rcpt, const std::string& domain) {
  dns::MailDomain d = dns::inspect_mail_domain(ctx.dns, dns::to_a_label(domain).value_or(domain));
  Args args{{"rcpt", rcpt}, {"domain", domain}};
  std::string_view id;
  using S = dns::MailDomainState;
  // The MX names alone tell the provider, even when their addresses could not be looked up.
  bool mx_known = !d.mx_hosts.empty() && (d.state == S::offline || d.state == S::unknown);
  S state = mx_known ? S::ok : d.state;
  switch (state) {
    case S::nxdomain: id = "rcpt.nxdomain"; break;
    case S::null_mx: id = "rcpt.null_mx"; break;
    case S::no_mail:
      id = "rcpt.no_mail";
      args.push_back({"why", ctx.word("rcpt.no_records")});
      break;
    case S::mx_unresolvable:
      id = "rcpt.no_mail";
      args.push_back({"why", ctx.word("rcpt.mx_without_address")});
      break;
    case S::offline: id = "rcpt.not_checked"; break;
    case S::unknown:
      id = "rcpt.temperror";
      args.push_back({"status", dns::describe(*d.failed)});
      break;
    case S::a_only:
    case S::ok: {
      const rules::Provider* p = nullptr;
      std::string mx_host;
      for (const auto& h : d.mx_hosts)
        if ((p = rules::provider_for_mx(ctx.rules.providers(), h))) {
          mx_host = h;
          break;
        }
      if (!p && d.state == S::offline) {
        id = "rcpt.not_checked";  // MX names known, their addresses not: no verdict
      } else if (!p && d.state == S::unknown) {
        id = "rcpt.temperror";
        args.push_back({"status", dns::describe(*d.failed)});
      } else if (p) {
        id = "rcpt.provider";
        args.insert(args.end(), {{"provider", p->name}, {"mx", mx_host}, {"note", p->note}, {"reference", p->reference}});
      } else {
        id = "rcpt.ok";
        args.push_back({"how", ctx.word(d.state == S::a_only ? "rcpt.implicit_mx" : "rcpt.mx_ok")});
      }
      break;
    }
  }
  Finding f = ctx.make(id, args);
  f.evidence = std::move(d.evidence);
  return f;
}

}  // namespace

std::vector<Finding> run_rcpt(const Context& ctx) {
  std::vector<Finding> out;
  std::set<std::string> seen_domains;
  for (const auto& rcpt : ctx.envelope.rcpt) {
    EnvelopeAddress a = parse_envelope_address(rcpt);
    if (!a.problem.empty()) {
      out.push_back(ctx.make("rcpt.invalid", {{"rcpt", text::printable(rcpt, 120)}, {"why", a.problem}}));
      continue;
    }
    // One verdict per domain: a campaign to 1,000 gmail.com addresses is one question about gmail.com.
    if (a.domain.front() == '[' || !seen_domains.insert(a.domain).second) continue;
    out.push_back(judge(ctx, text::printable(rcpt, 120), a.domain));
  }
  return out;
}

}  // namespace mailaudit::checks
