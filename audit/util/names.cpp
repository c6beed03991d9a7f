#include "util/names.hpp"

#include <arpa/inet.h>
#include <idn2.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "model/answer.hpp"
#include "util/text.hpp"

namespace mailaudit::dns {

std::string normalise_name(std::string_view name) {
  std::string n = text::lower(name);
  if (!n.empty() && n.back() == '.') n.pop_back();
  return n;
}

std::string name_problem(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return "empty name";
  // 255 octets on the wire = 253 characters in dotted form without the root.
  if (name.size() > 253) return "name is " + std::to_string(name.size()) + " octets, over 253";
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    std::size_t end = dot == std::string_view::npos ? name.size() : dot;
    std::size_t len = end - start;
    if (len == 0) return "empty label";
    if (len > 63)
      return "label over 63 octets (" + std::to_string(len) + "): " + text::printable(name.substr(start, 20), 20);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return "";
}

std::optional<std::string> to_a_label(std::string_view name) {
  bool ascii = std::all_of(name.begin(), name.end(), [](char c) { return !(c & 0x80); });
  if (ascii) return normalise_name(name);
  char* out = nullptr;
  std::string in(name);
  if (idn2_to_ascii_8z(in.c_str(), &out, IDN2_NONTRANSITIONAL) != IDN2_OK || !out) return std::nullopt;
  std::string result = normalise_name(out);
  idn2_free(out);
  return result;
}

bool is_hostname(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (!name_problem(name).empty()) return false;
  for (auto label : text::split(name, '.')) {
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<IpAddress> parse_ip(std::string_view text_in) {
  std::string t(text_in);
  IpAddress ip;
  if (inet_pton(AF_INET, t.c_str(), ip.bytes.data()) == 1) return ip;
  if (inet_pton(AF_INET6, t.c_str(), ip.bytes.data()) == 1) {
    ip.v6 = true;
    return ip;
  }
  return std::nullopt;
}

std::optional<Cidr> parse_cidr(std::string_view text_in) {
  auto slash = text_in.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = parse_ip(text_in.substr(0, slash));
  std::string_view p = text_in.substr(slash + 1);
  if (!ip || p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), ::isdigit)) return std::nullopt;
  int prefix = std::stoi(std::string(p));
  if (prefix > (ip->v6 ? 128 : 32)) return std::nullopt;
  return Cidr{*ip, prefix};
}

bool in_cidr(const IpAddress& ip, const Cidr& net) {
  if (ip.v6 != net.network.v6) return false;
  int bits = net.prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    auto mask = static_cast<std::uint8_t>(bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF);
    if ((ip.bytes[i] & mask) != (net.network.bytes[i] & mask)) return false;
  }
  return true;
}

bool holds_address(const Answer& a, const IpAddress& ip) {
  return std::any_of(a.records.begin(), a.records.end(), [&](const Record& r) {
    auto got = parse_ip(r.value);
    return got && got->v6 == ip.v6 && got->bytes == ip.bytes;
  });
}

std::string reverse_name(const IpAddress& ip) {
  std::string out;
  if (!ip.v6) {
    for (int i = 3; i >= 0; --i) out += std::to_string(ip.bytes[static_cast<std::size_t>(i)]) + ".";
    return out + "in-addr.arpa";
  }
  static const char* hex = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    std::uint8_t b = ip.bytes[static_cast<std::size_t>(i)];
    out += hex[b & 0xF];
    out += '.';
    out += hex[b >> 4];
    out += '.';
  }
  return out + "ip6.arpa";
}

std::string blocklist_name(const IpAddress& ip, std::string_view zone) {
  std::string rev = reverse_name(ip);
  rev.resize(rev.size() - (ip.v6 ? 8 : 12));  // drop "ip6.arpa" / "in-addr.arpa", keep the dot
  return rev + normalise_name(zone);
}

}  // namespace mailaudit::dns
