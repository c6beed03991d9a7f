// Check "spf": the MAIL FROM identity's SPF result for the client address (RFC 7208), at MAIL FROM.
#include <catch2/catch.hpp>

#include "check_rows.hpp"
#include "spf_zone.hpp"

using namespace mailaudit;
using test::context;
using test::World;

TEST_CASE("spf check: each SPF result for the MAIL FROM identity", "[unit]") {
  const std::string ip = "192.0.2.10";
  test::check_rows("spf", {
      {"the address is permitted", context(ip, {}, "b@pass.spf.example.org"), {"spf.pass"}},
      {"-all and not permitted", context(ip, {}, "b@fail.spf.example.org"), {"spf.fail"}},
      {"~all and not permitted", context(ip, {}, "b@soft.spf.example.org"), {"spf.softfail"}},
      {"?all", context(ip, {}, "b@neutral.spf.example.org"), {"spf.neutral"}},
      {"no SPF record", context(ip, {}, "b@none.spf.example.org"), {"spf.none"}},
      {"two SPF records", context(ip, {}, "b@two.spf.example.org"), {"spf.permerror"}},
      {"an include loop", context(ip, {}, "b@loop.spf.example.org"), {"spf.permerror"}},
      {"nine lookups: passes, near the limit", context(ip, {}, "b@near.spf.example.org"),
       {"spf.lookups_near_limit", "spf.pass"}},
      {"resolver fails: temperror, never none", context(ip, {}, "b@fail.spf.example.org"), {"spf.temperror"}, World::failing},
      {"offline: not checked", context(ip, {}, "b@pass.spf.example.org"), {"spf.not_checked"}, World::offline},
      {"no --ip: the check does not run", context({}, {}, "b@pass.spf.example.org"), {}},
  }, {test::kSpfZone}, {"spf.lookups_near_limit"});
}
