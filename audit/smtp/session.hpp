// One SMTP client session up to RCPT TO, then RSET and QUIT: never DATA. Poll-based on a non-blocking socket
// (OpenSSL over it after STARTTLS), a timeout per reply and a deadline for the whole session, caps on line
// length and reply size; every failure (refused, timeout, closed, 421, a line too long, a TLS handshake
// that fails) ends the session as a step result, never an exception or a hang.
#pragma once
#include <string>
#include <vector>

#include "model/probe.hpp"
#include "rules/rules.hpp"

namespace mailaudit::smtp {

enum class StartTls { automatic, require, never };

struct SessionOptions {
  std::string host;     // the MX name: SNI and the certificate name match ("" or an IP: the address)
  std::string address;  // IPv4 or IPv6 literal to connect to
  int port = 25;
  std::string source;   // bind to this source address ("" = the system's choice)
  std::string helo;
  std::string mail_from;            // "" = the null sender <>
  std::vector<std::string> rcpt;
  StartTls starttls = StartTls::automatic;
  std::size_t size = 0;             // SIZE= on MAIL FROM when the server advertises SIZE; 0 = never
  int connect_timeout_ms = 10000;
  int reply_timeout_ms = 30000;     // per reply (tarpits answer slowly; postscreen waits 6 s before 220)
  int total_timeout_ms = 120000;    // the whole session
  std::string ca_file;              // extra trust anchors besides the system store ("" = system only)
  std::size_t max_line = 4096;      // a longer reply line ends the session ("too_long")
  std::size_t max_reply_lines = 100;
  const rules::Rules* rules = nullptr;  // the transcript's own notes ([probe] t_*); without: the bare keys
};

// Runs the dialogue; the result has the transcript and steps, not yet classified (smtp/classify.hpp).
probe::Session run_session(const SessionOptions& o);

// True for a command the probe must never send (DATA, BDAT): the sender refuses them.
bool forbidden_command(std::string_view line);

}  // namespace mailaudit::smtp
