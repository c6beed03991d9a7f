// Report writers. Each takes finished reports and returns text; none does I/O.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/report.hpp"

namespace mailaudit {

// The mailaudit.toml that applied to a run, and what it changed (the JSON report's "config").
struct ConfigUsed {
  std::string file;    // "" when only --ignore applied
  std::string stream;  // "" without --stream
  std::vector<std::string> ignore;                          // ids and "check.*" patterns
  std::vector<std::pair<std::string, std::string>> severity;  // id -> severity
};

struct WriterOptions {
  bool colour = false;            // ANSI colour (terminal only)
  std::string generated_at;       // RFC 3339 UTC, set once per run
  std::string version;            // tool version
  std::vector<std::pair<std::string, Stage>> checks;  // every check id and stage, in registry order (junit)
  std::optional<Severity> fail_threshold = Severity::error;  // --fail-on; nullopt for "never"
  std::optional<Stage> first_stage;  // text: show this stage first (bounce --audit), else SMTP order
  std::optional<ConfigUsed> config;  // json, sarif: the config file and --ignore that applied
  std::map<std::string, std::string, std::less<>> words;  // rules/words.toml ("section.key"), for headings
};

class JsonOut;

// DESIGN.md "JSON report": schema mailaudit-report/1, written straight to text (pretty: as dump_json's
// 2-space layout, each line after the first with `indent` more spaces), or as a tree.
std::string report_json_text(const Report& r, const WriterOptions& o, bool pretty, std::size_t indent = 0);
void write_report(JsonOut& w, const Report& r, const WriterOptions& o);
nlohmann::ordered_json report_json(const Report& r, const WriterOptions& o);
// Several reports: schema mailaudit-batch/1, `reports` as given (output/streams.hpp writes them one by one),
// then the batch summary when there is one.
nlohmann::ordered_json batch_json(const BatchSummary* b, const WriterOptions& o, nlohmann::ordered_json reports);
// One URL record, as in DESIGN.md (shared by the report and `mailaudit urls`).
void write_url(JsonOut& w, const urls::Url& u);
nlohmann::ordered_json url_json(const urls::Url& u);
// `mailaudit urls`: schema mailaudit-urls/1 for one message (as text, laid out as report_json_text), as
// a tree, and its text form. `domains`: urls::distinct_domains of `urls`, computed by the caller (writers
// only format).
std::string urls_json_text(const std::string& source, const std::vector<urls::Url>& urls,
                           const std::vector<std::string>& domains, bool pretty, std::size_t indent = 0);
nlohmann::ordered_json urls_json(const std::string& source, const std::vector<urls::Url>& urls,
                                 const std::vector<std::string>& domains);
std::string urls_text(const std::string& source, const std::vector<urls::Url>& urls,
                      const std::vector<std::string>& domains);
// JSON text; invalid UTF-8 in message-derived strings is replaced, never an exception.
std::string dump_json(const nlohmann::ordered_json& j, bool pretty);

// The selected receivers' verdicts (DESIGN.md `receivers`), and as a text or Markdown table
// (receiver | outcome | answers at | reply | because); "" for none.
nlohmann::ordered_json receivers_json(const std::vector<ReceiverVerdict>& vs);
std::string receivers_text(const std::vector<ReceiverVerdict>& vs, const WriterOptions& o);
std::string receivers_markdown(const std::vector<ReceiverVerdict>& vs, const WriterOptions& o);

// Text: a one-line verdict on top, then findings grouped by stage, worst first.
std::string report_text(const Report& r, const WriterOptions& o);
// Text summary of a batch: verdicts, and how many messages carry each finding id (worst first).
std::string batch_summary_text(const std::vector<Report>& rs, const WriterOptions& o);
std::string batch_summary_text(const BatchSummary& b, const WriterOptions& o);

// JUnit XML for CI systems: a test suite per message, a test case per check, a <failure> per finding at or
// above the fail threshold, <skipped> for checks that did not run, <error> for an unreadable message.
// (junit_stream in output/streams.hpp writes the same document message by message.)
std::string junit_xml(const std::vector<Report>& rs, const WriterOptions& o);
// SARIF 2.1.0 for code-scanning views (DESIGN.md "SARIF"): one run, a rule per finding id emitted, a result per
// non-pass finding (ignored ones carry a suppression), with baselineState when the reports were compared:
// sarif_stream and sarif_text in output/streams.hpp.

// Markdown for a postmaster ticket: the message's identity, the sending context, the verdict, every
// blocklist answer, the findings with their evidence, and the full DNS query log.
std::string report_markdown(const Report& r, const WriterOptions& o);

// One self-contained HTML page (inline CSS, no scripts, no external requests): the SMTP stages as a
// picture with the findings at each, then the findings with their evidence and the DNS query log.
std::string report_html(const Report& r, const WriterOptions& o);

}  // namespace mailaudit
