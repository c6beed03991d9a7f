// What a named receiver does with a message: its outcome, where it answers, its reply, and the findings
// that caused it (rules/receivers/<id>.toml; audit/receivers/ computes it, writers format it).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/stage.hpp"

namespace mailaudit {

// accept: delivered; junk: accepted, likely into spam; defer: 4xx, retried; reject: 5xx;
// unknown: a lookup the receiver's decision depends on failed, so it cannot be told.
enum class Outcome { accept, junk, defer, reject, unknown };
std::string_view to_string(Outcome o);

struct ReceiverReply {
  int code = 0;          // 521
  std::string status;    // "5.2.1" (may be empty: some receivers send no enhanced status)
  std::string text;      // the reply text after code and status
};

struct ReceiverCause {
  std::string id;        // finding id
  Stage cause_stage = Stage::end_of_data;
};

struct ReceiverVerdict {
  std::string id, name;
  Outcome outcome = Outcome::accept;
  std::optional<Stage> stage;           // where it answers (reject/defer/junk); none for accept/unknown
  std::optional<ReceiverReply> reply;   // reject/defer only
  std::vector<ReceiverCause> because;
  std::string source;                   // "rules/receivers/<id>.toml"
};

}  // namespace mailaudit
