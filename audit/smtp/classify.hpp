// Each reply of a probe session read with the bounce knowledge (rules/bounces.toml signatures and causes):
// temporary or permanent, meaning, the stage the cause lies at, finding ids to look at; then where the
// session stopped and the lead sentence (rules/words.toml [probe]).
#pragma once
#include <vector>

#include "model/probe.hpp"
#include "receivers/profile.hpp"
#include "rules/rules.hpp"

namespace mailaudit::smtp {

// `profiles`: the receiver profiles whose rules' replies are recognised (their findings become look_at).
void classify(probe::Session& s, const rules::Rules& rules, const std::vector<receivers::Profile>& profiles = {});
// The run's lead sentence and verdict flags from its sessions (classified).
void summarise(probe::ProbeResult& r, const rules::Rules& rules);

}  // namespace mailaudit::smtp
