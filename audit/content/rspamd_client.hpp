// rspamd client: HTTP POST to <url>/checkv2 (normal worker) with the SMTP context as headers.
#pragma once

#include <string>
#include <vector>

#include "content/spamd_client.hpp"
#include "content/verdict.hpp"

namespace mailaudit::content {

struct RspamdEnvelope {
  std::string from;  // MAIL FROM
  std::vector<std::string> rcpt;  // RCPT TO, one Rcpt header each
};

// Parses a /checkv2 JSON answer: action, score, required_score (the reject threshold), symbols.
Verdict parse_rspamd_reply(const std::string& json);

// Hostname header = c.ptr (the caller's forward-confirmed PTR) or "unknown"; Password when not empty.
Verdict rspamd_check(const std::string& url, const std::string& message, const ClientContext& c,
                     const RspamdEnvelope& e, const std::string& password = "", const EngineOptions& o = {});

}  // namespace mailaudit::content
