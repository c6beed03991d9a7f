// Reading inputs: a file, "-" (stdin), an mbox file or a Maildir, one message at a time.
// A message that cannot be read becomes a RawMessage with `error` set, and reading goes on.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "message/message.hpp"

namespace mailaudit {

struct RawMessage {
  std::string source;     // path, "-", "path#N" inside an mbox, or the Maildir file path
  std::size_t index = 0;  // position within its input, from 0
  std::string bytes;
  std::string error;      // one line: why this message cannot be audited ("" when it can)
};

// Calls sink for each message of each input, in order. Bounded by limits.max_message_bytes per message;
// an mbox may be larger than that as a whole.
void read_inputs(const std::vector<std::string>& inputs, const ParseLimits& limits,
                 const std::function<void(RawMessage&&)>& sink);

}  // namespace mailaudit
