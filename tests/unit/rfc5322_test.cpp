#include <catch2/catch.hpp>

#include "message/rfc5322.hpp"

using namespace mailaudit;

TEST_CASE("parse_date accepts RFC 5322 dates and says why others fail", "[unit]") {
  struct Row {
    const char* label;
    const char* value;
    bool valid;
    long epoch;  // when valid
  };
  const Row rows[] = {
      {"full form", "Fri, 27 Nov 2026 09:00:00 +0000", true, 1795770000},
      {"no day name", "27 Nov 2026 09:00:00 +0000", true, 1795770000},
      {"negative zone", "Fri, 27 Nov 2026 04:00:00 -0500", true, 1795770000},
      {"no seconds", "Fri, 27 Nov 2026 09:00 +0000", true, 1795770000},
      {"comment after zone", "Fri, 27 Nov 2026 09:00:00 +0000 (UTC)", true, 1795770000},
      {"obsolete GMT", "Fri, 27 Nov 2026 09:00:00 GMT", true, 1795770000},
      {"obsolete EST", "Fri, 27 Nov 2026 04:00:00 EST", true, 1795770000},
      {"two-digit year", "27 Nov 26 09:00:00 +0000", true, 1795770000},
      {"one-digit day", "Sun, 1 Nov 2026 09:00:00 +0000", true, 1793523600},
      {"leap day", "29 Feb 2028 00:00:00 +0000", true, 1835395200},
      {"ISO 8601", "2026-11-27T09:00:00Z", false, 0},
      {"no zone", "Fri, 27 Nov 2026 09:00:00", false, 0},
      {"bad month", "27 Nov. 2026 09:00:00 +0000", false, 0},
      {"hour 24", "27 Nov 2026 24:00:00 +0000", false, 0},
      {"31 November", "31 Nov 2026 09:00:00 +0000", false, 0},
      {"29 Feb non-leap", "29 Feb 2026 09:00:00 +0000", false, 0},
      {"zone minutes 60", "27 Nov 2026 09:00:00 +0060", false, 0},
      {"garbage", "yesterday", false, 0},
      {"empty", "", false, 0},
      {"text after zone", "27 Nov 2026 09:00:00 +0000 extra", false, 0},
  };
  for (const auto& row : rows) {
    auto r = rfc5322::parse_date(row.value);
    INFO(row.label << ": \"" << row.value << "\" problem: " << r.problem);
    CHECK(r.when.has_value() == row.valid);
    if (row.valid && r.when) CHECK(static_cast<long>(*r.when) == row.epoch);
    if (!row.valid) CHECK(!r.problem.empty());
  }
}

TEST_CASE("msg_id_problem accepts msg-ids and names the defect of others", "[unit]") {
  struct Row {
    const char* label;
    const char* value;
    bool valid;
  };
  const Row rows[] = {
      {"plain", "<abc.123@mail.example.com>", true},
      {"with comment", "<abc@example.com> (generated)", true},
      {"literal right", "<abc@[192.0.2.1]>", true},
      {"quoted left", "<\"a b\"@example.com>", false},  // white space inside is rejected before the quote test
      {"no brackets", "abc@example.com", false},
      {"no at", "<abc.example.com>", false},
      {"empty left", "<@example.com>", false},
      {"empty right", "<abc@>", false},
      {"space", "<abc @example.com>", false},
      {"two ids", "<a@example.com> <b@example.com>", false},
      {"double dot", "<a..b@example.com>", false},
      {"empty", "", false},
  };
  for (const auto& row : rows) {
    std::string why = rfc5322::msg_id_problem(row.value);
    INFO(row.label << ": \"" << row.value << "\" got problem \"" << why << "\"");
    CHECK(why.empty() == row.valid);
  }
}

TEST_CASE("parse_addresses and mailbox_problem", "[unit]") {
  struct Row {
    const char* label;
    const char* value;
    std::size_t mailboxes;
    bool first_valid;
    const char* domain;
  };
  const Row rows[] = {
      {"name and address", "\"Example News\" <news@news.example.com>", 1, true, "news.example.com"},
      {"bare address", "news@example.com", 1, true, "example.com"},
      {"encoded name", "=?UTF-8?B?w4lxdWlwZQ==?= <team@example.org>", 1, true, "example.org"},
      {"two mailboxes", "a@example.com, b@example.com", 2, true, "example.com"},
      {"no domain", "news", 1, false, ""},
      {"single-label domain", "news@localhost", 1, false, "localhost"},
      {"bad domain", "news@exa_mple.com", 1, false, "exa_mple.com"},
      {"empty group", "undisclosed-recipients:;", 0, false, ""},
      {"address literal", "postmaster@[192.0.2.1]", 1, true, "[192.0.2.1]"},
  };
  for (const auto& row : rows) {
    auto list = rfc5322::parse_addresses(row.value);
    INFO(row.label << ": \"" << row.value << "\" got " << list.mailboxes.size() << " mailboxes");
    REQUIRE(list.mailboxes.size() == row.mailboxes);
    if (row.mailboxes == 0) continue;
    CHECK(list.mailboxes[0].domain == row.domain);
    CHECK(rfc5322::mailbox_problem(list.mailboxes[0]).empty() == row.first_valid);
  }
}
