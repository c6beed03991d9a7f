// A Finding: one thing a check found, with the DNS evidence it rests on.
#pragma once
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
};

}  // namespace mailaudit
