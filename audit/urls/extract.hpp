// Every URL and domain of a message: every MIME part (text and HTML, after transfer decoding and charset
// conversion; attached messages included), the List-* header URIs, the domains of the address fields and
// of Message-ID, and the URLs in Subject. Each place a URL is found gives one record.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "message/message.hpp"
#include "rules/rules.hpp"
#include "model/url.hpp"

namespace mailaudit::urls {

// Redirects inside redirects unwrapped per link: resource bounds, like the byte bounds below, not knowledge
// about receivers (SpamAssassin unwraps without a bound, and no receiver publishes one). Each level parses
// its target again and adds a record holding copies of it, so a link costs up to this many + 1 times its own
// length in time and memory. Real chains are 2 to 4 deep (Safe Links around a security gateway around an
// ESP's click tracker) and a few hundred bytes to a few KiB long: 16 levels cover them with room. A link
// longer than kLongLinkBytes (no real one is; browsers and ESPs keep URLs under 8 KiB) is unwrapped at most
// kLongLinkUnwrap levels, as every link was before, so a padded hostile link costs what it did.
inline constexpr int kMaxUnwrap = 16;
inline constexpr std::size_t kLongLinkBytes = 8192;
inline constexpr int kLongLinkUnwrap = 3;

// Resource bounds: how much of a hostile message extraction reads.
struct ExtractLimits {
  std::size_t max_urls = 10000;               // records per message
  std::size_t max_html_bytes = 8u << 20;      // per HTML part
  std::size_t max_text_bytes = 8u << 20;      // per text part
  int max_unwrap = kMaxUnwrap;                // redirects inside redirects
};

std::vector<Url> extract_urls(const Message& m, const rules::UrlRules& rules, const ExtractLimits& limits = {});

// Every distinct registered domain, plus the hosts that have none (IP addresses), sorted.
std::vector<std::string> distinct_domains(const std::vector<Url>& urls);

// A record for `link` found at (part, source): normalised, flagged, redirect targets unwrapped into
// further records (no unwrapping once `out` holds max_records). Exposed for tests and for the links check.
void add_url(std::vector<Url>& out, std::string raw, std::string link, std::string part, std::string source,
             std::string anchor_text, const rules::UrlRules& rules, int unwrap_depth = kMaxUnwrap,
             std::size_t max_records = SIZE_MAX);

}  // namespace mailaudit::urls
