// Where in the message file a finding points: the line of the header field it is about, or of the URL it
// names (rules/findings.toml `field`). SARIF results carry it as their region.
#pragma once
#include <vector>

#include "message/message.hpp"
#include "model/finding.hpp"
#include "model/url.hpp"
#include "rules/rules.hpp"

namespace mailaudit {

// 1-based line of byte `offset` in `raw`.
std::size_t line_at(std::string_view raw, std::size_t offset);

// Sets each finding's `line` (left 0 where the field is absent, the URL is not found as written in the raw
// bytes, or the finding has no `field`).
void locate_findings(std::vector<Finding>& findings, const Message& msg, const std::vector<urls::Url>& urls,
                     const rules::Rules& rules);

}  // namespace mailaudit
