// `mailaudit probe --rcpt ADDR...`: ask the receiver itself, stage by stage, up to RCPT TO; never DATA.
#include <unistd.h>

#include <iostream>
#include <map>
#include <memory>

#include "check_probe.hpp"
#include "commands.hpp"
#include "dns/dns_stack.hpp"
#include "output.hpp"
#include "output/probe_writer.hpp"
#include "output/writers.hpp"
#include "rules/bounce_rules.hpp"
#include "setup.hpp"
#include "receivers/profile.hpp"
#include "smtp/run.hpp"
#include "util/names.hpp"
#include "util/text.hpp"

namespace mailaudit::cli {

namespace {

struct ProbeOptions {
  std::vector<std::string> rcpt;
  std::string server, helo, mail_from, ip, starttls = "auto", ca_file;
  int timeout_ms = 30000, connect_timeout_ms = 10000, total_timeout_ms = 120000;
  std::size_t size = 0;
  int max_rcpt = 5, max_mx = 3;
  std::string format = "text", output, rules_dir;
  std::vector<std::string> resolvers, zones;
  bool offline = false;
  int dns_timeout_ms = 2000;
};


int run(const ProbeOptions& o, const CLI::App& cmd) {
  std::unique_ptr<rules::Rules> rules;
  try {
    rules = std::make_unique<rules::Rules>(load_rules(o.rules_dir));
  } catch (const rules::RulesError& e) {
    std::cerr << "mailaudit: rules: " << e.what() << "\n";
    return 2;
  }
  if (cmd.count("--ip") && !dns::parse_ip(o.ip)) {
    std::cerr << "mailaudit: --ip: \"" << o.ip << "\" is not an IPv4 or IPv6 address\n";
    return 2;
  }
  if (cmd.count("--helo") && o.helo.empty()) {
    std::cerr << "mailaudit: --helo: \"\" cannot be sent as a HELO name\n";
    return 2;
  }
  smtp::ProbeRequest req;
  ProbeEnvelope pe;
  pe.rcpt = o.rcpt;
  pe.server = o.server;
  pe.helo = o.helo;
  pe.mail_from = o.mail_from;
  pe.max_rcpt = static_cast<std::size_t>(o.max_rcpt);
  pe.raise_hint = "raise with --max-rcpt";
  if (std::string error = prepare_probe(pe, req); !error.empty()) {
    std::cerr << "mailaudit: " << error << "\n";
    return 2;
  }
  std::unique_ptr<Output> out;
  std::unique_ptr<dns::DnsStack> dns;
  try {
    out = std::make_unique<Output>(o.output);
    dns::DnsSettings ds;
    ds.resolvers = o.resolvers;
    ds.zones = o.zones;
    ds.offline = o.offline;
    ds.timeout_ms = o.dns_timeout_ms;
    dns = std::make_unique<dns::DnsStack>(ds);
  } catch (const std::exception& e) {
    std::cerr << "mailaudit: " << e.what() << "\n";
    return 2;
  }

  try {
    req.profiles = receivers::load_profiles(o.rules_dir);
  } catch (const receivers::ProfileError& e) {
    std::cerr << "mailaudit: " << e.what() << "\n";
    return 2;
  }
  req.max_mx = static_cast<std::size_t>(o.max_mx);
  smtp::SessionOptions& so = req.session;
  so.source = o.ip;
  so.starttls = o.starttls == "require" ? smtp::StartTls::require : o.starttls == "never" ? smtp::StartTls::never : smtp::StartTls::automatic;
  so.size = o.size;
  so.connect_timeout_ms = o.connect_timeout_ms;
  so.reply_timeout_ms = o.timeout_ms;
  so.total_timeout_ms = o.total_timeout_ms;
  so.ca_file = o.ca_file;
  if (isatty(STDERR_FILENO))
    req.on_unreachable = [&](const std::string& host, const std::string& address, const std::string& why) {
      std::cerr << "mailaudit: " << text::fill(rules->word("probe.note_tried"), {{"host", host}, {"address", address}, {"why", why}}) << "\n";
    };
  probe::ProbeResult result = smtp::run_probe(req, dns->resolver(), *rules);

  std::map<std::string, std::string> words(rules->words().begin(), rules->words().end());
  if (o.format == "json") out->write(dump_json(probe_json(result), true) + "\n");
  else if (o.format == "markdown") out->write(probe_markdown(result, words));
  else out->write(probe_text(result, words));
  return result.accepted ? 0 : result.rejected ? 1 : 3;
}

}  // namespace

std::function<int()> add_probe_command(CLI::App& app) {
  auto o = std::make_shared<ProbeOptions>();
  auto* cmd = app.add_subcommand("probe", "Ask the receiver itself: SMTP up to RCPT TO, then RSET and QUIT (never DATA)");
  cmd->add_option("--rcpt", o->rcpt, "recipient to ask about (repeatable, at most --max-rcpt)")->required();
  cmd->add_option("--server", o->server, "probe HOST[:PORT] instead of the recipients' MX hosts");
  cmd->add_option("--helo", o->helo, "EHLO/HELO name (default: this machine's FQDN)");
  cmd->add_option("--mail-from", o->mail_from, "envelope sender; '<>' or '' (the default) is the null sender");
  cmd->add_option("--ip", o->ip, "source address to connect from (the connect-stage identity)");
  cmd->add_option("--starttls", o->starttls, "auto (when offered), require, never")->check(CLI::IsMember({"auto", "require", "never"}))->capture_default_str();
  cmd->add_option("--timeout", o->timeout_ms, "timeout per reply, milliseconds")->check(CLI::Range(100, 600000))->capture_default_str();
  cmd->add_option("--connect-timeout", o->connect_timeout_ms, "connect timeout, milliseconds")->check(CLI::Range(100, 600000))->capture_default_str();
  cmd->add_option("--total-timeout", o->total_timeout_ms, "timeout for a whole session, milliseconds")->check(CLI::Range(100, 3600000))->capture_default_str();
  cmd->add_option("--size", o->size, "SIZE= to announce on MAIL FROM when the server advertises SIZE (0: none)")->capture_default_str();
  cmd->add_option("--max-rcpt", o->max_rcpt, "most recipients per run")->check(CLI::Range(1, 100))->capture_default_str();
  cmd->add_option("--max-mx", o->max_mx, "most MX hosts tried per run")->check(CLI::Range(1, 20))->capture_default_str();
  cmd->add_option("--tls-ca", o->ca_file, "CA certificates (PEM) trusted besides the system store");
  cmd->add_option("--format", o->format, "text, json or markdown")->check(CLI::IsMember({"text", "json", "markdown"}));
  cmd->add_option("--output", o->output, "write the result to FILE instead of stdout");
  cmd->add_option("--resolver", o->resolvers, "DNS server HOST[:PORT] for the MX lookup (repeatable)");
  cmd->add_option("--zone", o->zones, "zone file or folder answering first (repeatable)");
  cmd->add_flag("--offline", o->offline, "no network DNS: zone files only");
  cmd->add_option("--dns-timeout", o->dns_timeout_ms, "DNS timeout per try, milliseconds")->check(CLI::Range(10, 60000))->capture_default_str();
  cmd->add_option("--rules", o->rules_dir, "folder of rules files laid over the built-in ones");
  return [o, cmd] { return run(*o, *cmd); };
}

}  // namespace mailaudit::cli
