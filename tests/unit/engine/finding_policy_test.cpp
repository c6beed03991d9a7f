// apply_policy (ignore, severity overrides) and compare_with (--baseline) on hand-made reports.
#include <catch2/catch.hpp>

#include "engine/baseline.hpp"
#include "engine/finding_policy.hpp"
#include "engine/locate.hpp"
#include "rules/rules.hpp"

using namespace mailaudit;

namespace {

Finding finding(const std::string& id, Severity s, const std::string& title = "t") {
  Finding f;
  f.id = id;
  f.check = id.substr(0, id.find('.'));
  f.severity = s;
  f.title = title;
  return f;
}

}  // namespace

TEST_CASE("id_matches: exact ids and check.* wildcards", "[unit]") {
  struct Row {
    const char* pattern;
    const char* id;
    bool want;
  };
  const Row rows[] = {
      {"dkim.fail", "dkim.fail", true},       {"dkim.fail", "dkim.failed", false}, {"dkim.*", "dkim.fail", true},
      {"dkim.*", "dkimx.fail", false},        {"dkim.*", "dkim.", false},          {".*", "dkim.fail", false},
      {"*", "dkim.fail", false},
  };
  for (const auto& row : rows) {
    INFO(row.pattern << " vs " << row.id << ": got " << !row.want << ", want " << row.want);
    CHECK(id_matches(row.pattern, row.id) == row.want);
  }
}

TEST_CASE("apply_policy: ignored findings count nowhere, overrides remember the check's severity", "[unit]") {
  struct Row {
    const char* label;
    FindingPolicy policy;
    std::string id;
    Severity before;
    bool want_ignored;
    Severity want;
    bool want_was;
  };
  const Row rows[] = {
      {"ignored by id", {{"dkim.fragile"}, {}}, "dkim.fragile", Severity::warning, true, Severity::warning, false},
      {"ignored by check", {{"dkim.*"}, {}}, "dkim.fragile", Severity::warning, true, Severity::warning, false},
      {"not ignored", {{"dkim.fail"}, {}}, "dkim.fragile", Severity::warning, false, Severity::warning, false},
      {"raised", {{}, {{"uri.shortener", Severity::error}}}, "uri.shortener", Severity::warning, false, Severity::error, true},
      {"lowered by check", {{}, {{"uri.*", Severity::info}}}, "uri.shortener", Severity::warning, false, Severity::info, true},
      {"the id beats the wildcard", {{}, {{"uri.*", Severity::info}, {"uri.shortener", Severity::error}}}, "uri.shortener",
       Severity::warning, false, Severity::error, true},
      {"the same severity is no override", {{}, {{"uri.shortener", Severity::warning}}}, "uri.shortener", Severity::warning,
       false, Severity::warning, false},
      {"a pass stays a pass", {{}, {{"dkim.*", Severity::error}}}, "dkim.pass", Severity::pass, false, Severity::pass, false},
  };
  for (const auto& row : rows) {
    Report r;
    r.findings.push_back(finding(row.id, row.before));
    apply_policy(r, row.policy);
    const Finding& f = r.findings.front();
    INFO(row.label << ": got ignored " << f.ignored << ", severity " << to_string(f.severity) << ", was "
                   << f.severity_was.has_value() << "; want " << row.want_ignored << ", " << to_string(row.want) << ", "
                   << row.want_was);
    CHECK(f.ignored == row.want_ignored);
    CHECK(f.severity == row.want);
    CHECK(f.severity_was.has_value() == row.want_was);
    if (f.severity_was) CHECK(*f.severity_was == row.before);
  }
}

TEST_CASE("summarise: an ignored error neither fails nor counts", "[unit]") {
  Report r;
  r.findings.push_back(finding("dkim.fail", Severity::error));
  r.findings.push_back(finding("headers.ok", Severity::pass));
  apply_policy(r, {{"dkim.fail"}, {}});
  Summary s = summarise(r);
  INFO("got verdict " << to_string(s.verdict) << " with " << s.counts[Severity::error] << " errors, want pass with 0");
  CHECK(s.verdict == Verdict::pass);
  CHECK(s.counts[Severity::error] == 0);
}

