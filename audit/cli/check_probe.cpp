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
  if (env.rcpt.size() > kMaxRcpt) {
    error = "--probe: at most " + std::to_string(kMaxRcpt) + " recipients per run (mailaudit probe --max-rcpt raises it)";
    return nullptr;
  }
  smtp::ProbeRequest req;
  req.profiles = profiles;
  for (const auto& r : env.rcpt) {
    auto at = r.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == r.size() || r.find_first_of("<> \r\n") != std::string::npos) {
      error = "--rcpt: \"" + r + "\" is not an address local@domain";
      return nullptr;
    }
    std::string d = text::lower(r.substr(at + 1));
    if (!req.domain.empty() && d != req.domain && o.server.empty()) {
      error = "--probe: recipients of more than one domain (" + req.domain + ", " + d + "): give --probe-server";
      return nullptr;
    }
    if (req.domain.empty()) req.domain = d;
  }
  int port = 25;
  if (!o.server.empty() && !split_host_port(o.server, req.server_host, port)) {
    error = "--probe-server: expected HOST[:PORT], got \"" + o.server + "\"";
    return nullptr;
  }
  smtp::SessionOptions& so = req.session;
  so.port = port;
  so.helo = env.helo && !env.helo->empty() ? *env.helo : smtp::machine_fqdn();
  if (so.helo.find_first_of(" \r\n") != std::string::npos) {
    error = "--helo: \"" + so.helo + "\" cannot be sent as a HELO name";
    return nullptr;
  }
  so.mail_from = env.mail_from.value_or("");
  if (so.mail_from.find_first_of("<> \r\n") != std::string::npos) {
    error = "--mail-from: \"" + so.mail_from + "\" cannot be sent as an address";
    return nullptr;
  }
  so.rcpt = env.rcpt;
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
