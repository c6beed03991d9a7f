// What a content filter (rspamd, SpamAssassin) said about one message: the report's `content` member.
#pragma once
#include <string>
#include <vector>

namespace mailaudit {

struct ContentSymbol {
  std::string name;
  double score = 0;
  std::string description;
  std::string finding;  // the mailaudit finding id this symbol stands for (rules/content.toml), or ""
};

struct ContentVerdict {
  std::string engine;          // "rspamd" or "spamassassin" (JSON and finding ids)
  std::string address;         // where it was asked (the URL, host:port), for people
  bool available = false;      // false: the engine could not tell (down, garbage, timeout, too large)
  std::string reason;          // why unavailable: a key of [content] in rules/words.toml ("reason_" + key)
  std::string reason_detail;   // the reason's {detail}: host:port, the system's error text, a size
  std::string action;          // rspamd's action, or "spam" / "ham" for SpamAssassin
  double score = 0;
  double threshold = 0;
  std::vector<ContentSymbol> symbols;        // by weight, largest first
  std::vector<std::string> fix_to_pass;      // symbols whose removal brings the score under the threshold
  bool fix_enough = true;  // false: even without every positive symbol the score stays at or over it
};

}  // namespace mailaudit
