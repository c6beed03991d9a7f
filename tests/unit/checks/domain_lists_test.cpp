// Check "domain_lists": the HELO, MAIL FROM and From domains on the domain blocklists, each at the stage
// where a receiver sees that name.
#include <catch2/catch.hpp>

#include "check_rows.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using test::context;
using test::World;

namespace {
const std::string kListedFrom =
    "From: Shop <deals@shop.example.org>\nTo: r@example.net\nSubject: s\n"
    "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n\nbody\n";
// A clean From, signed by `signatures` (DKIM-Signature field values; never verified by this check).
std::string signed_by(const std::vector<std::string>& signatures) {
  std::string m;
  for (const auto& s : signatures) m += "DKIM-Signature: " + s + "\n";
  return m + "From: News <n@news.example.com>\nTo: r@example.net\nSubject: s\n"
             "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n\nbody\n";
}
const std::string kSig = "v=1; a=rsa-sha256; c=relaxed/relaxed; s=sel; h=from:to:subject; bh=AAAA; b=BBBB; d=";
}

TEST_CASE("domain_lists check: each role on each list, and what cannot be told", "[unit]") {
  test::check_rows("domain_lists", {
      {"clean HELO, sender and From", context("192.0.2.10", "mail.news.example.com", "b@news.example.com"), {"lists.clear"}},
      {"sender on DBL (host) and URIBL (registered domain)", context("192.0.2.10", {}, "b@shop.example.org"),
       {"sender.listed", "sender.listed"}},
      {"HELO on DBL and URIBL", context("192.0.2.10", "shop.example.org"), {"helo.listed", "helo.listed"}},
      {"an IP HELO is never sent to a domain list", context("192.0.2.10", "[192.0.2.10]"), {"lists.clear"}},
      {"From on DBL and URIBL", context({}), {"from.listed", "from.listed"}, World::zones, kListedFrom},
      {"offline: not checked", context("192.0.2.10", "shop.example.org"), {"lists.not_checked"}, World::offline},
      {"DKIM d= on DBL and URIBL (the signature is not verified)", context({}), {"dkim.listed", "dkim.listed"},
       World::zones, signed_by({kSig + "shop.example.org"})},
      {"DKIM d= clean, with the From", context({}), {"lists.clear"}, World::zones, signed_by({kSig + "news.example.com"})},
      {"every signature's d=: the second one listed", context({}), {"dkim.listed", "dkim.listed"}, World::zones,
       signed_by({kSig + "news.example.com", "v=1; d = Shop.Example.Org. ; s=s2; bh=A; b=B"})},
      {"the same d= twice is asked once", context({}), {"dkim.listed", "dkim.listed"}, World::zones,
       signed_by({kSig + "shop.example.org", kSig + "shop.example.org"})},
      {"a d= that is not a host name is not asked", context({}), {"lists.clear"}, World::zones,
       signed_by({kSig + "not a host!", kSig + "localhost"})},
      {"DomainKey-Signature d= too (SpamAssassin reads both)", context({}), {"dkim.listed", "dkim.listed"},
       World::zones, "DomainKey-Signature: a=rsa-sha1; q=dns; c=simple; s=s; d=shop.example.org; b=B\n" + signed_by({})},
      {"offline: the signing domain not checked", context({}), {"lists.not_checked"}, World::offline, signed_by({kSig + "shop.example.org"})},
  });
  Report failing = test::audit_row({"failing", context("192.0.2.10", "shop.example.org"), {}, World::failing});
  auto ids = test::ids_of(failing, "domain_lists");
  INFO("failing resolver: got " << test::join(ids) << ", want only lists.temperror");
  REQUIRE(!ids.empty());
  for (const auto& id : ids) CHECK(id == "lists.temperror");
}

TEST_CASE("domain_lists check: the HELO listing at HELO, the From listing at end of DATA", "[unit]") {
  Report r = test::audit_row({"both", context("192.0.2.10", "shop.example.org"), {}, World::zones, kListedFrom});
  int seen = 0;
  for (const auto& f : r.findings) {
    if (f.id == "helo.listed") { CHECK(f.stage == Stage::helo); ++seen; }
    if (f.id == "from.listed") { CHECK(f.stage == Stage::end_of_data); ++seen; }
  }
  CHECK(seen == 4);
}
