// A finding in the words of rules/findings.toml: the one place ids become titles, details and remedies.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/finding.hpp"
#include "rules/rules.hpp"

namespace mailaudit {

// Placeholder values for a finding's words: {"ip", "192.0.2.1"} fills "{ip}".
using Args = std::vector<std::pair<std::string, std::string>>;

// Throws std::logic_error when `id` has no entry (the CLI checks the registry against the rules at start,
// and a test keeps them in step, so this only fires on a programming error).
Finding make_finding(const rules::Rules& rules, std::string_view id, const Args& args = {});

}  // namespace mailaudit
