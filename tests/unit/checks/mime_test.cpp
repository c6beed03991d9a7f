// Check "mime": the MIME structure parses: boundaries closed, transfer encodings known and decodable.
#include <catch2/catch.hpp>

#include "message_rows.hpp"

using namespace mailaudit;
using namespace mailaudit::test;

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
