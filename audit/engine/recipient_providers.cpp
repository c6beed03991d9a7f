#include "engine/recipient_providers.hpp"

#include "message/envelope_address.hpp"
#include "util/names.hpp"
#include "util/text.hpp"

namespace mailaudit {

std::vector<RecipientProvider> recipient_providers(const Envelope& env, const std::vector<dns::Answer>& queries,
                                                   const rules::Rules& rules) {
  std::vector<RecipientProvider> out;
  for (const auto& rcpt : env.rcpt) {
    EnvelopeAddress a = parse_envelope_address(rcpt);
    if (!a.problem.empty() || a.domain.empty()) continue;
    std::string domain = dns::normalise_name(a.domain);
    const rules::Provider* p = rules::provider_for_domain(rules.providers(), domain);
    for (const auto& q : queries) {
      if (p) break;
      if (q.type != dns::RRType::MX || q.name != domain) continue;
      for (const auto& rec : q.records)
        if (rec.type == dns::RRType::MX && (p = rules::provider_for_mx(rules.providers(), rec.value))) break;
    }
    if (p) out.push_back({rcpt, p});
  }
  return out;
}

void apply_recipient_providers(std::vector<Finding>& findings, const std::vector<RecipientProvider>& recipients,
                               const rules::Rules& rules) {
  for (auto& f : findings) {
    if (f.severity == Severity::pass) continue;
    for (const auto& r : recipients)
      for (const auto& reject : r.provider->rejects_on) {
        if (reject.finding != f.id) continue;
        f.severity = Severity::error;
        f.detail += text::fill(rules.provider_reject_note(),
                               {{"rcpt", r.rcpt}, {"provider", r.provider->name}, {"reply", reject.reply}});
      }
  }
}

}  // namespace mailaudit
