#include "dns/fcrdns.hpp"

namespace mailaudit::dns {

const Answer* ForwardConfirmation::unknown() const {
  if (!confirmed.empty()) return nullptr;
  if (ptr.unknown()) return &ptr;
  for (const auto& a : forward)
    if (a.unknown()) return &a;
  return nullptr;
}

ForwardConfirmation forward_confirm(Resolver& resolver, const IpAddress& ip, std::size_t max_names) {
  ForwardConfirmation fc;
  fc.ptr = resolver.lookup(reverse_name(ip), RRType::PTR);
  if (fc.ptr.unknown()) return fc;
  for (const auto& r : fc.ptr.records)
    if (fc.names.size() < max_names && is_hostname(r.value)) fc.names.push_back(r.value);
  std::vector<Query> queries;
  for (const auto& n : fc.names) queries.push_back({n, ip.v6 ? RRType::AAAA : RRType::A});
  fc.forward = resolver.lookup_all(queries);
  for (std::size_t i = 0; i < fc.names.size(); ++i)
    if (holds_address(fc.forward[i], ip)) {
      fc.confirmed = fc.names[i];
      break;
    }
  return fc;
}

}  // namespace mailaudit::dns
