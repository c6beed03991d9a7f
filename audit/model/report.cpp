#include "model/report.hpp"

#include <algorithm>

namespace mailaudit {

// A content engine that is down or answered garbage (content.*.unavailable) could not tell either.
bool cannot_tell(const Finding& f) {
  return f.id.ends_with(".temperror") || f.id.ends_with(".unavailable") || f.id == "check.failed";
}

Summary summarise(const Report& r) {
  Summary s;
  for (Severity sv : all_severities) s.counts[sv] = 0;
  std::optional<Stage> first_error, first_warning;
  for (const auto& f : r.findings) {
    if (f.ignored) continue;
    ++s.counts[f.severity];
    auto earliest = [&](std::optional<Stage>& slot) {
      if (!slot || f.stage < *slot) slot = f.stage;
    };
    if (f.severity == Severity::error) earliest(first_error);
    if (f.severity == Severity::warning) earliest(first_warning);
    if (cannot_tell(f)) {
      s.incomplete = true;
      const std::string& c = f.check.empty() ? f.id.substr(0, f.id.find('.')) : f.check;
      if (std::find(s.incomplete_checks.begin(), s.incomplete_checks.end(), c) == s.incomplete_checks.end())
        s.incomplete_checks.push_back(c);
    }
  }
  // A selected receiver that rejects or defers fails the message whatever the findings' severities say;
  // one that files it as spam makes it a warning at least.
  auto receivers_say = [&](std::initializer_list<Outcome> outcomes) {
    return std::any_of(r.receivers.begin(), r.receivers.end(), [&](const ReceiverVerdict& v) {
      return std::find(outcomes.begin(), outcomes.end(), v.outcome) != outcomes.end();
    });
  };
  if (!r.error.empty() || s.counts[Severity::error] > 0 || receivers_say({Outcome::reject, Outcome::defer}))
    s.verdict = Verdict::fail;
  else if (s.counts[Severity::warning] > 0 || receivers_say({Outcome::junk})) s.verdict = Verdict::warn;
  s.first_stage = first_error ? first_error : first_warning;
  if (!s.first_stage && s.verdict != Verdict::pass)  // failed or at risk by a receiver alone
    for (const auto& v : r.receivers)
      if (v.stage && (!s.first_stage || *v.stage < *s.first_stage)) s.first_stage = v.stage;
  return s;
}

void BatchSummary::add(const Report& r) {
  ++messages;
  ++verdicts[summarise(r).verdict];
  if (!r.error.empty()) ++unreadable;
  std::map<std::string, bool> seen;  // a message counts once per id
  for (const auto& f : r.findings) {
    if (f.severity == Severity::pass || f.ignored || seen[f.id]) continue;
    seen[f.id] = true;
    auto [it, inserted] = by_id.try_emplace(f.id, IdCount{f.stage, f.severity, 0});
    if (f.severity < it->second.severity) it->second.severity = f.severity;
    ++it->second.messages;
  }
}

BatchSummary summarise_batch(const std::vector<Report>& rs) {
  BatchSummary b;
  for (const auto& r : rs) b.add(r);
  return b;
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
