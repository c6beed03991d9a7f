// Check "uri": every linked host and its registered domain on the domain blocklists, each list's answer
// code at its own severity, and the link forms receivers distrust (shorteners, IP literals, hidden hosts,
// a shown URL that is not the target, hosts that do not exist).
#include <catch2/catch.hpp>

#include "check_rows.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using test::World;

namespace {

std::string text_message(const std::string& body) {
  return "From: News <news@news.example.com>\nTo: r@example.net\nSubject: s\n"
         "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n\n" + body + "\n";
}

std::string html_message(const std::string& body) {
  return "From: News <news@news.example.com>\nTo: r@example.net\nSubject: s\n"
         "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\nMIME-Version: 1.0\n"
         "Content-Type: text/html; charset=utf-8\n\n" + body + "\n";
}

}  // namespace

TEST_CASE("uri check: listings, distrusted link forms, and what cannot be told", "[unit]") {
  test::check_rows("uri", {
      {"a link to a clean host", {}, {"uri.clear"}, World::zones, text_message("See https://www.example.net/")},
      // www.X first, then X: X (listed as a registered domain) used to go unasked.
      {"www.X then X, X listed on the DBL", {}, {"uri.listed"}, World::zones,
       text_message("See http://www.deals-fixture.com/offer and http://deals-fixture.com/")},
      {"only www.X, X listed on the DBL", {}, {"uri.listed"}, World::zones, text_message("http://www.deals-fixture.com/a")},
      {"a shortener", {}, {"uri.shortener", "uri.clear"}, World::zones, html_message("<a href=\"http://bit.ly/abc\">x</a>")},
      {"an IP literal", {}, {"uri.ip_literal", "uri.clear"}, World::zones, html_message("<a href=\"http://192.0.2.80/x\">x</a>")},
      {"the shown URL is not the target", {}, {"uri.display_mismatch", "uri.clear"}, World::zones,
       html_message("<a href=\"http://www.example.net/\">http://www.example.com/</a>")},
      {"a host that does not exist", {}, {"uri.nxdomain", "uri.clear"}, World::zones, text_message("http://nope.example.com/")},
      {"resolver fails: temperror, never clear or listed", {}, {"uri.temperror", "uri.temperror", "uri.temperror"},
       World::failing, text_message("http://www.deals-fixture.com/a")},
      {"offline: not checked", {}, {"uri.not_checked"}, World::offline, text_message("http://www.deals-fixture.com/a")},
      {"no links: nothing to say", {}, {}, World::zones, text_message("no links here")},
  }, {}, {"uri.shortener", "uri.ip_literal", "uri.display_mismatch", "uri.obfuscated"});
}

TEST_CASE("uri check: each list's answer code at its own severity", "[unit]") {
  struct Row {
    const char* label;
    std::string body;
    const char* want_item;
    Severity want;
  };
  const Row rows[] = {
      {"DBL spam domain: error", "http://www.deals-fixture.com/a", "deals-fixture.com", Severity::error},
      {"DBL abused legitimate domain (127.0.1.102): warning", "http://abused-fixture.com/a", "abused-fixture.com", Severity::warning},
      {"URIBL grey only: warning", "http://grey-fixture.com/a", "grey-fixture.com", Severity::warning},
      {"URIBL black and grey: error", "http://shop.example.org/a", "example.org", Severity::error},
  };
  for (const auto& row : rows) {
    Report r = test::audit_row({row.label, {}, {}, World::zones, text_message(row.body)});
    const Finding* listed = nullptr;
    for (const auto& f : r.findings)
      if (f.id == "uri.listed" && f.title.find(row.want_item) != std::string::npos && !listed) listed = &f;
    INFO(row.label << ": findings " << test::join(test::ids_of(r, "uri")));
    REQUIRE(listed);
    INFO("got " << to_string(listed->severity) << ", want " << to_string(row.want) << " (" << listed->title << ")");
    CHECK(listed->severity == row.want);
  }
}
