// libFuzzer target: any bytes through input sniffing, parse_message and every registered check.
// Built with clang as `fuzz_message` (-DMAILAUDIT_FUZZ=ON); the same function runs the saved corpus as a
// plain regression test through replay_main.cpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/audit.hpp"
#include "dns/recording_resolver.hpp"
#include "registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailaudit;
  static const rules::Rules rules = rules::Rules::builtin();
  static dns::NullResolver resolver;
  ParseLimits limits;
  limits.max_message_bytes = 1u << 20;
  AuditSettings settings{rules, resolver, checks::registry(), limits, {}};
  RawMessage raw;
  raw.source = "fuzz";
  raw.bytes.assign(reinterpret_cast<const char*>(data), size);
  raw.error = not_a_message_reason(raw.bytes);
  Report r = audit_message(std::move(raw), Envelope{}, settings);
  // Touch the results so nothing is optimised away.
  volatile std::size_t n = r.findings.size();
  (void)n;
  return 0;
}
