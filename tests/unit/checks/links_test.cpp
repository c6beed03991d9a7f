// Check "links": tracking redirects read from the URL itself; following links (--follow-links) is tested
// against a real HTTP server in tests/integration/links_test.cpp. Without it nothing is requested.
#include <catch2/catch.hpp>

#include "check_rows.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using test::World;

TEST_CASE("links check without following: unwrapped redirects, one finding per link", "[unit]") {
  auto html = [](const std::string& body) {
    return "From: a@news.example.com\nMIME-Version: 1.0\nContent-Type: text/html\n\n" + body + "\n";
  };
  const std::string tracked = "http://click.example.com/r1?url=https%3A%2F%2Fshop.example.org%2F";
  const std::string two_parts =
      "From: a@news.example.com\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n\n--b\n"
      "Content-Type: text/plain\n\n" + tracked + "\n--b\nContent-Type: text/html\n\n<a href='" + tracked + "'>x</a>\n--b--\n";
  test::check_rows("links", {
      {"a tracking redirect with its target in the query", {}, {"links.redirect"}, World::offline,
       html("<a href='" + tracked + "'>x</a>")},
      {"the same redirect in the text and the HTML part: one finding", {}, {"links.redirect"}, World::offline, two_parts},
      {"a plain link: nothing to say without following", {}, {}, World::offline, html("<a href='https://www.example.net/'>x</a>")},
  });
}
