#include "report/report.hpp"

namespace mailaudit {

Summary summarise(const Report& r) {
  Summary s;
  for (Severity sv : all_severities) s.counts[sv] = 0;
  std::optional<Stage> first_error, first_warning;
  for (const auto& f : r.findings) {
    ++s.counts[f.severity];
    auto earliest = [&](std::optional<Stage>& slot) {
      if (!slot || f.stage < *slot) slot = f.stage;
    };
    if (f.severity == Severity::error) earliest(first_error);
    if (f.severity == Severity::warning) earliest(first_warning);
  }
  if (!r.error.empty() || s.counts[Severity::error] > 0) s.verdict = Verdict::fail;
  else if (s.counts[Severity::warning] > 0) s.verdict = Verdict::warn;
  s.first_stage = first_error ? first_error : first_warning;
  return s;
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::warn: return "warn";
    case Verdict::fail: return "fail";
  }
  return "?";
}

}  // namespace mailaudit
