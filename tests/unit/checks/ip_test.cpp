// Check "ip": special-purpose client addresses (RFC 6890) are noted, and nothing else.
#include <catch2/catch.hpp>

#include "message_rows.hpp"

using namespace mailaudit;
using namespace mailaudit::test;

TEST_CASE("ip check notes special-purpose addresses and nothing else", "[unit]") {
  struct Row {
    const char* ip;
    bool noted;
  };
  const Row rows[] = {{"192.0.2.10", true}, {"10.1.2.3", true}, {"127.0.0.1", true}, {"2001:db8::1", true},
                      {"fe80::1", true},    {"8.8.8.8", false}, {"2a00:1450::1", false}};
  for (const auto& row : rows) {
    Envelope env;
    env.ip = row.ip;
    Report r = test::audit_text(test::crlf(kGood), env);
    INFO(row.ip << ": got " << test::join(test::finding_ids(r)));
    CHECK(test::has_finding(r, "ip.reserved") == row.noted);
  }
}
