// The streamed batch documents (output/streams.hpp): byte for byte the documents built whole, for 0, 1
// and several reports, and each a fixed point of its own parser's pretty printer.
#include <catch2/catch.hpp>

#include <pugixml.hpp>
#include <sstream>

#include "engine/batch.hpp"
#include "nsd_server.hpp"
#include "output/streams.hpp"
#include "registry.hpp"
#include "test_support.hpp"
#include "urls/extract.hpp"

using namespace mailaudit;
using json = nlohmann::ordered_json;

namespace {

// Reports of the fixture messages (an mbox, single files, an unreadable one), audited against the fixture zones.
const std::vector<Report>& fixture_reports() {
  static const std::vector<Report> reports = [] {
    static const rules::Rules rules = rules::Rules::builtin();
    auto zones = test::fixture_zone_resolver();
    AuditSettings settings{rules, *zones, checks::registry(), {}, {}};
    Envelope env = test::newsletter_envelope();
    const auto m = test::source_dir() / "fixtures" / "messages";
    std::vector<Report> out;
    audit_inputs({(m / "newsletter.eml").string(), (m / "campaign.mbox").string(), "/nonexistent/mail.eml",
                  (m / "links.eml").string()},
                 env, settings, 1, [&](Report&& r) { out.push_back(std::move(r)); });
    return out;
  }();
  return reports;
}

WriterOptions options() {
  WriterOptions o;
  o.generated_at = "2026-12-03T12:00:00Z";
  o.version = "0.1.0";
  for (const auto& c : checks::registry()) o.checks.emplace_back(std::string(c.id), c.stage);
  return o;
}

struct Row {
  const char* label;
  std::vector<std::size_t> pick;  // indexes into fixture_reports()
};

const std::vector<Row> rows = {
    {"no report", {}},
    {"one report", {0}},
    {"one unreadable report", {2}},
    {"two reports", {0, 1}},
    {"a batch with an unreadable message", {0, 1, 2, 3}},
    {"the whole fixture batch", {}},  // filled below: every report
};

std::vector<Report> picked(const Row& row, std::size_t i) {
  const auto& all = fixture_reports();
  if (i + 1 == rows.size()) return all;
  std::vector<Report> rs;
  for (std::size_t k : row.pick) rs.push_back(all.at(k));
  return rs;
}

// The pretty JSON dump of `text` after a parse: the stream wrote what nlohmann would have.
std::string redumped(const std::string& text) { return dump_json(json::parse(text), true) + "\n"; }

}  // namespace

TEST_CASE("the fixture batch has several reports, one unreadable", "[output]") {
  const auto& all = fixture_reports();
  INFO("got " << all.size() << " reports, want at least 5");
  REQUIRE(all.size() >= 5);
  CHECK(all.at(2).error != "");
}

TEST_CASE("json_stream: the document built whole, byte for byte", "[output]") {
  const WriterOptions o = options();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto rs = picked(rows[i], i);
    INFO(rows[i].label);
    std::string got = json_text(rs, o);
    std::string want;
    if (rs.size() == 1) {
      want = dump_json(report_json(rs.front(), o), true) + "\n";
    } else {
      json reports = json::array();
      for (const auto& r : rs) reports.push_back(report_json(r, o));
      BatchSummary b = summarise_batch(rs);
      want = dump_json(batch_json(&b, o, reports), true) + "\n";
    }
    INFO("got " << got.size() << " bytes, want " << want.size());
    CHECK(got == want);
    CHECK(redumped(got) == got);
  }
}

