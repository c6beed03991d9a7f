// A URL or domain found in a message, with where it was found and what is odd about it.
#pragma once
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace mailaudit::urls {

struct Url {
  std::string url;     // normalised: lower-case A-label or dotted-quad host, default port dropped, %-decoded
  std::string raw;     // exactly as written (after transfer, charset and HTML entity decoding)
  std::string link;    // what a mail client makes of it: scheme added to "www.x", mailto: to addresses,
                       // relative hrefs resolved against <base>
  std::string host;    // lower-case A-label host or IP address; "" when the URL has none
  std::string domain;  // registered domain (public suffix list); "" for IPs and unknown suffixes
  std::string part;    // MIME part path ("1.2"), "" for the top-level header
  std::string source;  // "text", "html:a@href", "css:url", "header:List-Unsubscribe", ...
  std::vector<std::string> flags;  // "idn", "ip_literal", "obfuscated", "shortener", "display_mismatch", ...
  std::string via;          // for a target unwrapped from a redirect: the wrapping URL
  std::string anchor_text;  // html:a@href only: the visible text of the link (bounded)

  bool has(std::string_view flag) const { return std::find(flags.begin(), flags.end(), flag) != flags.end(); }
  void flag(std::string_view f) {
    if (!has(f)) flags.emplace_back(f);
  }
};

}  // namespace mailaudit::urls
