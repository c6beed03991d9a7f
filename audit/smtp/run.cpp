#include "smtp/run.hpp"

#include <netdb.h>
#include <unistd.h>

#include "util/names.hpp"
#include "smtp/classify.hpp"
#include "smtp/targets.hpp"
#include "util/text.hpp"

namespace mailaudit::smtp {

namespace {

// A connect that never reached a server: the next address or host may be tried.
bool unreachable(const probe::Session& s) {
  if (s.steps.empty() || s.steps.front().stage != "connect") return false;
  const auto& first = s.steps.front();
  return first.problem == "unreachable" || (first.problem == "timeout" && first.reply.code == 0 && s.transcript.size() <= 1);
}

}  // namespace

std::string machine_fqdn() {
  char name[256] = "";
  if (gethostname(name, sizeof name - 1) != 0 || !name[0]) return "localhost";
  addrinfo hints{}, *res = nullptr;
  hints.ai_flags = AI_CANONNAME;
  std::string out = name;
  if (getaddrinfo(name, nullptr, &hints, &res) == 0 && res) {
    if (res->ai_canonname && std::string(res->ai_canonname).find('.') != std::string::npos) out = res->ai_canonname;
    freeaddrinfo(res);
  }
  return out;
}

probe::ProbeResult run_probe(const ProbeRequest& req, dns::Resolver& dns, const rules::Rules& rules) {
  probe::ProbeResult result;
  result.target.rcpt = req.session.rcpt;
  result.target.domain = req.domain;
  std::vector<Host> hosts;
  if (!req.server_host.empty()) {
    result.target.note = rules.word("probe.note_server");
    Host h{req.server_host, 0, {}};
    if (dns::parse_ip(req.server_host)) {
      h.addresses.push_back(req.server_host);
    } else {
      for (auto type : {dns::RRType::A, dns::RRType::AAAA})
        for (const auto& r : dns.lookup(req.server_host, type).records) h.addresses.push_back(r.value);
    }
    if (!h.addresses.empty()) hosts.push_back(h);
    else result.target.note = text::fill(rules.word("probe.dns_no_address"), {{"domain", req.server_host}});
  } else {
    Targets t = mx_targets(dns, req.domain, req.max_mx);
    hosts = t.hosts;
    for (const auto& h : hosts) result.target.mx.push_back({h.name, h.pref});
    if (!t.problem.empty())
      result.target.note = text::fill(rules.word("probe." + t.problem), {{"domain", req.domain}, {"detail", t.detail}});
  }
  SessionOptions so = req.session;
  so.rules = &rules;
  for (const auto& h : hosts) {
    for (const auto& a : h.addresses) {
      so.host = h.name;
      so.address = a;
      probe::Session s = run_session(so);
      classify(s, rules, req.profiles);
      const bool next = unreachable(s);
      result.sessions.push_back(std::move(s));
      if (!next) {
        summarise(result, rules);
        return result;
      }
      if (req.on_unreachable) req.on_unreachable(h.name, a, result.sessions.back().steps.front().reply.text);
    }
  }
  summarise(result, rules);
  return result;
}

}  // namespace mailaudit::smtp
