#include <catch2/catch.hpp>

#include "message/envelope_address.hpp"

using namespace mailaudit;

TEST_CASE("parse_envelope_address", "[unit]") {
  struct Row {
    const char* label;
    const char* input;
    bool valid;
    const char* domain;
  };
  const Row rows[] = {
      {"plain", "bounces@news.example.com", true, "news.example.com"},
      {"angle brackets", "<bounces@news.example.com>", true, "news.example.com"},
      {"upper-case domain", "b@News.Example.COM", true, "news.example.com"},
      {"plus and dots", "a.b+tag@example.com", true, "example.com"},
      {"quoted local part", "\"a b\"@example.com", true, "example.com"},
      {"address literal", "postmaster@[192.0.2.1]", true, "[192.0.2.1]"},
      {"no at", "bounces", false, ""},
      {"empty local part", "@example.com", false, "example.com"},
      {"double dot", "a..b@example.com", false, "example.com"},
      {"space unquoted", "a b@example.com", false, "example.com"},
      {"not fully qualified", "root@localhost", false, "localhost"},
      {"bad domain", "a@exa_mple.com", false, "exa_mple.com"},
      {"local part over 64 (VERP): valid, flagged long", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com", true, "example.com"},
  };
  for (const auto& row : rows) {
    auto a = parse_envelope_address(row.input);
    INFO(row.label << ": \"" << row.input << "\" problem \"" << a.problem << "\", domain \"" << a.domain << "\"");
    CHECK(a.problem.empty() == row.valid);
    CHECK(a.domain == row.domain);
  }
}
