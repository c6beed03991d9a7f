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
#include "smtp/run.hpp"

namespace mailaudit::cli {

struct CheckProbeOptions {
  bool enabled = false;
  std::string server;      // --probe-server HOST[:PORT]; "" = the MX hosts of the --rcpt domain
  int timeout_ms = 30000;  // per reply
  std::string tls_ca;
};

void add_check_probe_options(CLI::App& cmd, CheckProbeOptions& o);

// What both `probe` and `check --probe` check before they connect, filling req.domain, req.server_host and
// the session's port, helo, mail_from and rcpt: "" when the envelope can be sent, else a one-line error
// (exit 2). `server_flag` names the --server option in errors, `raise_hint` tells how to raise `max_rcpt`.
// An empty `helo` is this machine's FQDN; "<>" or "" is the null sender.
struct ProbeEnvelope {
  std::vector<std::string> rcpt;
  std::string server, helo, mail_from;
  std::size_t max_rcpt = 5;
  std::string server_flag = "--server", raise_hint;
};
std::string prepare_probe(const ProbeEnvelope& e, smtp::ProbeRequest& req);

// The probe's result, or nullptr with `error` set (a one-line usage error: exit 2).
std::shared_ptr<const probe::ProbeResult> run_check_probe(const CheckProbeOptions& o, const Envelope& env, dns::Resolver& dns,
                                                          const rules::Rules& rules,
                                                          const std::vector<receivers::Profile>& profiles, std::string& error);

}  // namespace mailaudit::cli
