// Matching a PTR name against the generic-rDNS patterns of rules/rdns.toml.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "util/names.hpp"
#include "rules/rules.hpp"

namespace mailaudit::rules {

struct GenericMatch {
  std::string family;   // pattern id: "ip-dashed", "dynamic", ...
  std::string meaning;
  std::string matched;  // the text in the name that matched
};

// Why `ptr` looks generic for `ip`, or nullopt. Only the labels left of the registered domain count.
std::optional<GenericMatch> match_generic(const dns::IpAddress& ip, std::string_view ptr, const RdnsRules& rules);
// The same for one pattern only (the rules tests use it to check each pattern's examples).
std::optional<GenericMatch> match_pattern(const dns::IpAddress& ip, std::string_view ptr, const RdnsPattern& p,
                                          bool is_ip_form);
// True when a token of the name is one of the exempt words (the operator named it a mail server).
bool is_exempt(std::string_view ptr, const RdnsRules& rules);

}  // namespace mailaudit::rules
