#include "rules/rdns_patterns.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "util/public_suffix.hpp"
#include "util/text.hpp"

namespace mailaudit::rules {

namespace {

// The part of the name an operator of the address range chose: left of the registered domain.
std::string host_part(std::string_view ptr) {
  std::string name = dns::normalise_name(ptr);
  std::string rd = dns::registered_domain(name);
  if (rd.empty() || rd.size() >= name.size()) {
    auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
  }
  return name.substr(0, name.size() - rd.size() - 1);
}

// Tokens split at '.', '-', '_' and between letters and digits.
std::vector<std::string> tokens(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (char c : s) {
    bool alpha = std::isalpha(static_cast<unsigned char>(c)), digit = std::isdigit(static_cast<unsigned char>(c));
    if (!alpha && !digit) {
      flush();
      continue;
    }
    if (!cur.empty() && std::isdigit(static_cast<unsigned char>(cur.back())) != digit) flush();
    cur += c;
  }
  flush();
  return out;
}

std::string pad3(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03u", v);
  return buf;
}

std::string expand(const std::string& templ, const dns::IpAddress& ip) {
  const auto& b = ip.bytes;
  unsigned long as_int = (static_cast<unsigned long>(b[0]) << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
  char hex[9];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
  return text::fill(templ, {{"a", std::to_string(b[0])}, {"b", std::to_string(b[1])}, {"c", std::to_string(b[2])},
                            {"d", std::to_string(b[3])}, {"A", pad3(b[0])}, {"B", pad3(b[1])}, {"C", pad3(b[2])},
                            {"D", pad3(b[3])}, {"hex", hex}, {"int", std::to_string(as_int)}});
}

// `needle` occurs in `hay` with no digit (and for hex forms no hex letter) right before or after it.
bool occurs_as_token(const std::string& hay, const std::string& needle, bool hex) {
  auto blocks = [&](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || (hex && std::isxdigit(static_cast<unsigned char>(c)));
  };
  for (std::size_t pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) {
    bool before_ok = pos == 0 || !blocks(hay[pos - 1]);
    std::size_t end = pos + needle.size();
    bool after_ok = end == hay.size() || !blocks(hay[end]);
    if (before_ok && after_ok) return true;
  }
  return false;
}

}  // namespace

bool is_exempt(std::string_view ptr, const RdnsRules& rules) {
  for (const auto& t : tokens(host_part(ptr)))
    if (std::find(rules.exempt.begin(), rules.exempt.end(), t) != rules.exempt.end()) return true;
  return false;
}

std::optional<GenericMatch> match_pattern(const dns::IpAddress& ip, std::string_view ptr, const RdnsPattern& p,
                                          bool is_ip_form) {
  std::string host = host_part(ptr);
  if (is_ip_form) {
    if (ip.v6) return std::nullopt;  // the forms are written with IPv4 octets
    std::string needle = expand(p.template_, ip);
    if (occurs_as_token(host, needle, p.template_.find("{hex}") != std::string::npos))
      return GenericMatch{p.id, p.meaning, needle};
    return std::nullopt;
  }
  for (const auto& t : tokens(host))
    if (std::find(p.words.begin(), p.words.end(), t) != p.words.end()) return GenericMatch{p.id, p.meaning, t};
  return std::nullopt;
}

std::optional<GenericMatch> match_generic(const dns::IpAddress& ip, std::string_view ptr, const RdnsRules& rules) {
  if (is_exempt(ptr, rules)) return std::nullopt;
  for (const auto& p : rules.ip_forms)
    if (auto m = match_pattern(ip, ptr, p, true)) return m;
  for (const auto& p : rules.keywords)
    if (auto m = match_pattern(ip, ptr, p, false)) return m;
  return std::nullopt;
}

}  // namespace mailaudit::rules
