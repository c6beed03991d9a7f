// DKIM verification (RFC 6376, RFC 8463 ed25519, RFC 8301 key and hash rules) over the raw message, with
// OpenSSL; plus what makes a signature fragile in transit.
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "model/answer.hpp"
#include "dns/resolver.hpp"
#include "message/message.hpp"

namespace mailaudit::auth {

enum class DkimResult { pass, fail, neutral, permerror, temperror };
std::string_view to_string(DkimResult r);

struct DkimSignature {
  std::string domain, selector, algorithm, canonicalization = "simple/simple", identity;
  std::vector<std::string> signed_headers;  // h=, lower case, in order
  std::optional<std::size_t> body_length;   // l=
  std::optional<long> timestamp, expires;   // t=, x=
  DkimResult result = DkimResult::neutral;
  std::string reason;     // why not pass, for people ("body hash mismatch", "key revoked", ...)
  std::string kind;       // finer result: "pass", "fail", "key_missing", "key_invalid", "key_revoked", "key_weak",
                          // "expired", "syntax", "temperror"
  int key_bits = 0;       // RSA key size
  bool testing = false;   // key t=y
  bool weak_hash = false; // rsa-sha1
  std::string header;     // the DKIM-Signature field as written, for evidence
  std::vector<dns::Answer> evidence;
};

// The d= domain of every DKIM-Signature (and DomainKey-Signature) field, verified or not: lower case, each
// once, in order, host names only. What SpamAssassin's parse_dkim_uris (on by default) adds to the URIs its
// URIBL rules look up; rspamd's rbl module asks the DBL about the d= of the signatures that verify.
std::vector<std::string> signing_domains(const Message& m);

// Every DKIM-Signature of the message, verified at `now`.
// future_slack: how far t= may run ahead of now before the signature fails (rules/headers.toml).
std::vector<DkimSignature> verify_dkim(const Message& m, dns::Resolver& dns, std::time_t now, long future_slack);

// The message's header fields exactly as written (name, whole field with its line ends), in order, and
// its body; line ends made CRLF (a file with LF-only lines stands for the CRLF message on the wire).
struct RawHeader {
  std::string name;   // as written
  std::string field;  // "Name: value\r\n" with folding, exactly
};
struct RawParts {
  std::vector<RawHeader> headers;
  std::string body;
};
RawParts split_raw(std::string_view raw);

std::string canonical_body(std::string_view body, bool relaxed);
std::string canonical_header(const RawHeader& h, bool relaxed);

}  // namespace mailaudit::auth
