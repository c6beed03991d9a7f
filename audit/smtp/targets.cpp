#include "smtp/targets.hpp"

#include <algorithm>

namespace mailaudit::smtp {

Targets mx_targets(dns::Resolver& dns, const std::string& domain, std::size_t max_hosts) {
  Targets t;
  dns::Answer mx = dns.lookup(domain, dns::RRType::MX);
  std::vector<std::pair<int, std::string>> names;
  if (mx.ok()) {
    for (const auto& r : mx.records) names.emplace_back(r.preference, r.value);
    std::stable_sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (names.size() == 1 && names.front().second.empty()) {
      t.problem = "dns_null_mx";
      t.detail = dns::describe(mx);
      return t;
    }
  } else if (mx.status == dns::Status::NXDOMAIN) {
    t.problem = "dns_nxdomain";
    t.detail = dns::describe(mx);
    return t;
  } else if (mx.unknown()) {
    t.problem = "dns_unknown";
    t.detail = dns::describe(mx) + (mx.note.empty() ? "" : " (" + mx.note + ")");
    return t;
  } else {
    names.emplace_back(0, domain);  // implicit MX
  }
  std::vector<dns::Query> qs;
  for (std::size_t i = 0; i < names.size() && i < max_hosts; ++i) {
    if (names[i].second.empty()) continue;
    qs.push_back({names[i].second, dns::RRType::A});
    qs.push_back({names[i].second, dns::RRType::AAAA});
  }
  auto answers = dns.lookup_all(qs);
  bool unknown = false;
  for (std::size_t i = 0; i < qs.size(); i += 2) {
    Host h;
    h.name = qs[i].name;
    for (const auto& n : names)
      if (n.second == h.name) h.pref = n.first;
    for (std::size_t k = i; k < i + 2; ++k) {
      unknown = unknown || answers[k].unknown();
      for (const auto& r : answers[k].records) h.addresses.push_back(r.value);
    }
    if (!h.addresses.empty()) t.hosts.push_back(std::move(h));
  }
  if (t.hosts.empty()) {
    t.problem = unknown ? "dns_unknown" : "dns_no_address";
    t.detail = domain;
  }
  return t;
}

}  // namespace mailaudit::smtp
