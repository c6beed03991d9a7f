// Report writers. Each takes finished reports and returns text; none does I/O.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/report.hpp"

namespace mailaudit {

struct WriterOptions {
  bool colour = false;            // ANSI colour (terminal only)
  std::string generated_at;       // RFC 3339 UTC, set once per run
  std::string version;            // tool version
};

// DESIGN.md "JSON report": schema mailaudit-report/1.
nlohmann::ordered_json report_json(const Report& r, const WriterOptions& o);
// Several reports: schema mailaudit-batch/1 with a batch summary.
nlohmann::ordered_json batch_json(const std::vector<Report>& rs, const WriterOptions& o);
// JSON text; invalid UTF-8 in message-derived strings is replaced, never an exception.
std::string dump_json(const nlohmann::ordered_json& j, bool pretty);

// Text: a one-line verdict on top, then findings grouped by stage, worst first.
std::string report_text(const Report& r, const WriterOptions& o);

}  // namespace mailaudit
