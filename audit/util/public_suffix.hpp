// Registered domains through libpsl and Debian's publicsuffix data.
#pragma once
#include <string>
#include <string_view>

namespace mailaudit::dns {

// The registered (organisational) domain of a host name: "mail.example.co.uk" -> "example.co.uk".
// Lower-cased first (libpsl is case-sensitive); "" for IP addresses, single labels and public suffixes.
std::string registered_domain(std::string_view host);

// True when the last label of `host` (lower case, A-label) is a top-level domain the public suffix list
// knows ("com", "uk", "xn--p1ai"): the list's implicit "*" rule is not applied, so "example.invalid" or
// "report.pdf" have no known TLD.
bool has_known_tld(std::string_view host);

}  // namespace mailaudit::dns
