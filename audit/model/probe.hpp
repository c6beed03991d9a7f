// A live SMTP probe as run: per MX host one session, its TLS facts, the timed transcript, each step's reply
// and its classification, and where the dialogue stopped. Value types only: audit/smtp fills them,
// audit/output writes them (schema mailaudit-probe/1 in DESIGN.md).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mailaudit::probe {

struct TlsFacts {
  bool offered = false;  // STARTTLS in the EHLO reply
  bool used = false;     // the handshake completed
  std::string protocol, cipher;
  std::optional<bool> verified;    // chain verified against the system store; unset when no handshake
  std::optional<bool> name_match;  // the certificate names the host connected to
  std::string not_after;           // RFC 3339 UTC; "" when unknown
  std::string subject;             // the certificate's subject, one line
  std::string verify_error;        // OpenSSL's reason when the chain did not verify
  std::string error;               // why TLS failed (handshake, refused STARTTLS); "" when none
};

struct TranscriptLine {
  long ms = 0;      // since the connection attempt started
  char dir = 'S';   // 'S' server, 'C' client, '*' a note of ours (timeout, closed, TLS up)
  std::string line; // printable, bounded
};

struct Reply {
  int code = 0;              // 0: no reply (timeout, connection closed, unreadable)
  std::string status;        // RFC 3463 "5.7.1" when the reply carries one
  std::string text;          // the lines joined with a space, without codes, bounded
  std::vector<std::string> lines;  // as sent, bounded
};

struct Signature {
  std::string id, meaning;
  std::vector<std::string> look_at;  // finding ids
  std::string advice;
};

// A receiver profile's rule whose reply this is (rules/receivers/<id>.toml): the findings it answers.
struct ProfileMatch {
  std::string profile, via;           // "postfix-strict", "reject_unknown_client_hostname"
  std::vector<std::string> findings;  // the finding ids that rule refuses on
};

struct Classification {
  bool temporary = false;
  std::string meaning;               // one sentence for people (rules/words.toml [probe] or the signature)
  std::optional<Signature> signature;
  std::string cause_stage;           // where the cause lies ("connect", "helo", ...), "" when not known
  std::vector<std::string> look_at;  // finding ids to look at (a profile rule's, else the signature's, else the stage's)
  std::optional<ProfileMatch> profile;  // the first receiver profile rule whose reply this is
};

struct Step {
  std::string stage;    // connect, helo, starttls, mail, rcpt, rset, quit
  std::string command;  // what we sent ("" for the banner)
  Reply reply;
  long ms = 0;          // when the reply came (or the step ended)
  std::string problem;  // "timeout", "closed", "too_long", "refused", "tls", "" when a reply came
  Classification classification;
};

struct Outcome {
  std::string stopped_at;  // the stage where the receiver said no, "" when it accepted every recipient
  bool accepted = false;   // at least one RCPT TO got 2xx
  bool could_not_tell = false;  // timeout, unreachable, closed before an answer: not a verdict
  bool temporary = false;  // the stop was a 4xx
  std::vector<std::string> accepted_rcpt, rejected_rcpt;
  std::string summary;     // the lead sentence
};

struct Session {
  std::string host, address, source;
  int port = 25;
  TlsFacts tls;
  std::vector<TranscriptLine> transcript;
  std::vector<Step> steps;
  Outcome outcome;
  long elapsed_ms = 0;
};

struct MxHost {
  std::string host;
  int pref = 0;
};

struct Target {
  std::vector<std::string> rcpt;
  std::string domain;  // the recipients' domain ("" when --server was given and they differ)
  std::vector<MxHost> mx;
  std::string note;    // why no MX was used (--server, implicit MX, lookup failed)
};

struct ProbeResult {
  Target target;
  std::vector<Session> sessions;
  std::string summary;  // the lead sentence of the run
  bool accepted = false, rejected = false, could_not_tell = false;
};

// check --probe: per stage up to RCPT TO, what the audit predicts next to what the receiver answered.
struct StageView {
  std::string stage;               // connect, helo, mail, rcpt
  std::string audit;               // the worst severity of the audit's findings whose cause lies here
  std::vector<std::string> ids;    // those findings (errors and warnings)
  std::string answer;              // accepted, deferred, rejected, cannot_tell, not_reached
  std::string reply;               // the reply at this stage ("554 5.7.1 …"), "" when none
  std::string agreement;           // agree, disagree, delayed, cannot_tell, not_reached
  std::string note;                // one sentence for people (rules/words.toml [probe] cmp_*)
};

struct Check {
  std::shared_ptr<const ProbeResult> result;  // one probe per run, shared by the run's reports
  std::vector<StageView> stages;
  std::size_t disagreements = 0;
};

}  // namespace mailaudit::probe
