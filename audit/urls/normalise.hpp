// Splitting and normalising URLs. Splitting is done here rather than with libcurl's URL API because
// mail holds URLs that curl rightly refuses (bad hosts, spaces, 8-bit) and we must still say what host a
// client or a receiver would take from them; libcurl is used for resolving relative references.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailaudit::urls {

struct UrlParts {
  std::string scheme;    // as written, without ':'
  bool authority = false;  // "//" followed the scheme
  std::string userinfo;  // before the last '@' of the authority
  bool has_userinfo = false;
  std::string host, port, path, query, fragment;
  bool has_query = false, has_fragment = false;
};

// Split "scheme:..." into its parts; nullopt when there is no scheme. For the special schemes (http,
// https, ftp) a backslash counts as a slash, as browsers treat it.
std::optional<UrlParts> split_url(std::string_view url);

// A host made canonical: percent-decoding, fullwidth dots, IDN to A-label, lower case, numeric IPv4 forms
// (decimal, hex, octal, short) to the dotted quad, IPv6 literals in brackets.
struct Host {
  std::string name;    // "" when the host cannot be made a DNS name or an address
  bool ip = false;
  bool idn = false;
  bool obfuscated = false;  // written in a way that hides it: %-encoded, numeric non-dotted-quad, fullwidth dots
};
Host normalise_host(std::string_view raw);

// Strict host-name syntax for names found in free text: labels of letters, digits, '-' (not at either
// end) and '_' (not in the registered domain), a TLD the public suffix list knows, and a registered
// domain below it.
bool is_plausible_domain(std::string_view a_label_host);

// Decode %XX sequences whose byte is printable ASCII other than '%' (so the result never changes meaning
// by double decoding); others stay encoded.
std::string percent_decode_printable(std::string_view s);
// The same, with the bytes in `keep` left encoded as well.
std::string percent_decode_printable(std::string_view s, std::string_view keep);
// Decode every %XX sequence (for looking inside query values).
std::string percent_decode_all(std::string_view s);

// The normalised form of a URL with an authority or a mailto: address, plus its host and flags.
struct Normalised {
  std::string url;
  Host host;
  bool userinfo_trick = false;  // userinfo looks like a host name (http://bank.test@evil.test)
};
std::optional<Normalised> normalise_url(std::string_view link);

}  // namespace mailaudit::urls
