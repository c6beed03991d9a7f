// check --probe: for each stage up to RCPT TO, the audit's findings whose cause lies there next to what the
// receiver answered there, and whether they agree. A refusal the audit has no cause for at or before its
// stage, and a predicted refusal the receiver did not make, are the disagreements; a cause the receiver
// answers at a later stage (Postfix's smtpd_delay_reject) is "delayed", not a disagreement. The probe stops
// before DATA, so the content stages are never compared.
#pragma once
#include "model/probe.hpp"
#include "model/report.hpp"
#include "rules/rules.hpp"

namespace mailaudit::smtp {

probe::Check compare(const Report& r, const std::shared_ptr<const probe::ProbeResult>& result, const rules::Rules& rules);

}  // namespace mailaudit::smtp
