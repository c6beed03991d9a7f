// The Message model built by parse_message: header fields, MIME tree, decoding, problems, limits.
#include <catch2/catch.hpp>

#include "message/message.hpp"
#include "test_support.hpp"

using namespace mailaudit;

TEST_CASE("header fields keep order, duplicates, raw and decoded values", "[unit]") {
  Message m = parse_message(test::crlf("Received: from a\nReceived: from b\n"
                                       "Subject: =?UTF-8?B?5pel5pys6Kqe?= and =?ISO-8859-1?Q?caf=E9?=\n"
                                       "X-Folded: one\n two\n\nbody\n"),
                            "t", 0);
  REQUIRE(m.headers.size() == 4);
  CHECK(m.headers[0].name == "Received");
  CHECK(m.headers[0].value == "from a");
  CHECK(m.headers[1].value == "from b");
  CHECK(m.fields("received").size() == 2);
  CHECK(m.headers[2].value == "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e and caf\xc3\xa9");
  CHECK(m.headers[2].raw_value.rfind("=?UTF-8?B?", 0) == 0);
  CHECK(m.headers[3].offset > 0);
}

TEST_CASE("MIME tree: paths, types, decoding and charsets", "[unit]") {
  const std::string raw = test::crlf(
      "From: a@example.com\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=outer\n\n"
      "--outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
      "--inner\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
      "caf=E9 http://exa=\nmple.com/\n"
      "--inner\nContent-Type: TEXT/HTML; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
      "PGEgaHJlZj0iaHR0cHM6Ly9leGFtcGxlLm9yZy8iPng8L2E+\n"
      "--inner--\n"
      "--outer\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf\n"
      "Content-Transfer-Encoding: base64\n\nJVBERi0=\n"
      "--outer--\n");
  Message m = parse_message(raw, "t", 0);
  REQUIRE(m.parts.size() == 5);
  struct Want {
    const char* path;
    const char* type;
    PartKind kind;
  };
  const Want want[] = {{"", "multipart/mixed", PartKind::multipart},
                       {"1", "multipart/alternative", PartKind::multipart},
                       {"1.1", "text/plain", PartKind::leaf},
                       {"1.2", "text/html", PartKind::leaf},
                       {"2", "application/pdf", PartKind::leaf}};
  for (std::size_t i = 0; i < 5; ++i) {
    INFO("part " << i << ": got " << m.parts[i].path << " " << m.parts[i].media_type << ", want " << want[i].path
                 << " " << want[i].type);
    CHECK(m.parts[i].path == want[i].path);
    CHECK(m.parts[i].media_type == want[i].type);
    CHECK(m.parts[i].kind == want[i].kind);
  }
  // The CRLF before a boundary belongs to the delimiter (RFC 2046 §5.1.1).
  CHECK(m.parts[2].body == "caf\xc3\xa9 http://example.com/");
  CHECK(m.parts[2].transfer_encoding == "quoted-printable");
  CHECK(m.parts[3].body == "<a href=\"https://example.org/\">x</a>");
  CHECK(m.parts[4].body == "%PDF-");
  CHECK(m.parts[4].filename == "\xe2\x82\xac rates.pdf");
  CHECK(m.problems.empty());

  // Without binary decoding (check, urls): the PDF keeps no bytes but its sizes; the text parts are as above.
  ParseLimits text_only;
  text_only.decode_binary = false;
  Message t = parse_message(raw, "t", 0, text_only);
  REQUIRE(t.parts.size() == 5);
  CHECK(t.parts[2].body == m.parts[2].body);
  CHECK(t.parts[3].body == m.parts[3].body);
  INFO("PDF without binary decoding: got body \"" << t.parts[4].body << "\", raw_size " << t.parts[4].raw_size
                                                   << ", want \"\" and " << m.parts[4].raw_size);
  CHECK(t.parts[4].body.empty());
  CHECK(t.parts[4].raw_size == m.parts[4].raw_size);
  CHECK(t.parts[4].filename == m.parts[4].filename);
}

