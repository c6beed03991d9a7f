// Check "sender": the MAIL FROM domain can receive bounces (MX hosts with addresses, or an address).
#include <catch2/catch.hpp>

#include "check_rows.hpp"

using namespace mailaudit;
using test::context;
using test::World;

TEST_CASE("sender check: the envelope domain receives mail, and what cannot be told", "[unit]") {
  test::check_rows("sender", {
      {"MX hosts with addresses", context({}, {}, "bounces@news.example.com"), {"sender.ok"}},
      {"null sender", context({}, {}, ""), {"sender.null"}},
      {"not an address", context({}, {}, "bounces"), {"sender.invalid"}},
      {"does not exist", context({}, {}, "b@nope.example.com"), {"sender.nxdomain"}},
      {"null MX", context({}, {}, "b@nullmx.example.com"), {"sender.null_mx"}},
      {"neither MX nor address", context({}, {}, "b@txtonly.example.com"), {"sender.no_mail"}},
      {"address only", context({}, {}, "b@aonly.example.com"), {"sender.a_only"}},
      {"MX hosts without addresses", context({}, {}, "b@lostmx.example.com"), {"sender.mx_unresolvable"}},
      {"resolver fails: cannot tell, never nxdomain", context({}, {}, "b@nope.example.com"), {"sender.temperror"}, World::failing},
      {"resolver fails, null sender needs no DNS", context({}, {}, ""), {"sender.null"}, World::failing},
      {"offline: not checked", context({}, {}, "b@news.example.com"), {"sender.not_checked"}, World::offline},
  }, {}, {"sender.null", "sender.invalid"});
}
