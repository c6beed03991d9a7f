// Severity as the recipients' receivers judge it. A finding is a warning in general when only some
// receivers reject on it; when a recipient of this audit (--rcpt) is at a provider that rules/providers.toml
// says rejects on it, it is an error for this audit, and the finding says who rejects and how.
#pragma once
#include <vector>

#include "model/answer.hpp"
#include "model/envelope.hpp"
#include "model/finding.hpp"
#include "rules/rules.hpp"

namespace mailaudit {

// Each recipient's provider: by its mailbox domain's name, else by the MX hosts in `queries` (the audit's
// own lookups; nothing new is asked). A recipient whose provider is unknown is skipped.
struct RecipientProvider {
  std::string rcpt;
  const rules::Provider* provider;
};
std::vector<RecipientProvider> recipient_providers(const Envelope& env, const std::vector<dns::Answer>& queries,
                                                   const rules::Rules& rules);

// Raise to error every finding a recipient's provider rejects on, and say so in its detail.
void apply_recipient_providers(std::vector<Finding>& findings, const std::vector<RecipientProvider>& recipients,
                               const rules::Rules& rules);

}  // namespace mailaudit
