// Check "rdns": the PTR of the client address, confirmed forward, and judged generic by rules/rdns.toml.
#include <catch2/catch.hpp>

#include "check_rows.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using test::context;
using test::World;

TEST_CASE("rdns check: PTR, forward confirmation, generic names, and what cannot be told", "[unit]") {
  test::check_rows("rdns", {
      {"PTR confirmed", context("192.0.2.10"), {"rdns.ok"}},
      {"generic and unconfirmed", context("192.0.2.77"), {"rdns.unconfirmed", "rdns.generic"}},
      {"no PTR", context("192.0.2.11"), {"rdns.missing"}},
      {"PTR name without an address", context("192.0.2.12"), {"rdns.unconfirmed"}},
      {"PTR value is not a host name", context("192.0.2.14"), {"rdns.missing"}},
      {"two PTR names, the second confirms", context("192.0.2.15"), {"rdns.ok"}},
      {"IPv6 confirmed", context("2001:db8::25"), {"rdns.ok"}},
      {"IPv6 without PTR", context("2001:db8::26"), {"rdns.missing"}},
      {"resolver fails: cannot tell, never missing", context("192.0.2.11"), {"rdns.temperror"}, World::failing},
      {"offline: not checked", context("192.0.2.10"), {"rdns.not_checked"}, World::offline},
      {"no --ip: the check does not run", {}, {}},
  });
  Report no_ip = test::audit_row({"no ip", {}, {}});
  INFO("not run: " << test::join(no_ip.not_run));
  CHECK(std::find(no_ip.not_run.begin(), no_ip.not_run.end(), "rdns: needs --ip") != no_ip.not_run.end());
}
