// Check "dnsbl": the client address on the IP blocklists of rules/blocklists.toml, each answer code read
// with its list's meaning; error answers and dead lists are "cannot tell", never "listed".
#include <catch2/catch.hpp>

#include "check_rows.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using test::context;
using test::World;

TEST_CASE("dnsbl check: listings, error codes, and what cannot be told", "[unit]") {
  test::check_rows("dnsbl", {
      {"on no list", context("192.0.2.10"), {"dnsbl.clear"}},
      // No dnsbl.clear pass next to a listing: it read as "mostly fine".
      {"on ZEN (PBL) and Barracuda", context("192.0.2.77"), {"dnsbl.listed", "dnsbl.listed"}},
      {"ZEN answers an error code", context("192.0.2.66"), {"dnsbl.unusable", "dnsbl.clear"}},
      {"Barracuda answers outside 127/8", context("192.0.2.88"), {"dnsbl.unusable", "dnsbl.clear"}},
      {"IPv6 address on no list", context("2001:db8::25"), {"dnsbl.clear"}},
      {"offline: not checked", context("192.0.2.77"), {"dnsbl.not_checked"}, World::offline},
  });
  // A failing resolver: one temperror per list asked, and no listing, no clear.
  Report failing = test::audit_row({"failing", context("192.0.2.77"), {}, World::failing});
  auto ids = test::ids_of(failing, "dnsbl");
  INFO("failing resolver: got " << test::join(ids) << ", want only dnsbl.temperror");
  REQUIRE(!ids.empty());
  for (const auto& id : ids) CHECK(id == "dnsbl.temperror");
}

TEST_CASE("dnsbl check: a listing names the list, the answer, its meaning and the TXT reason", "[unit]") {
  Report r = test::audit_row({"listed", context("192.0.2.77"), {}});
  auto it = std::find_if(r.findings.begin(), r.findings.end(), [](const Finding& f) { return f.id == "dnsbl.listed"; });
  REQUIRE(it != r.findings.end());
  INFO(it->title << " / " << it->detail);
  CHECK(it->title.find("Spamhaus ZEN") != std::string::npos);
  CHECK(it->title.find("PBL") != std::string::npos);
  CHECK(it->detail.find("127.0.0.11") != std::string::npos);
  CHECK(it->detail.find("check.spamhaus.org") != std::string::npos);
  CHECK(it->stage == Stage::connect);
}
