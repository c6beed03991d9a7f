// A content filter's verdict on one message (rspamd or SpamAssassin), and the "fix these to pass" set.
#pragma once

#include <string>
#include <vector>

#include "model/content.hpp"

namespace mailaudit::content {

// The engines' results are the report's model types (model/content.hpp), so writers can format them.
using Symbol = ContentSymbol;
using Verdict = ContentVerdict;

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
