// A batch (files, mboxes, Maildirs) audited on several threads, reports handed back in input order.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "engine/audit.hpp"

namespace mailaudit {

// Reads `inputs` in order and audits their messages on `jobs` threads (1 = on the calling thread), with at
// most 2 × jobs messages read and not yet handed over, so memory does not grow with the batch. `sink`
// gets every report, unreadable ones included, in input order and on the calling thread. The DNS cache
// of `settings.dns` is shared by all of them, so a name asked by many messages is still asked once.
void audit_inputs(const std::vector<std::string>& inputs, const Envelope& env, const AuditSettings& settings,
                  std::size_t jobs, const std::function<void(Report&&)>& sink);

// The default for `jobs`: one per core.
std::size_t default_jobs();

}  // namespace mailaudit