TEST_CASE("compare_with: new, unchanged, updated, resolved, new domains, changed answers", "[unit]") {
  PreviousReport prev;
  prev.source = "a.eml";
  prev.findings = {finding("spf.pass", Severity::pass, "SPF pass"), finding("spf.lookups_near_limit", Severity::warning, "8 lookups"),
                   finding("uri.shortener", Severity::warning, "1 link"), finding("dkim.key_weak", Severity::warning, "1024")};
  prev.findings.back().ignored = true;  // ignored then: not "resolved" now
  prev.domains = {"example.com"};
  prev.dns = {{"example.com", "TXT", "", "NOERROR v=spf1 ~all"}, {"gone.example", "A", "", "TIMEOUT"},
              {"same.example", "A", "", "NOERROR 192.0.2.1"}};
  Report r;
  r.message.source = "a.eml";
  r.findings = {finding("spf.pass", Severity::pass, "SPF pass"), finding("spf.lookups_near_limit", Severity::warning, "9 lookups"),
                finding("dkim.fail", Severity::error, "x")};
  r.domains = {"example.com", "example.org"};
  auto answer = [](const char* name, dns::RRType t, dns::Status s) {
    dns::Answer a;
    a.name = name;
    a.type = t;
    a.status = s;
    return a;
  };
  r.dns.queries = {answer("example.com", dns::RRType::TXT, dns::Status::NXDOMAIN),
                   answer("gone.example", dns::RRType::A, dns::Status::NXDOMAIN),
                   answer("same.example", dns::RRType::A, dns::Status::TIMEOUT)};
  compare_with(r, previous_for(r, {prev}), "prev.json");
  struct Row {
    std::size_t index;
    const char* want;
  };
  const Row rows[] = {{0, "unchanged"}, {1, "updated"}, {2, "new"}};
  for (const auto& row : rows) {
    INFO(r.findings[row.index].id << ": got " << r.findings[row.index].change << ", want " << row.want);
    CHECK(r.findings[row.index].change == row.want);
  }
  REQUIRE(r.baseline);
  INFO("resolved: got " << r.baseline->resolved.size() << ", want uri.shortener only (dkim.key_weak was ignored)");
  REQUIRE(r.baseline->resolved.size() == 1);
  CHECK(r.baseline->resolved[0].id == "uri.shortener");
  CHECK(r.baseline->new_domains == std::vector<std::string>{"example.org"});
  // Only example.com TXT changed: a timeout before or now is no fact.
  REQUIRE(r.baseline->changed_dns.size() == 1);
  CHECK(r.baseline->changed_dns[0].query == "example.com");
  CHECK(r.baseline->changed_dns[0].now == "NXDOMAIN");
}

TEST_CASE("previous_for: by source and index, else the only report", "[unit]") {
  PreviousReport a, b;
  a.source = "a.eml";
  b.source = "b.eml";
  Report r;
  r.message.source = "b.eml";
  struct Row {
    const char* label;
    std::vector<PreviousReport> prev;
    const char* want;  // "" = none
  };
  const Row rows[] = {{"by source", {a, b}, "b.eml"}, {"the only one", {a}, "a.eml"}, {"no match of several", {a, a}, ""}};
  for (const auto& row : rows) {
    const PreviousReport* got = previous_for(r, row.prev);
    INFO(row.label << ": got " << (got ? got->source : "none") << ", want " << row.want);
    CHECK((got ? got->source : std::string()) == row.want);
  }
}

TEST_CASE("locate_findings: the line of the field or URL a finding is about", "[unit]") {
  static const rules::Rules rules = rules::Rules::builtin();
  const std::string raw =
      "Received: by mx.example\r\n"
      "From: News <news@example.com>\r\n"
      "Subject: hi\r\n"
      "Date: 27/11/2026\r\n"
      "\r\n"
      "Hello\r\n"
      "See https://bit.ly/abc now\r\n";
  Message msg = parse_message(raw, "t.eml", 0);
  urls::Url u;
  u.raw = "https://bit.ly/abc";
  u.url = "https://bit.ly/abc";
  u.host = "bit.ly";
  u.source = "text";
  struct Row {
    const char* label;
    const char* id;
    const char* detail;
    std::size_t want;
  };
  const Row rows[] = {
      {"a From finding points at From", "from.nxdomain", "", 2},
      {"a Date finding points at Date", "headers.date_invalid", "", 4},
      {"a URL finding at the URL it names", "uri.shortener", "https://bit.ly/abc in part 1", 7},
      {"a URL finding naming no URL of the message", "uri.shortener", "https://other.example/", 0},
      {"a field the message lacks", "dkim.fail", "", 0},
      {"a finding without a field", "headers.mime_version_missing", "", 0},
  };
  for (const auto& row : rows) {
    std::vector<Finding> fs{finding(row.id, Severity::warning, "")};
    fs[0].detail = row.detail;
    locate_findings(fs, msg, {u}, rules);
    INFO(row.label << ": got line " << fs[0].line << ", want " << row.want);
    CHECK(fs[0].line == row.want);
  }
  struct LineRow {
    std::size_t offset, want;
  };
  for (const auto& row : {LineRow{0, 1}, LineRow{25, 2}, LineRow{raw.size() + 10, 8}}) {
    INFO("offset " << row.offset << ": got line " << line_at(raw, row.offset) << ", want " << row.want);
    CHECK(line_at(raw, row.offset) == row.want);
  }
}
