#include "check_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "setup.hpp"
#include "smtp/run.hpp"
#include "util/text.hpp"

namespace mailaudit::cli {

namespace {

// True when this machine can send from `ip` (bind to it): only then is the probe's connect stage about --ip.
bool local_address(const std::string& ip) {
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  int fd = -1, ok = -1;
  if (inet_pton(AF_INET, ip.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) ok = ::bind(fd, reinterpret_cast<sockaddr*>(&v4), sizeof v4);
  } else if (inet_pton(AF_INET6, ip.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) ok = ::bind(fd, reinterpret_cast<sockaddr*>(&v6), sizeof v6);
  }
  if (fd >= 0) ::close(fd);
  return ok == 0;
}


constexpr std::size_t kMaxRcpt = 5;  // the probe's own cap (mailaudit probe --max-rcpt raises it; check does not)

}  // namespace

std::string prepare_probe(const ProbeEnvelope& e, smtp::ProbeRequest& req) {
  if (e.rcpt.size() > e.max_rcpt)
    return "probe: " + std::to_string(e.rcpt.size()) + " recipients, at most " + std::to_string(e.max_rcpt) + " per run (" +
           e.raise_hint + ")";
  for (const auto& r : e.rcpt) {
    auto at = r.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == r.size() || r.find_first_of("<> \r\n") != std::string::npos)
      return "--rcpt: \"" + r + "\" is not an address local@domain";
    std::string d = text::lower(r.substr(at + 1));
    if (!req.domain.empty() && d != req.domain && e.server.empty())
      return "probe: recipients of more than one domain (" + req.domain + ", " + d + "): probe one domain per run, or give " +
             e.server_flag;
    if (req.domain.empty()) req.domain = d;
  }
  req.session.port = 25;
  if (!e.server.empty() && !split_host_port(e.server, req.server_host, req.session.port))
    return e.server_flag + ": expected HOST[:PORT], got \"" + e.server + "\"";
  std::string mail_from = e.mail_from == "<>" ? "" : e.mail_from;
  if (mail_from.find_first_of("<> \r\n") != std::string::npos) return "--mail-from: \"" + mail_from + "\" is not an address";
  std::string helo = e.helo.empty() ? smtp::machine_fqdn() : e.helo;
  if (helo.find_first_of(" \r\n") != std::string::npos) return "--helo: \"" + helo + "\" cannot be sent as a HELO name";
  req.session.helo = helo;
  req.session.mail_from = mail_from;
  req.session.rcpt = e.rcpt;
  return "";
}

void add_check_probe_options(CLI::App& cmd, CheckProbeOptions& o) {
  cmd.add_flag("--probe", o.enabled, "also ask the receiver itself, up to RCPT TO (never DATA), and set its answers beside the audit's");
  cmd.add_option("--probe-server", o.server, "--probe: ask HOST[:PORT] instead of the --rcpt domain's MX hosts");
  cmd.add_option("--probe-timeout", o.timeout_ms, "--probe: timeout per reply, milliseconds")->check(CLI::Range(100, 600000))->capture_default_str();
  cmd.add_option("--probe-tls-ca", o.tls_ca, "--probe: CA certificates (PEM) trusted besides the system store");
}

std::shared_ptr<const probe::ProbeResult> run_check_probe(const CheckProbeOptions& o, const Envelope& env, dns::Resolver& dns,
                                                          const rules::Rules& rules,
                                                          const std::vector<receivers::Profile>& profiles, std::string& error) {
  if (env.rcpt.empty()) {
    error = "--probe: needs --rcpt (the recipients to ask the receiver about)";
    return nullptr;
  }
  smtp::ProbeRequest req;
  req.profiles = profiles;
  ProbeEnvelope pe;
  pe.rcpt = env.rcpt;
  pe.server = o.server;
  pe.helo = env.helo.value_or("");
  pe.mail_from = env.mail_from.value_or("");
  pe.max_rcpt = kMaxRcpt;
  pe.server_flag = "--probe-server";
  pe.raise_hint = "mailaudit probe --max-rcpt raises it";
  error = prepare_probe(pe, req);
  if (!error.empty()) return nullptr;
  smtp::SessionOptions& so = req.session;
  so.reply_timeout_ms = o.timeout_ms;
  so.ca_file = o.tls_ca;
  const bool from_ip = env.ip && local_address(*env.ip);
  if (from_ip) so.source = *env.ip;
  auto result = std::make_shared<probe::ProbeResult>(smtp::run_probe(req, dns, rules));
  if (env.ip && !from_ip) {
    std::string note = text::fill(rules.word("probe.note_not_from_ip"), {{"ip", *env.ip}});
    result->target.note += (result->target.note.empty() ? "" : "; ") + note;
  }
  return result;
}

}  // namespace mailaudit::cli
