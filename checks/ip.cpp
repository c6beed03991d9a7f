// Check "ip": the sending address itself. A private, loopback or documentation address is noted (info):
// no Internet receiver sees it, so connect-stage results are a what-if. Every other check still runs.
#include "checks.hpp"
#include "util/names.hpp"

namespace mailaudit::checks {

std::vector<Finding> run_ip(const Context& ctx) {
  auto ip = dns::parse_ip(*ctx.envelope.ip);
  if (!ip) return {};
  for (const auto& range : ctx.rules.ip_ranges()) {
    auto net = dns::parse_cidr(range.cidr);
    if (net && dns::in_cidr(*ip, *net)) return {ctx.make("ip.reserved", {{"ip", ip->to_string()}, {"range", range.name}})};
  }
  return {};
}

}  // namespace mailaudit::checks
