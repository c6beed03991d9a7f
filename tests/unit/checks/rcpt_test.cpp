// Check "rcpt": each recipient domain receives mail, and whose mail service it is.
#include <catch2/catch.hpp>

#include "check_rows.hpp"

using namespace mailaudit;
using test::context;
using test::World;

TEST_CASE("rcpt check: recipient domains, providers, and what cannot be told", "[unit]") {
  test::check_rows("rcpt", {
      {"receives mail", context({}, {}, {}, {"a@example.net"}), {"rcpt.ok"}},
      {"hosted by a known provider", context({}, {}, {}, {"b@hosted.example.net"}), {"rcpt.provider"}},
      {"not an address", context({}, {}, {}, {"bad"}), {"rcpt.invalid"}},
      {"domain does not exist", context({}, {}, {}, {"c@nope.example.net"}), {"rcpt.nxdomain"}},
      {"null MX", context({}, {}, {}, {"d@nullmx.example.com"}), {"rcpt.null_mx"}},
      {"no MX, no address", context({}, {}, {}, {"e@txtonly.example.com"}), {"rcpt.no_mail"}},
      {"MX hosts without addresses", context({}, {}, {}, {"f@lostmx.example.com"}), {"rcpt.no_mail"}},
      {"one verdict per domain", context({}, {}, {}, {"a@example.net", "b@example.net"}), {"rcpt.ok"}},
      {"resolver fails: cannot tell", context({}, {}, {}, {"c@nope.example.net"}), {"rcpt.temperror"}, World::failing},
      {"offline: not checked", context({}, {}, {}, {"a@example.net"}), {"rcpt.not_checked"}, World::offline},
      {"no --rcpt: the check does not run", context({}), {}},
  }, {}, {"rcpt.invalid"});
}
