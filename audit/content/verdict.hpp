// A content filter's verdict on one message (rspamd or SpamAssassin), and the "fix these to pass" set.
#pragma once

#include <string>
#include <vector>

namespace mailaudit::content {

struct Symbol {
  std::string name;
  double score = 0;
  std::string description;
};

struct Verdict {
  std::string engine;          // "rspamd" or "spamassassin"
  bool available = false;      // false: the engine could not tell (down, garbage, timeout, too large)
  std::string reason;          // why unavailable
  std::string action;          // rspamd action, or "spam" / "ham" for SpamAssassin
  double score = 0;
  double threshold = 0;
  std::vector<Symbol> symbols;
};

// The fewest symbols whose removal brings score under threshold: positive weights, largest first. The
// k largest weights have the largest sum of any k symbols, so no smaller set can do it. Empty when the
// score is already under the threshold, or when even removing every positive symbol is not enough
// (then `enough` is false).
struct FixSet {
  std::vector<Symbol> symbols;
  bool enough = true;
};
FixSet fix_set(const Verdict& v);

// Parses spamd's reply to SYMBOLS or REPORT (SPAMD/1.x 0 EX_OK, "Spam: True ; 7.1 / 5.0", body).
// A reply that does not parse gives an unavailable verdict with the reason.
Verdict parse_spamd_reply(const std::string& reply);

}  // namespace mailaudit::content
