// A bounce as diagnosed: per failed recipient the status, the reply, and the SMTP stage at which the
// receiver answered, kept apart from the stage the cause belongs to (Postfix delays client, HELO and
// sender rejections to RCPT TO). Value types only: audit/bounce fills them, audit/output writes them.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/stage.hpp"

namespace mailaudit::bounce {

struct Signature {
  std::string id, meaning;
  std::vector<std::string> look_at;
};

struct Recipient {
  std::string address;
  std::string action;        // failed, delayed, delivered, relayed, expanded
  std::string status;        // RFC 3463 "5.1.1"; "" when neither the bounce nor its words give one
  bool status_inferred = false;  // taken from the words (rules/bounces.toml status_hint), not the bounce
  int reply_code = 0;        // SMTP reply code, 0 when none
  std::optional<Stage> stage;        // where the reply came, as the bounce states it
  std::optional<Stage> cause_stage;  // where the cause is: the signature's, the reply's words, else `stage`
  std::string remote_mta;
  std::string diagnostic;    // the receiver's reply (or the MTA's own words), whitespace unwrapped
  bool temporary = false;
  std::string provider;      // "aol", "google", ... (rules/bounces.toml or the remote MTA's name)
  std::optional<Signature> signature;
};

struct Bounce {
  std::string source;
  bool is_bounce = false;
  std::string kind;     // "bounce", "delay", "delivered", "feedback", "auto_reply", "unknown"
  std::string format;   // "rfc3464", "postfix", "exim", "sendmail", "qmail", "exchange", "gmail", ... "text"
  std::string reporting_mta;
  std::vector<Recipient> recipients;
  bool original_present = false;
  std::string original_message_id;
  std::string original;         // the original message (or its header) as attached, for --audit
  std::string original_sender;  // who the bounce went to: the original envelope sender
  std::string summary;          // the lead sentence (bounce::lead_sentence), set before writing
};

}  // namespace mailaudit::bounce
