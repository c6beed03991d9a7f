// Check "from_domain": the header From domain in the DNS, as receivers test it after end of DATA:
// it exists, can receive mail (MX, or A/AAAA as implicit MX), is not a null MX, and has an address.
#include "checks.hpp"
#include "dns/mail_domain.hpp"
#include "util/names.hpp"
#include "message/rfc5322.hpp"

namespace mailaudit::checks {

std::vector<Finding> run_from_domain(const Context& ctx) {
  std::string domain = rfc5322::author_domain(ctx.message);
  if (domain.empty()) return {};
  dns::MailDomain d = dns::inspect_mail_domain(ctx.dns, dns::to_a_label(domain).value_or(domain));
  Args args{{"domain", domain}};
  std::string_view id;
  using S = dns::MailDomainState;
  switch (d.state) {
    case S::nxdomain: id = "from.nxdomain"; break;
    case S::null_mx: id = "from.null_mx"; break;
    case S::no_mail: id = "from.no_mail"; break;
    case S::offline: id = "from.not_checked"; break;
    case S::unknown:
      id = "from.temperror";
      args.push_back({"status", dns::describe(*d.failed)});
      break;
    case S::a_only:
      id = "from.ok";
      args.push_back({"how", ctx.word("from_domain.implicit_mx")});
      break;
    case S::mx_unresolvable:
    case S::ok:
      // For the author domain receivers ask "does it exist and have an address?"; the MX hosts are the
      // sender and recipient checks' concern.
      id = d.has_address ? "from.ok" : "from.no_address";
      args.push_back({"how", ctx.word("from_domain.mx_and_address")});
      break;
  }
  Finding f = ctx.make(id, args);
  f.evidence = std::move(d.evidence);
  return {std::move(f)};
}

}  // namespace mailaudit::checks