TEST_CASE("a base64-encoded message/rfc822 part is parsed as a message", "[unit]") {
  // "Subject: inner\r\n\r\nhello inner\r\n" in base64
  const std::string raw = test::crlf(
      "From: a@example.com\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
      "U3ViamVjdDogaW5uZXINCg0KaGVsbG8gaW5uZXINCg==\n--b--\n");
  Message m = parse_message(raw, "t", 0);
  REQUIRE(m.parts.size() == 3);
  CHECK(m.parts[1].kind == PartKind::message);
  REQUIRE(!m.parts[1].headers.empty());
  CHECK(m.parts[1].headers[0].value == "inner");
  CHECK(m.parts[2].path == "1.1");
  CHECK(m.parts[2].body == "hello inner\r\n");
}

TEST_CASE("a multipart whose boundary never opens: its preamble read as the part it is", "[unit]") {
  struct Row {
    const char* label;
    const char* body;       // after "Content-Type: multipart/...; boundary=b" and the blank line
    const char* want_parts;  // "path type" of every part, "-" for the top
    const char* want_text;   // in the last part's body ("" when no part is added)
    const char* not_read;    // in no part's body
  };
  const Row rows[] = {
      {"fields then HTML (SpamAssassin's badmime3)",
       "Content-Disposition: inline\nContent-Type: text/html\n\n<a href=\"http://x.example.com/\">x</a>\n",
       "- multipart/alternative | 1 text/html", "http://x.example.com/", ""},
      {"no fields: a text/plain body (the RFC 2046 default)", "Visit http://y.example.com/ today\n",
       "- multipart/alternative | 1 text/plain", "http://y.example.com/", ""},
      {"its transfer encoding decoded", "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8gcHJlYW1ibGU=\n",
       "- multipart/alternative | 1 text/plain", "hello preamble", ""},
      {"a preamble that is a multipart without its boundary, in turn",
       "Content-Type: multipart/mixed; boundary=c\n\nContent-Type: text/plain\n\ndeep http://z.example.com/\n",
       "- multipart/alternative | 1 multipart/mixed | 1.1 text/plain", "deep http://z.example.com/", ""},
      {"only white space: nothing added", "\n  \n\t\n", "- multipart/alternative", "", ""},
      {"a normal multipart: its preamble stays unread",
       "This is a multi-part message in MIME format. http://pre.example.com/\n--b\nContent-Type: text/plain\n\nbody\n--b--\n",
       "- multipart/alternative | 1 text/plain", "body", "pre.example.com"},
      {"a normal multipart with an epilogue: unread too",
       "--b\nContent-Type: text/plain\n\nbody\n--b--\nepilogue http://post.example.com/\n",
       "- multipart/alternative | 1 text/plain", "body", "post.example.com"},
  };
  for (const auto& r : rows) {
    Message m = parse_message(test::crlf(std::string("From: a@example.com\nMIME-Version: 1.0\n"
                                                     "Content-Type: multipart/alternative; boundary=b\n\n") + r.body),
                              "t", 0);
    std::string got;
    for (const auto& p : m.parts) got += (got.empty() ? "" : " | ") + (p.path.empty() ? "-" : p.path) + " " + p.media_type;
    INFO(r.label << ": got parts " << got << ", want " << r.want_parts);
    CHECK(got == r.want_parts);
    if (*r.want_text) {
      REQUIRE(!m.parts.empty());
      INFO(r.label << ": got last body \"" << m.parts.back().body << "\", want it to hold \"" << r.want_text << "\"");
      CHECK(m.parts.back().body.find(r.want_text) != std::string::npos);
      CHECK(m.parts.back().is_text());
    }
    if (*r.not_read)
      for (const auto& p : m.parts) {
        INFO(r.label << ": part \"" << p.path << "\" got body \"" << p.body << "\", want no \"" << r.not_read << "\"");
        CHECK(p.body.find(r.not_read) == std::string::npos);
      }
  }
}

