// Registered domains through libpsl and Debian's publicsuffix data.
#pragma once
#include <string>
#include <string_view>

namespace mailaudit::dns {

// The registered (organisational) domain of a host name: "mail.example.co.uk" -> "example.co.uk".
// Lower-cased first (libpsl is case-sensitive); "" for IP addresses, single labels and public suffixes.
std::string registered_domain(std::string_view host);

}  // namespace mailaudit::dns
