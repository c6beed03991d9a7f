// Check "from_domain": the From domain exists and can receive replies (what Yahoo/AOL and Gmail test).
#include <catch2/catch.hpp>

#include "check_rows.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using test::World;

TEST_CASE("from_domain check: the From domain receives mail, and what cannot be told", "[unit]") {
  auto from = [](const char* address) { return test::message_from(address); };
  test::check_rows("from_domain", {
      {"MX and A", {}, {"from.ok"}, World::zones, from("news@news.example.com")},
      {"A only (implicit MX)", {}, {"from.ok"}, World::zones, from("x@aonly.example.com")},
      {"does not exist", {}, {"from.nxdomain"}, World::zones, from("x@nope.example.com")},
      {"null MX", {}, {"from.null_mx"}, World::zones, from("x@nullmx.example.com")},
      {"neither MX nor address", {}, {"from.no_mail"}, World::zones, from("x@txtonly.example.com")},
      {"MX but no address", {}, {"from.no_address"}, World::zones, from("x@mail.example.net")},
      {"resolver fails: cannot tell, never nxdomain", {}, {"from.temperror"}, World::failing, from("x@nope.example.com")},
      {"offline: not checked", {}, {"from.not_checked"}, World::offline, from("news@news.example.com")},
      {"outside the zone files: not checked", {}, {"from.not_checked"}, World::zones, from("someone@gmail.com")},
  });
}
