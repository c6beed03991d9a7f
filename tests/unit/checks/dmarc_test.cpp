// Check "dmarc": the From domain's DMARC policy (RFC 7489) against aligned SPF and DKIM results.
#include <catch2/catch.hpp>

#include "check_rows.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using test::context;
using test::World;

namespace {

const std::string kDmarcZone =
    "$ORIGIN dmarc.example.org.\n$TTL 300\n@ IN SOA ns.test. h.test. 1 60 60 60 60\n@ IN NS ns.test.\n"
    "pass IN TXT \"v=spf1 ip4:192.0.2.10 -all\"\n"
    "_dmarc.pass IN TXT \"v=DMARC1; p=reject\"\n"
    "fail IN TXT \"v=spf1 ip4:198.51.100.1 -all\"\n"
    "_dmarc.fail IN TXT \"v=DMARC1; p=reject\"\n"
    "monitor IN TXT \"v=spf1 ip4:192.0.2.10 -all\"\n"
    "_dmarc.monitor IN TXT \"v=DMARC1; p=none\"\n"
    "unset IN TXT \"v=spf1 ip4:192.0.2.10 -all\"\n"
    "broken IN TXT \"v=spf1 ip4:192.0.2.10 -all\"\n"
    "_dmarc.broken IN TXT \"v=DMARC1; p=bogus\"\n";

test::CheckRow row(const char* label, const std::string& domain, std::vector<std::string> want,
                   World world = World::zones) {
  return {label, context("192.0.2.10", {}, "b@" + domain), std::move(want), world, test::message_from("x@" + domain)};
}

}  // namespace

TEST_CASE("dmarc check: policy, alignment, and what cannot be told", "[unit]") {
  test::check_rows("dmarc", {
      row("aligned SPF pass under p=reject", "pass.dmarc.example.org", {"dmarc.pass"}),
      row("SPF fails, no DKIM, p=reject", "fail.dmarc.example.org", {"dmarc.fail"}),
      row("p=none: passes, and the policy asks nothing", "monitor.dmarc.example.org", {"dmarc.policy_none", "dmarc.pass"}),
      row("no DMARC record", "unset.dmarc.example.org", {"dmarc.none"}),
      row("a record with an unknown policy", "broken.dmarc.example.org", {"dmarc.invalid"}),
      row("resolver fails: temperror, never none", "unset.dmarc.example.org", {"dmarc.temperror"}, World::failing),
      row("offline: not checked", "pass.dmarc.example.org", {"dmarc.not_checked"}, World::offline),
  }, {kDmarcZone});
}
