// A Finding: one thing a check found, with the DNS evidence it rests on.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/answer.hpp"
#include "model/stage.hpp"

namespace mailaudit {

struct Finding {
  std::string id;      // contract name, e.g. "rdns.missing" (DESIGN.md)
  std::string check;   // id of the check that produced it
  Stage stage = Stage::end_of_data;  // the stage of the *cause*
  Severity severity = Severity::info;
  std::string title;
  std::string detail;  // what the receiver sees and does with it
  std::string remedy;  // what to change
  std::vector<dns::Answer> evidence;  // the queries the finding rests on
  std::vector<std::string> references;
  // Set after the checks, by the sending context's policy (mailaudit.toml [findings], --ignore) and --baseline.
  bool ignored = false;                  // silenced: kept in the JSON, counted nowhere, shown nowhere else
  std::optional<Severity> severity_was;  // the check's severity when the config changed it
  std::string change;                    // with --baseline: "new", "unchanged" or "updated" (same id, other title)
  std::size_t line = 0;                  // 1-based line in the message of the field or URL it is about; 0: none
};

}  // namespace mailaudit
