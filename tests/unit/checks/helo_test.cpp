// Check "helo": the HELO name's form, its address against the client IP, and its domain against the PTR.
#include <catch2/catch.hpp>

#include "check_rows.hpp"

using namespace mailaudit;
using test::context;
using test::World;

TEST_CASE("helo check: form, address, PTR domain, and what cannot be told", "[unit]") {
  const std::vector<std::string> syntax_only{"helo.missing", "helo.invalid", "helo.not_fqdn", "helo.bare_ip",
                                             "helo.literal_mismatch"};
  test::check_rows("helo", {
      {"matches the IP and the PTR", context("192.0.2.10", "mail.news.example.com"), {"helo.ok"}},
      {"literal of the client", context("192.0.2.10", "[192.0.2.10]"), {"helo.ok"}},
      {"literal of another address", context("192.0.2.10", "[192.0.2.99]"), {"helo.literal_mismatch"}},
      {"malformed literal", context("192.0.2.10", "[300.1.1.1]"), {"helo.invalid"}},
      {"empty", context("192.0.2.10", ""), {"helo.missing"}},
      {"underscore", context("192.0.2.10", "bad_name.example.com"), {"helo.invalid"}},
      {"single label", context("192.0.2.10", "mailhost"), {"helo.not_fqdn"}},
      {"bare IP", context("192.0.2.10", "192.0.2.10"), {"helo.bare_ip"}},
      {"does not exist", context("192.0.2.10", "nope.example.com"), {"helo.no_address"}},
      {"exists without address or MX", context("192.0.2.10", "txtonly.example.com"), {"helo.no_address"}},
      {"resolves elsewhere, PTR in the same domain", context("192.0.2.10", "mx.example.com"), {"helo.ip_mismatch"}},
      {"resolves elsewhere, other domain than the PTR", context("192.0.2.10", "shop.example.org"),
       {"helo.ip_mismatch", "helo.rdns_mismatch"}},
      {"confirmed, but another domain than the PTR", context("192.0.2.25", "news.example.com"), {"helo.ip_mismatch"}},
      {"resolver fails: cannot tell", context("192.0.2.10", "mail.news.example.com"), {"helo.temperror"}, World::failing},
      {"resolver fails, but the form alone is wrong", context("192.0.2.10", "mailhost"), {"helo.not_fqdn"}, World::failing},
      {"offline: not checked", context("192.0.2.10", "mail.news.example.com"), {"helo.not_checked"}, World::offline},
  }, {}, syntax_only);
}
