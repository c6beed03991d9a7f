// A bounce as diagnosed: per failed recipient the status, the reply, and the SMTP stage at which the
// receiver answered, kept apart from the stage the cause belongs to (Postfix delays client, HELO and
// sender rejections to RCPT TO). Value types only: audit/bounce fills them, audit/output writes them.
#pragma once
#include <map>
#include <optional>
#include <tuple>
#include <string>
#include <vector>

#include "model/stage.hpp"

namespace mailaudit::bounce {

struct Signature {
  std::string id, meaning;
  std::vector<std::string> look_at;
  std::string advice;  // what to do instead of looking at findings (greylisting: retry from the same IP); "" if none
};

// One value of the sending context, and where it came from.
struct Sourced {
  std::string value;
  std::string origin;  // "reply", "received", "return_path", "bounce_to", "reporting_mta", "failed", "option"
  std::string source;  // for people: rules/bounces.toml [words] source_<origin>, with the words it was read from
};
struct SendingContext {
  std::optional<Sourced> ip, helo, mail_from;
  std::vector<Sourced> rcpt;
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
  std::string last_attempt;  // the DSN's Last-Attempt-Date, as written; "" if none
  std::string diagnostic;    // the receiver's reply (or the MTA's own words), whitespace unwrapped
  bool temporary = false;
  std::string provider;      // "aol", "google", ... (rules/bounces.toml or the remote MTA's name)
  std::optional<Signature> signature;
  std::string receiver;      // the receiver profile whose predicted reply this is (rules/receivers/), or ""
};

struct Bounce {
  std::string source;
  bool is_bounce = false;
  std::string kind;     // "bounce", "delay", "delivered", "feedback", "auto_reply", "unknown"
  std::string format;   // "rfc3464", "postfix", "exim", "sendmail", "qmail", "exchange", "gmail", ... "text"
  std::string reporting_mta;
  std::string date;      // when the bounce was written: the DSN's Arrival-Date, else its Date field; "" if none
  std::string queue_id;  // the sending MTA's queue id (X-Postfix-Queue-ID, Exim's message id); "" if none
  std::vector<Recipient> recipients;
  bool original_present = false;
  std::string original_message_id;
  std::string original;         // the original message (or its header) as attached, for --audit
  std::string original_sender;  // who the bounce went to: the original envelope sender
  std::string summary;          // the lead sentence (bounce::lead_sentence), set before writing
  SendingContext context;       // the sending side as the bounce reveals it (bounce::sending_context)
};

// A folder of bounces in numbers (bounce::tally fills it; the writers format it).
struct Summary {
  std::size_t files = 0;        // bounces read (messages or pasted files)
  std::size_t bounces = 0;      // of them, failures or delays
  std::size_t not_bounces = 0;  // feedback reports, auto-replies, delivery notices, unreadable as bounces
  std::size_t unreadable = 0;   // files that could not be read
  std::size_t temporary = 0, permanent = 0;  // failed or delayed recipients
  std::map<std::string, std::size_t> by_stage, by_provider, by_signature, by_format;
  // stage × provider × signature ("end_of_data", "google", "gmail-5.7.26-auth"; "-" when none)
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> by_combination;
  std::map<std::string, std::size_t> replies;  // normalised reply texts (numbers, addresses, IPs as placeholders)
  std::map<std::string, std::pair<std::size_t, std::string>> recipients;  // address -> (count, last status)
  std::size_t recipients_dropped = 0;  // addresses not kept once the map is full (memory bound)
};

}  // namespace mailaudit::bounce
