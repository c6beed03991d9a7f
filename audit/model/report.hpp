// A Report: everything said about one message. Writers (text, json, ...) only format it.
#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/answer.hpp"
#include "model/content.hpp"
#include "model/envelope.hpp"
#include "model/finding.hpp"
#include "model/probe.hpp"
#include "model/receiver.hpp"
#include "model/url.hpp"

namespace mailaudit {

struct MessageInfo {
  std::string source;
  std::size_t index = 0;
  std::string sha256;
  std::size_t size = 0;
  std::string message_id, from, subject;  // decoded, for people
  bool is_bounce = false;  // a DSN/NDR: `mailaudit bounce` is the command that reads it
};

struct DnsInfo {
  std::string mode;  // "live", "zones", "overlay", "offline"
  std::vector<std::string> servers;
  std::vector<dns::Answer> queries;  // every lookup the checks made for this message, in order
};

// What --baseline found when it compared this report with the previous one (DESIGN.md "baseline").
struct BaselineInfo {
  std::string file;                    // the previous report
  bool matched = false;                // the previous report held this message (by source, or the only one)
  std::vector<Finding> resolved;       // non-pass findings of the previous report no longer found (id, title...)
  std::vector<std::string> new_domains;  // link domains not in the previous report
  struct Fact {
    std::string query, type, was, now;  // "status answers" before and now
  };
  std::vector<Fact> changed_dns;       // the same query answered differently
};

struct Report {
  MessageInfo message;
  Envelope context;
  std::vector<Finding> findings;
  std::vector<urls::Url> urls;  // every URL and domain found in the message
  std::vector<std::string> domains;  // distinct registered domains (or bare hosts) of `urls`, sorted
  std::vector<ContentVerdict> content;  // --rspamd / --spamd verdicts, in that order
  std::string ip_reverse_name;       // the PTR query name of context.ip ("" without a valid --ip)
  DnsInfo dns;
  std::vector<std::string> not_run;  // "rdns: needs --ip" ...
  std::string error;                 // set when the message could not be audited at all
  std::optional<BaselineInfo> baseline;  // with --baseline
  std::vector<ReceiverVerdict> receivers;  // the selected receiver profiles' verdicts (check --receiver)
  std::optional<probe::Check> probe;       // check --probe: the receiver's own answers next to the audit's
};

enum class Verdict { pass, warn, fail };

struct Summary {
  Verdict verdict = Verdict::pass;
  std::optional<Stage> first_stage;  // earliest stage with an error (else a warning)
  std::map<Severity, std::size_t> counts;
  // Incomplete: some lookup a check needed failed (a *.temperror finding) or a check could not finish
  // (check.failed), so the verdict is not final. The checks affected, in report order, each once.
  bool incomplete = false;
  std::vector<std::string> incomplete_checks;
};

// True for a finding that means "could not tell" rather than a fact about the message.
bool cannot_tell(const Finding& f);

Summary summarise(const Report& r);

// A batch in numbers: verdicts, unreadable messages, and per finding id (non-pass) how many messages carry
// it, at which stage, and its worst severity.
struct BatchSummary {
  std::map<Verdict, std::size_t> verdicts{{Verdict::pass, 0}, {Verdict::warn, 0}, {Verdict::fail, 0}};
  std::size_t messages = 0;
  std::size_t unreadable = 0;
  struct IdCount {
    Stage stage = Stage::end_of_data;
    Severity severity = Severity::info;
    std::size_t messages = 0;
  };
  std::map<std::string, IdCount> by_id;
  // Counts one more report: a batch summed as it goes, without keeping its reports.
  void add(const Report& r);
};
BatchSummary summarise_batch(const std::vector<Report>& rs);
std::string_view to_string(Verdict v);

}  // namespace mailaudit
