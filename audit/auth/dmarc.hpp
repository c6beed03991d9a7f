// DMARC: record discovery both ways (RFC 7489 with the public suffix list; the RFC 9989 DNS tree walk),
// tag parsing with clear errors, SPF and DKIM alignment, and the policy a receiver applies.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/dkim.hpp"
#include "auth/spf.hpp"
#include "dns/resolver.hpp"

namespace mailaudit::auth {

struct DmarcRecord {
  std::string domain;  // where it was found (without "_dmarc.")
  std::string text;
  std::string p, sp, np, adkim = "r", aspf = "r";
  int pct = 100;
  std::vector<std::string> problems;  // empty when valid
  std::vector<std::string> notes;     // unknown tags and other things worth saying
  bool valid() const { return problems.empty(); }
};

DmarcRecord parse_dmarc(const std::string& text, const std::string& domain);

struct Discovery {
  std::optional<DmarcRecord> record;
  bool temperror = false;
  bool offline = false;  // a lookup was not made (--offline, outside the loaded zones)
  std::string problem;  // several records, or a temporary error
  std::vector<dns::Answer> evidence;
};
// RFC 7489 §6.6.3: _dmarc.<From domain>, else _dmarc.<organisational domain by the public suffix list>.
Discovery discover_psl(dns::Resolver& dns, const std::string& from_domain);
// RFC 9989: walk up from the From domain, label by label (at most 8 queries), to the first record.
Discovery discover_tree(dns::Resolver& dns, const std::string& from_domain);

struct DmarcOutcome {
  std::string from_domain;
  Discovery discovery;
  std::string tree_domain;  // where the tree walk found its record ("" = none); differs_note when it differs
  std::string result;       // "pass", "fail", "none", "invalid", "temperror", "not_checked" (only SPF could pass),
                            // "offline" (the record could not be looked up offline)
  bool spf_aligned = false, dkim_aligned = false;
  std::string aligned_by;   // "SPF (example.com)", "DKIM d=example.com"
  std::string policy;       // the one that applies: none, quarantine, reject
  std::string policy_tag;   // "p", "sp" or "np"
};

// `spf` may be null (no --ip/--mail-from): then only DKIM can align.
DmarcOutcome evaluate_dmarc(dns::Resolver& dns, const std::string& from_domain, const SpfOutcome* spf,
                            const std::string& spf_domain, const std::vector<DkimSignature>& dkim);

}  // namespace mailaudit::auth
