#include "dns/mail_domain.hpp"

#include <algorithm>

namespace mailaudit::dns {

namespace {
constexpr std::size_t kMaxMxHosts = 5;
bool has_records(const Answer& a) { return a.ok() && !a.records.empty(); }
}  // namespace

MailDomain inspect_mail_domain(Resolver& dns, const std::string& domain) {
  MailDomain d;
  d.evidence = dns.lookup_all({{domain, RRType::MX}, {domain, RRType::A}, {domain, RRType::AAAA}});
  auto mark_unknown = [&](std::size_t from) {
    for (std::size_t i = from; i < d.evidence.size(); ++i)
      if (d.evidence[i].unknown()) {
        d.state = d.evidence[i].status == Status::OFFLINE ? MailDomainState::offline : MailDomainState::unknown;
        d.failed = &d.evidence[i];
        return true;
      }
    return false;
  };
  const Answer &mx = d.evidence[0], &a = d.evidence[1], &aaaa = d.evidence[2];
  // An authoritative "does not exist" outweighs a failure elsewhere.
  if (std::any_of(d.evidence.begin(), d.evidence.end(), [](const Answer& x) { return x.status == Status::NXDOMAIN; })) {
    d.state = MailDomainState::nxdomain;
    return d;
  }
  if (has_records(mx) && mx.records.size() == 1 && mx.records[0].value.empty()) {
    d.state = MailDomainState::null_mx;
    return d;
  }
  if (mark_unknown(0)) return d;
  d.has_address = has_records(a) || has_records(aaaa);
  if (!has_records(mx)) {
    d.state = d.has_address ? MailDomainState::a_only : MailDomainState::no_mail;
    return d;
  }
  std::vector<Record> by_pref = mx.records;
  std::stable_sort(by_pref.begin(), by_pref.end(), [](const Record& x, const Record& y) { return x.preference < y.preference; });
  std::vector<Query> hosts;
  for (const auto& r : by_pref) {
    if (r.value.empty() || d.mx_hosts.size() >= kMaxMxHosts) continue;
    d.mx_hosts.push_back(r.value);
    hosts.push_back({r.value, RRType::A});
    hosts.push_back({r.value, RRType::AAAA});
  }
  std::size_t first_host_answer = d.evidence.size();
  for (auto& ans : dns.lookup_all(hosts)) d.evidence.push_back(std::move(ans));
  bool any_host_address = false;
  for (std::size_t i = first_host_answer; i < d.evidence.size(); ++i) any_host_address |= has_records(d.evidence[i]);
  if (any_host_address) {
    d.state = MailDomainState::ok;
    return d;
  }
  if (mark_unknown(first_host_answer)) return d;
  d.state = MailDomainState::mx_unresolvable;
  return d;
}

}  // namespace mailaudit::dns
