// The content filters a receiver runs after end of DATA (rspamd, SpamAssassin): asking them about a
// message as the receiving MTA would hand it over, and turning their verdicts into findings.
#pragma once
#include <string>
#include <vector>

#include "content/spamd_client.hpp"
#include "dns/resolver.hpp"
#include "message/message.hpp"
#include "model/content.hpp"
#include "model/envelope.hpp"
#include "model/finding.hpp"
#include "rules/rules.hpp"

namespace mailaudit {

// --rspamd URL [--rspamd-password], --spamd HOST[:PORT], --content-timeout. Empty = not asked.
struct ContentEngines {
  std::string rspamd_url, rspamd_password;
  std::string spamd_host;
  int spamd_port = 783;
  content::EngineOptions options;
  bool any() const { return !rspamd_url.empty() || !spamd_host.empty(); }
};

// Each configured engine's verdict on `msg`, in the order rspamd, SpamAssassin. The engines are told the
// client as the receiving MTA sees it: the IP, the HELO, and the IP's forward-confirmed PTR name (looked
// up through `dns`, so the lookups are in the report's query log).
std::vector<ContentVerdict> ask_content_filters(const Message& msg, const Envelope& env, dns::Resolver& dns,
                                                const ContentEngines& engines);

// Fills in what mailaudit adds to an engine's answer: the finding id each symbol stands for
// (rules/content.toml) and the "fix these to pass" set computed from the engine's own weights.
void annotate(ContentVerdict& v, const rules::ContentRules& rules);

// The finding that states one verdict: the engine's action (or "could not tell") with its score,
// threshold, top symbols and fix set, in the words of rules/findings.toml and words.toml [content].
Finding content_finding(const ContentVerdict& v, const rules::Rules& rules, const ContentEngines& engines);

}  // namespace mailaudit