TEST_CASE("sarif_text: a fixed point of the JSON pretty printer, every result and artifact kept", "[output]") {
  const WriterOptions o = options();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto rs = picked(rows[i], i);
    INFO(rows[i].label);
    std::string got = sarif_text(rs, o);
    REQUIRE_NOTHROW(json::parse(got));
    CHECK(redumped(got) == got);
    json doc = json::parse(got);
    std::size_t results = 0, unreadable = 0;
    for (const auto& r : rs) {
      unreadable += !r.error.empty();
      if (r.error.empty())
        for (const auto& f : r.findings) results += f.severity != Severity::pass;
    }
    const auto& run = doc["runs"][0];
    INFO("got " << run["results"].size() << " results, want " << results);
    CHECK(run["results"].size() == results);
    CHECK(run["artifacts"].size() == rs.size());
    const bool success = run["invocations"][0]["executionSuccessful"].get<bool>();
    INFO("got executionSuccessful " << success << ", want " << (unreadable == 0));
    CHECK(success == (unreadable == 0));
    if (unreadable) CHECK(run["invocations"][0]["toolExecutionNotifications"].size() == unreadable);
    for (const auto& res : run["results"]) {  // every result's rule is where its index says
      CHECK(run["tool"]["driver"]["rules"][res["ruleIndex"].get<std::size_t>()]["id"] == res["ruleId"]);
    }
  }
}

TEST_CASE("junit_stream: a fixed point of pugixml, a suite per message, totals on top", "[output]") {
  const WriterOptions o = options();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto rs = picked(rows[i], i);
    INFO(rows[i].label);
    std::string got = junit_xml(rs, o);
    pugi::xml_document doc;
    REQUIRE(doc.load_string(got.c_str(), pugi::parse_default | pugi::parse_declaration));
    std::ostringstream again;
    doc.save(again, "  ", pugi::format_default, pugi::encoding_utf8);
    CHECK(again.str() == got);
    auto suites = doc.child("testsuites");
    std::size_t n = 0, tests = 0;
    for (auto s : suites.children("testsuite")) {
      ++n;
      tests += s.attribute("tests").as_ullong();
    }
    INFO("got " << n << " suites, want " << rs.size());
    CHECK(n == rs.size());
    CHECK(suites.attribute("tests").as_ullong() == tests);
  }
}

TEST_CASE("UrlsJsonStream: the document built whole, byte for byte", "[output]") {
  const auto& all = fixture_reports();
  for (std::size_t n : {0u, 1u, 2u, 4u}) {
    INFO(n << " messages");
    std::string got;
    UrlsJsonStream s([&](std::string_view t) { got += t; });
    json messages = json::array();
    for (std::size_t k = 0; k < n; ++k) {
      const Report& r = all.at(k == 2 ? 3 : k);
      auto domains = urls::distinct_domains(r.urls);
      s.add(r.message.source, r.urls, domains);
      messages.push_back(urls_json(r.message.source, r.urls, domains));
    }
    s.finish();
    std::string want = n == 1 ? dump_json(messages.front(), true) + "\n"
                              : dump_json({{"schema", "mailaudit-urls-batch/1"}, {"messages", messages}}, true) + "\n";
    INFO("got " << got.size() << " bytes, want " << want.size());
    CHECK(got == want);
  }
}

TEST_CASE("Spool: what was appended, in order, across its copy buffer", "[output]") {
  struct SpoolRow {
    const char* label;
    std::size_t pieces, size;
  };
  for (const SpoolRow& row : {SpoolRow{"nothing", 0, 0}, SpoolRow{"one small piece", 1, 10},
                              SpoolRow{"pieces past the 64 KiB copy buffer", 40, 5000}}) {
    INFO(row.label);
    Spool spool;
    std::string want;
    for (std::size_t k = 0; k < row.pieces; ++k) {
      std::string piece(row.size, static_cast<char>('a' + k % 26));
      spool.append(piece);
      want += piece;
    }
    CHECK(spool.empty() == want.empty());
    for (int pass = 0; pass < 2; ++pass) {  // copying twice gives the same, and appending after still works
      std::string got;
      spool.copy_to([&](std::string_view t) { got += t; });
      INFO("got " << got.size() << " bytes, want " << want.size());
      CHECK(got == want);
    }
    spool.append("z");
    want += "z";
    std::string got;
    spool.copy_to([&](std::string_view t) { got += t; });
    CHECK(got == want);
  }
}
