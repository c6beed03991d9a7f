// libFuzzer target: any bytes through bounce diagnosis, as a message (DSN, NDR) when they parse as one and
// as pasted text otherwise, and through the lead sentence. Its corpus fixtures/fuzz/bounce (and the Sisimai
// maildir when present) also runs as a regression test (replay_main.cpp).
#include <cstddef>
#include <cstdint>
#include <string>

#include "bounce/bounce.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailaudit;
  static const rules::Rules rules = rules::Rules::builtin();
  std::string in(reinterpret_cast<const char*>(data), size);
  bounce::Bounce b = not_a_message_reason(in).empty() ? bounce::diagnose(parse_message(in, "fuzz", 0), rules)
                                                      : bounce::diagnose_text(in, "fuzz", rules);
  volatile std::size_t sink = bounce::lead_sentence(b, rules).size() + b.recipients.size();
  (void)sink;
  return 0;
}
