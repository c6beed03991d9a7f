#include "engine/finding_policy.hpp"

#include <algorithm>

namespace mailaudit {

bool id_matches(const std::string& pattern, const std::string& id) {
  if (pattern == id) return true;
  if (pattern.size() >= 2 && pattern.ends_with(".*"))
    return id.size() > pattern.size() - 1 && id.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  return false;
}

void apply_policy(Report& r, const FindingPolicy& p) {
  for (auto& f : r.findings) {
    if (std::any_of(p.ignore.begin(), p.ignore.end(), [&](const std::string& pat) { return id_matches(pat, f.id); }))
      f.ignored = true;
    if (f.severity == Severity::pass) continue;
    const std::pair<const std::string, Severity>* best = nullptr;
    for (const auto& entry : p.severity)
      if (id_matches(entry.first, f.id) && (!best || entry.first == f.id)) best = &entry;
    if (best && best->second != f.severity) {
      f.severity_was = f.severity;
      f.severity = best->second;
    }
  }
}

}  // namespace mailaudit
