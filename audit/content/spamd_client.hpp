// spamd client (SPAMC/1.5 over plain TCP). Every failure - refused, timeout, too large, garbage - is an
// unavailable verdict with the reason; the client never throws for network trouble and never waits past
// the total timeout.
#pragma once

#include <ctime>
#include <optional>
#include <string>

#include "content/verdict.hpp"

namespace mailaudit::content {

struct EngineOptions {
  int connect_timeout_ms = 3000;
  int total_timeout_ms = 30000;
  size_t max_message_bytes = 32u * 1024u * 1024u;  // both engines refuse or truncate beyond this
  size_t max_reply_bytes = 1024u * 1024u;
};

// The context the receiving MTA sees, used to write the Received field spamd reads the client from.
struct ClientContext {
  std::string ip;
  std::string helo;
  std::string ptr;  // forward-confirmed PTR of ip, empty when none
  std::optional<std::string> mail_from = std::nullopt;  // MAIL FROM ("" = the null sender); unset = not known
  std::string rcpt = {};  // the first RCPT TO, "" = not known
  std::string receiver = "mx.mailaudit.invalid";
  std::time_t at = 0;  // when the receiver took the message (the Received date); 0 = now
};

// True when the header section of `message` has a Received field.
bool has_received(const std::string& message);
// The Received field the receiving MTA would prepend ("Received: from HELO (PTR [IP]) by …").
std::string received_field(const ClientContext& c);

// Sends `message` (prefixed by received_field when it has no Received) to spamd at host:port with
// command "REPORT" or "SYMBOLS".
Verdict spamd_check(const std::string& host, int port, const std::string& message, const ClientContext& c,
                    const std::string& command = "REPORT", const std::string& user = "mailaudit",
                    const EngineOptions& o = {});

}  // namespace mailaudit::content
