// What the DNS says about a domain as a mail domain: the facts the From, envelope-sender and recipient
// checks all judge (exists? MX? null MX? only an address? MX hosts that resolve?).
#pragma once
#include <string>
#include <vector>

#include "dns/resolver.hpp"

namespace mailaudit::dns {

enum class MailDomainState {
  ok,               // MX hosts with addresses (or no MX and an address: implicit MX)
  nxdomain,         // the domain does not exist
  null_mx,          // "MX 0 ." (RFC 7505): accepts no mail
  no_mail,          // neither MX nor A/AAAA
  a_only,           // no MX, an A/AAAA record serves as implicit MX (RFC 5321 §5.1)
  mx_unresolvable,  // MX records, but no MX host has an address
  unknown,          // a lookup gave no usable answer (TIMEOUT, SERVFAIL, REFUSED)
  offline,          // not answered offline (outside the loaded zones)
};

struct MailDomain {
  MailDomainState state = MailDomainState::unknown;
  bool has_address = false;          // A or AAAA at the domain itself
  std::vector<std::string> mx_hosts; // by preference
  std::vector<Answer> evidence;      // every answer the verdict rests on
  const Answer* failed = nullptr;    // the answer that made it unknown (points into evidence)
};

// MX, A and AAAA of the domain together; then the MX hosts' addresses (A and AAAA, at most 5 hosts).
MailDomain inspect_mail_domain(Resolver& dns, const std::string& domain);

}  // namespace mailaudit::dns
