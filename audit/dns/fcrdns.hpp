// Forward-confirmed reverse DNS (FCrDNS): the PTR names of an address, and the first of them whose own
// A/AAAA holds the address again. Used by the rdns check and the bulk-sender requirements, and for the
// Hostname a content filter is told: one definition of "confirmed" for all of them.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "dns/resolver.hpp"
#include "util/names.hpp"

namespace mailaudit::dns {

struct ForwardConfirmation {
  Answer ptr;                    // the PTR lookup
  std::vector<std::string> names;  // PTR values that are host names, at most max_names of them
  std::vector<Answer> forward;   // the A (IPv4) or AAAA (IPv6) lookup of each name, in order
  std::string confirmed;         // the first name whose forward answer holds the address; "" if none
  // When nothing confirms: the first answer that could not tell (PTR or forward), so that "unconfirmed"
  // is never said on a timeout. Null when confirmed or when every answer was definite.
  const Answer* unknown() const;
};

// A PTR RRset larger than `max_names` is itself a configuration error: the rest are not looked up.
ForwardConfirmation forward_confirm(Resolver& resolver, const IpAddress& ip, std::size_t max_names = 10);

}  // namespace mailaudit::dns
