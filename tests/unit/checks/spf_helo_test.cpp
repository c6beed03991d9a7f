// Check "spf_helo": the HELO identity's SPF result (RFC 7208 §2.3), at HELO.
#include <catch2/catch.hpp>

#include "check_rows.hpp"
#include "spf_zone.hpp"

using namespace mailaudit;
using test::context;
using test::World;

TEST_CASE("spf_helo check: each SPF result for the HELO identity", "[unit]") {
  const std::string ip = "192.0.2.10";
  test::check_rows("spf_helo", {
      {"the address is permitted", context(ip, "pass.spf.example.org"), {"spf_helo.pass"}},
      {"-all and not permitted", context(ip, "fail.spf.example.org"), {"spf_helo.fail"}},
      {"~all and not permitted", context(ip, "soft.spf.example.org"), {"spf_helo.softfail"}},
      {"?all", context(ip, "neutral.spf.example.org"), {"spf_helo.neutral"}},
      {"no SPF record", context(ip, "none.spf.example.org"), {"spf_helo.none"}},
      {"two SPF records", context(ip, "two.spf.example.org"), {"spf_helo.permerror"}},
      {"resolver fails: temperror, never none", context(ip, "fail.spf.example.org"), {"spf_helo.temperror"}, World::failing},
      {"offline: not checked", context(ip, "pass.spf.example.org"), {"spf_helo.not_checked"}, World::offline},
      {"no --helo: the check does not run", context(ip), {}},
  }, {test::kSpfZone});
}
