// mailaudit.toml (DESIGN.md "Config file"): defaults for `check`'s long options, named sending streams,
// [findings] ignore/severity and [blocklist-keys]. Found beside the message (its folder, then the parents up
// to the repository root), else in the current folder, or given with --config.
#pragma once
#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/finding_policy.hpp"
#include "rules/rules.hpp"

namespace mailaudit::cli {

// A problem with the file: where, and the words (rules/words.toml [config]) with their placeholders.
struct ConfigError {
  std::string file;
  long line = 0;
  std::string word;
  std::vector<std::pair<std::string, std::string>> args;
};
// "FILE:LINE: sentence", the one line the command prints before exiting 2.
std::string describe(const ConfigError& e, const rules::Rules& words);

struct ConfigSetting {
  std::string key;                  // a long option of `check`, without the dashes
  std::vector<std::string> values;  // a flag set to true has one value "true"; set to false, none
  bool is_bool = false;
  long line = 0;
};

struct Config {
  std::string path;
  std::vector<ConfigSetting> defaults;
  std::map<std::string, std::vector<ConfigSetting>> streams;
  struct Entry {
    std::string id;
    long line = 0;
  };
  std::vector<Entry> ignore;
  std::vector<std::pair<Entry, Severity>> severity;
  std::vector<std::pair<Entry, std::string>> blocklist_keys;  // list id -> key
};

// The file name looked for.
inline constexpr const char* config_name = "mailaudit.toml";

// The mailaudit.toml that applies to `messages` (the first one that is a path), else the current folder's.
std::optional<std::string> find_config(const std::vector<std::string>& messages);

// Reads and checks the shape of FILE. Throws ConfigError.
Config load_config(const std::string& file);

// Sets each option of `cmd` the command line did not give from the stream (when given), then [defaults].
// Relative paths of zone, rules and baseline are taken from the file's folder. Throws ConfigError for a key
// that is not an option of `cmd`, a value it refuses, or a stream the file does not have.
void apply_config(const Config& c, const std::string& stream, CLI::App& cmd);

// [findings] ignore and severity, each id checked against the rules' findings (a "check.*" against its
// prefix), with the command line's --ignore ids added. Throws ConfigError (file "" for --ignore).
FindingPolicy finding_policy(const Config* c, const std::vector<std::string>& ignore_flags, const rules::Rules& rules);

}  // namespace mailaudit::cli
