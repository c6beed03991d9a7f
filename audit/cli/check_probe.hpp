// check --probe: one live probe per run with the check's own envelope (--ip as the source address when this
// machine has it, --helo, --mail-from, --rcpt), shared by every report of the run and set beside each
// report's findings stage by stage (smtp/compare.hpp).
#pragma once
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "dns/resolver.hpp"
#include "model/envelope.hpp"
#include "model/probe.hpp"
#include "receivers/profile.hpp"
#include "rules/rules.hpp"

namespace mailaudit::cli {

struct CheckProbeOptions {
  bool enabled = false;
  std::string server;      // --probe-server HOST[:PORT]; "" = the MX hosts of the --rcpt domain
  int timeout_ms = 30000;  // per reply
  std::string tls_ca;
};

void add_check_probe_options(CLI::App& cmd, CheckProbeOptions& o);

// The probe's result, or nullptr with `error` set (a one-line usage error: exit 2).
std::shared_ptr<const probe::ProbeResult> run_check_probe(const CheckProbeOptions& o, const Envelope& env, dns::Resolver& dns,
                                                          const rules::Rules& rules,
                                                          const std::vector<receivers::Profile>& profiles, std::string& error);

}  // namespace mailaudit::cli
