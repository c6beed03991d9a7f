// --baseline: compare a report with the previous one of the same message (a campaign's last run).
#pragma once
#include <string>
#include <vector>

#include "model/report.hpp"

namespace mailaudit {

// What a previous JSON report says, as much as the comparison needs.
struct PreviousReport {
  std::string source;
  std::size_t index = 0;
  std::vector<Finding> findings;       // id, check, stage, severity, title (no evidence)
  std::vector<std::string> domains;    // registered domains (or hosts) of its URLs
  std::vector<BaselineInfo::Fact> dns;  // query, type, now = "STATUS answer answer"
};

// The previous report for `r`: the one with the same source and index, else the only one, else null.
const PreviousReport* previous_for(const Report& r, const std::vector<PreviousReport>& previous);

// Sets each finding's `change` (same id and title: unchanged; same id: updated; else new) and
// r.baseline: resolved findings (non-pass, not ignored, id gone), new link domains, DNS answers that changed.
// `prev` null: every finding is new and baseline.matched is false.
void compare_with(Report& r, const PreviousReport* prev, const std::string& file);

// "NOERROR 192.0.2.1 192.0.2.2": how a lookup's outcome is compared and shown.
std::string fact_of(const dns::Answer& a);

}  // namespace mailaudit
