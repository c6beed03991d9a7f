// Check "headers": Date, Message-ID, single-instance fields and MIME-Version (RFC 5322 §3.6).
#include <catch2/catch.hpp>

#include "message_rows.hpp"

using namespace mailaudit;
using namespace mailaudit::test;

TEST_CASE("headers check", "[unit]") {
  run_rows({
      {"well-formed", kGood, {"headers.ok"}, {"headers.date_missing", "headers.message_id_missing", "headers.duplicate"}},
      {"no Date", without(kGood, "Date: Fri, 27 Nov 2026 09:00:00 +0000"), {"headers.date_missing"}, {"headers.ok"}},
      {"bad Date", replace(kGood, "Fri, 27 Nov 2026 09:00:00 +0000", "2026-11-27 09:00"), {"headers.date_invalid"}, {}},
      {"future Date", replace(kGood, "27 Nov 2026", "27 Nov 2099"), {"headers.date_future"}, {"headers.date_invalid"}},
      {"no Message-ID", without(kGood, "Message-ID: <1@example.com>"), {"headers.message_id_missing"}, {}},
      {"Message-ID without brackets", replace(kGood, "<1@example.com>", "1@example.com"),
       {"headers.message_id_invalid"}, {}},
      {"two Subjects", replace(kGood, "Subject: Hello\n", "Subject: Hello\nSubject: Again\n"),
       {"headers.duplicate"}, {"headers.ok"}},
      {"two Message-IDs", replace(kGood, "MIME-Version", "Message-ID: <2@example.com>\nMIME-Version"),
       {"headers.duplicate"}, {}},
      {"MIME used without MIME-Version", without(kGood, "MIME-Version: 1.0"), {"headers.mime_version_missing"}, {}},
      {"plain message without MIME headers",
       without(without(kGood, "MIME-Version: 1.0"), "Content-Type: text/plain; charset=utf-8"), {},
       {"headers.mime_version_missing"}},
  });
}
