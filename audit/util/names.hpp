// Domain names and IP addresses: normalisation, validation, reverse and blocklist query names.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailaudit::dns {

struct Answer;

// Lower case, without the trailing dot.
std::string normalise_name(std::string_view name);
// Why `name` cannot be a DNS name ("label over 63 octets: ..."), or "" when it can. Any octets are
// allowed in labels (DNS is 8-bit clean); host-name syntax is a separate question (is_hostname).
std::string name_problem(std::string_view name);
// IDN to A-label (libidn2, non-transitional, IDNA 2008 + TR46 mapping); ASCII input is lower-cased and
// returned as is. nullopt when the name cannot be converted.
std::optional<std::string> to_a_label(std::string_view name);
// RFC 1123 host name: LDH labels, not starting or ending with '-', at least one label.
bool is_hostname(std::string_view name);

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // v4 uses the first 4
  std::string to_string() const;
};
std::optional<IpAddress> parse_ip(std::string_view text);
struct Cidr {
  IpAddress network;
  int prefix = 0;
};
// "192.0.2.0/24", "2001:db8::/32"; nullopt when malformed.
std::optional<Cidr> parse_cidr(std::string_view text);
bool in_cidr(const IpAddress& ip, const Cidr& net);
// True when one of the answer's A/AAAA records is `ip`.
bool holds_address(const Answer& a, const IpAddress& ip);
// 4.3.2.1.in-addr.arpa / nibble-reversed ip6.arpa, no trailing dot.
std::string reverse_name(const IpAddress& ip);
// The DNSBL query name: reversed address under the zone (RFC 5782 §2.1, §2.4).
std::string blocklist_name(const IpAddress& ip, std::string_view zone);

}  // namespace mailaudit::dns
