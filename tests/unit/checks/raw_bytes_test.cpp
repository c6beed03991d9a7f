// Check "raw_bytes": the bytes on the wire: bare LF/CR, NUL, 8-bit data, lines over 998 octets (RFC 5322 §2.1.1).
#include <catch2/catch.hpp>

#include "message_rows.hpp"

using namespace mailaudit;
using namespace mailaudit::test;

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
