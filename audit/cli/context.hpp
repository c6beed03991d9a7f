// What `check` takes from outside the command line: mailaudit.toml (--config, --stream), --ignore, and a
// previous report (--baseline). Kept apart from check_command.cpp so that file only calls these steps.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "engine/baseline.hpp"
#include "output/writers.hpp"

namespace mailaudit::cli {

struct ContextOptions {
  std::string config, stream, baseline;
  std::vector<std::string> ignore;
};

struct ContextState {
  std::optional<Config> config;
  FindingPolicy policy;
  std::optional<std::vector<PreviousReport>> baseline;
};

// --config, --stream, --ignore, --baseline on `check`.
void add_context_options(CLI::App* cmd, ContextOptions& o);

// Finds and applies mailaudit.toml before anything reads the options. 0, or 2 after a one-line error.
int prepare_config(const ContextOptions& o, const std::vector<std::string>& messages, CLI::App& cmd, ContextState& s);

// Once the rules are loaded: the finding policy and the baseline file; --fail-on new-* needs --baseline.
// 0, or 2 after a one-line error.
int prepare_findings(const ContextOptions& o, const std::string& fail_on, const rules::Rules& rules, ContextState& s);

// The config's [blocklist-keys] as ID=KEY, then the command line's (which win).
std::vector<std::string> blocklist_keys(const ContextState& s, const std::vector<std::string>& from_flags);

// Applies the policy and the baseline to one finished report.
void finish_report(Report& r, const ContextState& s, const ContextOptions& o);

// What the JSON report says about the config that applied.
std::optional<ConfigUsed> config_used(const ContextState& s, const ContextOptions& o);

// The report without its ignored findings: what text, Markdown, HTML and JUnit show. Takes the report
// (a batch's, once judged) and reuses it rather than copying it.
Report without_ignored(Report&& r);

// Reads a previous JSON report or batch. Throws ConfigError naming the file.
std::vector<PreviousReport> read_baseline(const std::string& file);

}  // namespace mailaudit::cli
