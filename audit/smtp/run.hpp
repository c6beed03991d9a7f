// A whole probe run: where to probe (--server, else the recipients' MX hosts by preference through the run's
// resolver), one session at a time, the first host that answers is the only one asked (later hosts only when
// a connect fails: no retries that look like a flood), each session classified, the run summarised.
// Shared by `mailaudit probe` and `check --probe`.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "dns/resolver.hpp"
#include "model/probe.hpp"
#include "receivers/profile.hpp"
#include "rules/rules.hpp"
#include "smtp/session.hpp"

namespace mailaudit::smtp {

struct ProbeRequest {
  std::string server_host;  // "" = the MX hosts of `domain`
  std::string domain;       // the recipients' domain
  std::size_t max_mx = 3;
  std::vector<receivers::Profile> profiles;  // replies recognised as these profiles' rules (rules/receivers/)
  SessionOptions session;   // host and address are filled per target; port is --server's or 25
  // Called when a host could not be reached and the next is tried (for a person watching); may be empty.
  std::function<void(const std::string& host, const std::string& address, const std::string& why)> on_unreachable;
};

// This machine's fully qualified name: the honest default HELO ("localhost" when it has none).
std::string machine_fqdn();

probe::ProbeResult run_probe(const ProbeRequest& req, dns::Resolver& dns, const rules::Rules& rules);

}  // namespace mailaudit::smtp