TEST_CASE("limits bound the walk and are reported", "[unit]") {
  std::string raw = "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (int i = 0; i < 30; ++i) raw += "--b\r\nContent-Type: text/plain\r\n\r\npart\r\n";
  raw += "--b--\r\n";
  ParseLimits limits;
  limits.max_parts = 10;
  Message m = parse_message(raw, "t", 0, limits);
  CHECK(m.parts.size() == 10);
  bool reported = std::any_of(m.problems.begin(), m.problems.end(), [](const auto& p) { return p.code == "part_limit"; });
  CHECK(reported);

  std::string deep = "From: a@example.com\r\n";
  for (int i = 0; i < 60; ++i) deep += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
  deep += "Content-Type: text/plain\r\n\r\nleaf\r\n";
  limits = {};
  limits.max_depth = 20;
  Message d = parse_message(deep, "t", 0, limits);
  bool depth_reported = std::any_of(d.problems.begin(), d.problems.end(), [](const auto& p) { return p.code == "depth_limit"; });
  CHECK(depth_reported);
}

TEST_CASE("not_a_message_reason tells inputs that are no message", "[unit]") {
  struct Row {
    const char* label;
    std::string input;
    bool is_message;
  };
  const Row rows[] = {
      {"header first", "From: a@example.com\r\n\r\nx", true},
      {"mbox separator first", "From a@example.com Fri Nov 27 09:00:00 2026\nFrom: a@example.com\n", true},
      {"empty", "", false},
      {"binary", std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10), false},
      {"prose", "Dear customer, your order\nhas shipped.\n", false},
      {"space before colon is a header", "Subject : hi\n\nbody", true},
  };
  for (const auto& row : rows) {
    std::string why = not_a_message_reason(row.input);
    INFO(row.label << ": got \"" << why << "\"");
    CHECK(why.empty() == row.is_message);
  }
}

TEST_CASE("base64 bodies: what a strict filter would refuse is a problem, and 8-bit raw bytes are seen", "[unit]") {
  struct Row {
    const char* label;
    const char* body;      // the raw base64 body
    const char* want;      // "" = no broken_base64 problem, else a part of its text
  };
  const Row rows[] = {
      {"clean, with line breaks", "aGVsbG8g\r\nd29ybGQ=\r\n", ""},
      {"data after padding: two padded groups glued", "aGk=\r\naGk=\r\n", "data after '=' padding"},
      {"junk bytes", "aGVs*bG8h\r\n", "1 bytes outside the base64 alphabet"},
      {"a lone extra byte", "aGVsbG8gd\r\n", "not a whole number of base64 groups"},
      {"three pad bytes", "aGk===\r\n", "not a whole number of base64 groups"},
      {"spaces and tabs are allowed", "aGVs bG8g\td29y bGQ=\r\n", ""},
  };
  for (const auto& row : rows) {
    std::string raw = "From: a@example.com\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    raw += row.body;
    Message m = parse_message(raw, "t", 0);
    std::string got;
    for (const auto& p : m.problems)
      if (p.code == "broken_base64") got = p.detail;
    INFO(row.label << ": got \"" << got << "\", want \"" << row.want << "\"");
    if (*row.want == 0) CHECK(got.empty());
    else CHECK(got.find(row.want) != std::string::npos);
  }
  struct Bits {
    const char* label;
    std::string body;
    bool want;
  };
  const Bits bits[] = {
      {"ASCII only", std::string(100, 'a'), false},
      {"a high byte in the 8-byte stride", std::string(40, 'a') + "\xc3\xa9" + std::string(40, 'a'), true},
      {"a high byte in the tail", std::string(17, 'a') + "\xe9", true},
  };
  for (const auto& b : bits) {
    Message m = parse_message("From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + b.body + "\r\n", "t", 0);
    REQUIRE_FALSE(m.parts.empty());
    INFO(b.label << ": got raw_has_8bit " << m.parts.back().raw_has_8bit << ", want " << b.want);
    CHECK(m.parts.back().raw_has_8bit == b.want);
  }
}
