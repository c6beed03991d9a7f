// The sending context's say over findings: ids to ignore and severities to change (mailaudit.toml
// [findings], --ignore). Applied to a finished report; ignored findings stay in it, marked.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "model/report.hpp"

namespace mailaudit {

struct FindingPolicy {
  // Finding ids, or a check's ids as "check.*" ("dkim.*").
  std::vector<std::string> ignore;
  std::map<std::string, Severity> severity;  // id (or "check.*") -> the severity to report

  bool empty() const { return ignore.empty() && severity.empty(); }
};

// True when `pattern` is `id`, or "prefix.*" and id starts with "prefix.".
bool id_matches(const std::string& pattern, const std::string& id);

// Marks ignored findings, changes severities (remembering the check's own in severity_was). A more
// specific pattern wins over a wildcard. Pass findings keep their severity: a pass is not a problem to grade.
void apply_policy(Report& r, const FindingPolicy& p);

}  // namespace mailaudit
