// Table-driven tests of the DNS-free checks: each row is a message, the finding ids it must produce and
// the ids it must not.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace mailaudit;

namespace {

// A well-formed message; rows change one thing.
const std::string kGood =
    "From: News <news@example.com>\n"
    "To: reader@example.net\n"
    "Subject: Hello\n"
    "Date: Fri, 27 Nov 2026 09:00:00 +0000\n"
    "Message-ID: <1@example.com>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Hello.\n";

std::string without(const std::string& msg, const std::string& line) {
  std::string out = msg;
  auto pos = out.find(line);
  REQUIRE(pos != std::string::npos);
  out.erase(pos, line.size() + 1);
  return out;
}

std::string replace(const std::string& msg, const std::string& from, const std::string& to) {
  std::string out = msg;
  auto pos = out.find(from);
  REQUIRE(pos != std::string::npos);
  out.replace(pos, from.size(), to);
  return out;
}

struct Row {
  std::string label;
  std::string message;  // LF line ends; converted to CRLF unless raw
  std::vector<std::string> want;
  std::vector<std::string> absent;
  bool raw = false;
};

void run_rows(const std::vector<Row>& rows) {
  for (const auto& row : rows) {
    Report r = test::audit_text(row.raw ? row.message : test::crlf(row.message));
    auto got = test::finding_ids(r);
    for (const auto& id : row.want) {
      INFO(row.label << ": got " << test::join(got) << ", want " << id);
      CHECK(test::has_finding(r, id));
    }
    for (const auto& id : row.absent) {
      INFO(row.label << ": got " << test::join(got) << ", want no " << id);
      CHECK_FALSE(test::has_finding(r, id));
    }
    for (const auto& f : r.findings) {
      INFO(row.label << ": " << f.id << " left a placeholder: " << f.title << " / " << f.detail);
      CHECK(f.title.find('{') == std::string::npos);
      CHECK(f.detail.find('{') == std::string::npos);
    }
  }
}

}  // namespace

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

TEST_CASE("from check", "[unit]") {
  run_rows({
      {"one valid From", kGood, {}, {"from.missing", "from.multiple", "from.invalid"}},
      {"no From", without(kGood, "From: News <news@example.com>"), {"from.missing"}, {"from.invalid"}},
      {"two From fields", replace(kGood, "To:", "From: other@example.org\nTo:"), {"from.multiple", "headers.duplicate"},
       {"from.invalid"}},
      {"two mailboxes in one From", replace(kGood, "News <news@example.com>", "a@example.com, b@example.com"),
       {"from.multiple"}, {}},
      {"From without a domain", replace(kGood, "News <news@example.com>", "News <news>"), {"from.invalid"}, {}},
      {"From with an empty group", replace(kGood, "News <news@example.com>", "undisclosed-recipients:;"),
       {"from.invalid"}, {}},
      {"From domain not fully qualified", replace(kGood, "news@example.com", "news@mailhost"), {"from.invalid"}, {}},
  });
}

TEST_CASE("raw_bytes check", "[unit]") {
  std::string long_line(1200, 'a');
  std::string crlf_good = test::crlf(kGood);
  run_rows({
      {"CRLF throughout", crlf_good, {}, {"headers.bare_lf", "headers.nul", "headers.8bit", "headers.line_too_long"}, true},
      {"LF throughout (a Unix file)", kGood, {}, {"headers.bare_lf"}, true},
      {"one bare LF in a CRLF message", crlf_good + "more\nlines\r\n", {"headers.bare_lf"}, {}, true},
      {"one bare CR in a CRLF message", crlf_good + "more\rlines\r\n", {"headers.bare_lf"}, {}, true},
      {"NUL in the body", crlf_good + std::string("a\0b\r\n", 5), {"headers.nul"}, {}, true},
      {"line over 998 octets in the body", kGood + long_line + "\n", {"headers.line_too_long"}, {}},
      {"line of exactly 998 octets", kGood + std::string(998, 'a') + "\n", {}, {"headers.line_too_long"}},
      {"raw UTF-8 in Subject", replace(kGood, "Subject: Hello", "Subject: H\xc3\xa9llo"), {"headers.8bit"}, {}},
      {"8-bit body declared 7bit", kGood + "caf\xc3\xa9\n", {"headers.8bit"}, {}},
      {"8-bit body declared 8bit",
       replace(kGood, "charset=utf-8\n", "charset=utf-8\nContent-Transfer-Encoding: 8bit\n") + "caf\xc3\xa9\n", {},
       {"headers.8bit"}},
  });
}

TEST_CASE("mime check", "[unit]") {
  const std::string multipart =
      "From: a@example.com\nDate: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n"
      "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n"
      "--b1\nContent-Type: text/plain\n\nplain\n"
      "--b1\nContent-Type: text/html\n\n<p>html</p>\n";
  run_rows({
      {"closed multipart", multipart + "--b1--\n", {"mime.ok"}, {"mime.malformed"}},
      {"missing final boundary", multipart, {"mime.malformed"}, {"mime.ok"}},
      // A message of header fields only (no blank line, no body, no MIME fields) is well formed (RFC 5322 §3.5).
      {"headers only, no body", "From: a@example.com\nDate: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n",
       {"mime.ok"}, {"mime.malformed"}},
      {"headers and an empty body", "From: a@example.com\nMessage-ID: <1@example.com>\n\n", {"mime.ok"}, {"mime.malformed"}},
      {"broken base64",
       replace(kGood, "charset=utf-8\n", "charset=utf-8\nContent-Transfer-Encoding: base64\n") + "SGVsbG8*!@\n",
       {"mime.malformed"}, {}},
      {"unknown transfer encoding",
       replace(kGood, "charset=utf-8\n", "charset=utf-8\nContent-Transfer-Encoding: x-rot13\n"), {"mime.malformed"}, {}},
      {"multipart without boundary",
       replace(kGood, "text/plain; charset=utf-8", "multipart/mixed"), {"mime.malformed"}, {}},
  });
}

TEST_CASE("ip check notes special-purpose addresses and nothing else", "[unit]") {
  struct Row {
    const char* ip;
    bool noted;
  };
  const Row rows[] = {{"192.0.2.10", true}, {"10.1.2.3", true}, {"127.0.0.1", true}, {"2001:db8::1", true},
                      {"fe80::1", true},    {"8.8.8.8", false}, {"2a00:1450::1", false}};
  for (const auto& row : rows) {
    Envelope env;
    env.ip = row.ip;
    Report r = test::audit_text(test::crlf(kGood), env);
    INFO(row.ip << ": got " << test::join(test::finding_ids(r)));
    CHECK(test::has_finding(r, "ip.reserved") == row.noted);
  }
}
