// libFuzzer target: any bytes through bounce diagnosis, as a message (DSN, NDR) when they read as one and
// as pasted text otherwise, and through the lead sentence and the folder tally. Its corpus fixtures/fuzz/bounce (and the Sisimai
// maildir when present) also runs as a regression test (replay_main.cpp).
#include <cstddef>
#include <cstdint>
#include <string>

#include "bounce/bounce.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailaudit;
  static const rules::Rules rules = rules::Rules::builtin();
  std::string in(reinterpret_cast<const char*>(data), size);
  bounce::Bounce b = bounce::diagnose_input(in, "fuzz", rules);
  bounce::Summary s;
  bounce::tally(s, b);
  volatile std::size_t sink = bounce::lead_sentence(b, rules).size() + b.recipients.size() + s.replies.size();
  (void)sink;
  return 0;
}
