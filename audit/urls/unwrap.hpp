// Redirect unwrapping without the network: the target a tracking or safety redirect carries inside its
// own URL (a known redirector's parameter from rules/urls.toml, or any query value or path tail holding an
// http(s) URL, percent- or base64-encoded).
#pragma once
#include <string>
#include <string_view>

#include "rules/rules.hpp"

namespace mailaudit::urls {

// The embedded target of a URL as written (not normalised: a decoded query would split the target's own
// "%26"), as a link, or "" when it carries none.
std::string embedded_target(std::string_view url, const rules::UrlRules& rules);

}  // namespace mailaudit::urls
