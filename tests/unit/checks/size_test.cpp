// Check "size": the size on the wire (CRLF, dot-stuffing) against rules/size.toml's limits, each at its
// own severity and stage, and Gmail's HTML clipping.
#include <catch2/catch.hpp>

#include "dns/zone_resolver.hpp"
#include "registry.hpp"
#include "engine/audit.hpp"
#include "rules/embedded.hpp"
#include "test_support.hpp"

using namespace mailaudit;

namespace {

// The built-in rules with small limits, so that the rows stay small: a warning at MAIL FROM over 500
// bytes, an error at end of DATA over 2000, clipping over 1000 bytes of HTML.
const rules::Rules& small_limits() {
  static const rules::Rules r = [] {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& f : rules::embedded_files())
      if (f.name != "size.toml") files.emplace_back(f.name, f.contents);
    files.emplace_back("size.toml",
                       "html_clip_bytes = 1000\n"
                       "[[limit]]\nid = \"small\"\nreceiver = \"Small\"\nbytes = 500\nseverity = \"warning\"\n"
                       "stage = \"mail\"\nreply = \"552 5.3.4 too big\"\nsource = \"test\"\n"
                       "[[limit]]\nid = \"big\"\nreceiver = \"Big\"\nbytes = 2000\nseverity = \"error\"\n"
                       "stage = \"end_of_data\"\nreply = \"552 5.2.3 too big\"\nsource = \"test\"\n");
    return rules::Rules::from_files(files);
  }();
  return r;
}

std::vector<Finding> size_findings(const std::string& raw, const rules::Rules& rules) {
  dns::ZoneResolver offline(std::make_shared<dns::ZoneSet>(), nullptr);
  std::vector<Check> only;
  for (const auto& c : checks::registry())
    if (c.id == "size") only.push_back(c);
  AuditSettings settings{rules, offline, only, {}, {}};
  Report r = audit_message(RawMessage{"size-test", 0, raw, ""}, Envelope{}, settings);
  return r.findings;
}

std::string message(const std::string& body, const std::string& type = "text/plain") {
  return "From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: " + type + "\r\n\r\n" + body;
}

}  // namespace

TEST_CASE("size check: the size on the wire against each published limit", "[unit]") {
  struct Row {
    const char* label;
    std::string raw;
    std::vector<std::string> want;  // "id severity stage"
  };
  const std::string header = message("");
  auto pad_to = [&](std::size_t total, const std::string& line) {
    std::string body;
    while (header.size() + body.size() + line.size() <= total) body += line;
    return message(body);
  };
  const Row rows[] = {
      {"small message", message("Hello.\r\n"), {"size.ok pass end_of_data"}},
      // 480 bytes of CRLF lines: under both limits.
      {"just under the first limit", pad_to(480, "0123456789abcdefghi\r\n"), {"size.ok pass end_of_data"}},
      // Bare LF lines: 492 bytes in the file, 518 on the wire, where every line ends CRLF.
      {"bare LF lines count as CRLF on the wire",
       "From: a@example.com\nSubject: s\n\n" + [] { std::string b; for (int i = 0; i < 23; ++i) b += "0123456789abcdefghi\n"; return b; }(),
       {"size.over_limit warning mail"}},
      // 500 bytes in the file (not over), 655 on the wire.
      {"lines starting with a dot are doubled on the wire",
       "From: a@example.com\r\nSubject: s\r\n\r\n" + [] { std::string b; for (int i = 0; i < 155; ++i) b += ".\r\n"; return b; }(),
       {"size.over_limit warning mail"}},
      {"over both limits: each at its own severity and stage", pad_to(2500, "0123456789abcdefghi\r\n"),
       {"size.over_limit warning mail", "size.over_limit error end_of_data"}},
      {"long HTML is clipped by Gmail: info, and the size is still judged",
       message("<p>" + std::string(1100, 'x') + "</p>\r\n", "text/html"),
       {"size.over_limit warning mail", "size.html_clipped info end_of_data"}},
  };
  for (const auto& row : rows) {
    std::vector<std::string> got;
    for (const auto& f : size_findings(row.raw, small_limits()))
      got.push_back(f.id + " " + std::string(to_string(f.severity)) + " " + std::string(to_string(f.stage)));
    INFO(row.label << " (" << row.raw.size() << " bytes in the file): got " << test::join(got) << ", want "
                   << test::join(row.want));
    CHECK(got == row.want);
  }
}

TEST_CASE("size check: the built-in limits name their receivers and sources", "[unit]") {
  static const rules::Rules builtin = rules::Rules::builtin();
  REQUIRE(!builtin.size().limits.empty());
  for (const auto& l : builtin.size().limits) {
    INFO(l.id << ": receiver, reply and source must be set");
    CHECK(!l.receiver.empty());
    CHECK(l.reply.rfind("552", 0) == 0);
    CHECK(!l.source.empty());
  }
  // Over Postfix's default (10240000 bytes), under every large receiver's: a warning, at MAIL FROM.
  std::string raw = message(std::string(10300000, 'a'));
  auto fs = size_findings(raw, builtin);
  std::vector<std::string> got;
  for (const auto& f : fs) got.push_back(f.id + " " + std::string(to_string(f.severity)) + " " + std::string(to_string(f.stage)));
  INFO("got " << test::join(got));
  CHECK(got == std::vector<std::string>{"size.over_limit warning mail"});
  REQUIRE(!fs.empty());
  CHECK(fs[0].detail.find("552 5.3.4") != std::string::npos);
}

TEST_CASE("size check: bytes on the wire, counted at the edges of the message", "[unit]") {
  // The title names the wire size: file bytes, plus one per bare LF, plus one per line starting with ".".
  struct Row {
    const char* label;
    std::string raw;
    std::size_t want;
  };
  const std::string h = "From: a@example.com\r\nSubject: s\r\n\r\n";  // 35 bytes, CRLF throughout
  const Row rows[] = {
      {"CRLF throughout, last line ended", h + "x\r\n", h.size() + 3},
      {"last line without a line end", h + "x", h.size() + 1},
      {"a bare LF as the very last byte", h + "x\n", h.size() + 2 + 1},
      {"a body of one bare LF", h + "\n", h.size() + 1 + 1},
      {"a dot line right after the blank line", h + ".x\r\n", h.size() + 4 + 1},
      {"a dot as the very last byte after CRLF", h + "x\r\n.", h.size() + 4 + 1},
      {"a bare LF then a dot as the last two bytes", h + "x\n.", h.size() + 3 + 2},
      {"bare LF headers and a CR alone (not a line end)", "From: a@example.com\nSubject: s\n\nx\ry\n", 36 + 4},
  };
  for (const auto& row : rows) {
    std::string got;
    for (const auto& f : size_findings(row.raw, small_limits()))
      if (f.id == "size.ok") got = f.title;
    const std::string want = "The message is " + std::to_string(row.want) + " bytes on the wire";
    INFO(row.label << ": got \"" << got << "\", want it to start \"" << want << "\"");
    CHECK(got.rfind(want, 0) == 0);
  }
}
