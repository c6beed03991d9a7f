// Check "from": exactly one From field with one mailbox in a fully qualified domain (RFC 5322 §3.6.2).
#include <catch2/catch.hpp>

#include "message_rows.hpp"

using namespace mailaudit;
using namespace mailaudit::test;

TEST_CASE("from check", "[unit]") {
  run_rows({
      {"one valid From", kGood, {}, {"from.missing", "from.multiple", "from.invalid"}},
      {"no From", without(kGood, "From: News <news@example.com>"), {"from.missing"}, {"from.invalid"}},
      {"two From fields", replace(kGood, "To:", "From: other@example.org\nTo:"), {"from.multiple", "headers.duplicate"},
       {"from.invalid"}},
      {"two mailboxes in one From", replace(kGood, "News <news@example.com>", "a@example.com, b@example.com"),
       {"from.multiple"}, {}},
      {"From without a domain", replace(kGood, "News <news@example.com>", "News <news>"), {"from.invalid"}, {}},
      {"From with an empty group", replace(kGood, "News <news@example.com>", "undisclosed-recipients:;"),
       {"from.invalid"}, {}},
      {"From domain not fully qualified", replace(kGood, "news@example.com", "news@mailhost"), {"from.invalid"}, {}},
  });
}
