// Where to probe: the MX hosts of the recipients' domain in preference order (RFC 5321 §5.1: no MX and an
// address = the domain itself), each with its addresses, through the run's resolver (--zone, --resolver).
#pragma once
#include <string>
#include <vector>

#include "dns/resolver.hpp"
#include "model/probe.hpp"

namespace mailaudit::smtp {

struct Host {
  std::string name;
  int pref = 0;
  std::vector<std::string> addresses;  // IPv4 first, then IPv6
};

struct Targets {
  std::vector<Host> hosts;     // at most max_hosts, by preference
  std::string problem;         // "" or a words key under [probe] (no_mx, null_mx, nxdomain, dns_unknown)
  std::string detail;          // the DNS answer behind the problem, for people
};

Targets mx_targets(dns::Resolver& dns, const std::string& domain, std::size_t max_hosts);

}  // namespace mailaudit::smtp
