// spamd reply parsing and the "fix these to pass" set, table-driven.
#include <catch2/catch.hpp>

#include "content/rspamd_client.hpp"
#include "content/verdict.hpp"

using namespace mailaudit::content;

namespace {

const char* const kReport =
    "SPAMD/1.1 0 EX_OK\r\n"
    "Content-length: 400\r\n"
    "Spam: True ; 1002.5 / 5.0\r\n"
    "\r\n"
    "Content analysis details:   (1002.5 points, 5.0 required)\n"
    "\n"
    " pts rule name              description\n"
    "---- ---------------------- --------------------------------------------------\n"
    "1000 GTUBE                  BODY: Generic Test for Unsolicited Bulk Email\n"
    " 1.4 MISSING_DATE           Missing Date: header\n"
    " 1.1 FROM_NO_USER           From: has no local-part before @ sign\n"
    "                            (continued)\n"
    "-0.0 NO_RELAYS              Informational: message was not relayed via SMTP\n";

}  // namespace

TEST_CASE("spamd replies parse or become unavailable", "[content]") {
  struct Row {
    const char* label;
    std::string reply;
    bool available;
    std::string action;
    double score, threshold;
    size_t symbols;
  };
  const Row rows[] = {
      {"report table", kReport, true, "spam", 1002.5, 5.0, 4},
      {"symbols list", "SPAMD/1.1 0 EX_OK\r\nSpam: False ; 0.3 / 5.0\r\n\r\nNO_RELAYS,MISSING_MID", true, "ham",
       0.3, 5.0, 2},
      {"garbage", "HTTP/1.0 200 OK\r\n\r\nhello", false, "", 0, 0, 0},
      {"empty", "", false, "", 0, 0, 0},
      {"error status", "SPAMD/1.0 76 Bad header line\r\n\r\n", false, "", 0, 0, 0},
      {"no Spam header", "SPAMD/1.1 0 EX_OK\r\n\r\nX", false, "", 0, 0, 0},
      {"bad score", "SPAMD/1.1 0 EX_OK\r\nSpam: True ; x / 5.0\r\n\r\n", false, "", 0, 0, 0},
  };
  for (const auto& r : rows) {
    INFO(r.label);
    const Verdict v = parse_spamd_reply(r.reply);
    CHECK(v.available == r.available);
    CHECK(v.engine == "spamassassin");
    if (!r.available) {
      CHECK_FALSE(v.reason.empty());
      continue;
    }
    CHECK(v.action == r.action);
    CHECK(v.score == Approx(r.score));
    CHECK(v.threshold == Approx(r.threshold));
    CHECK(v.symbols.size() == r.symbols);
  }
  const Verdict v = parse_spamd_reply(kReport);
  REQUIRE(v.symbols.size() == 4);
  CHECK(v.symbols[0].name == "GTUBE");
  CHECK(v.symbols[0].score == Approx(1000));
  CHECK(v.symbols[2].description == "From: has no local-part before @ sign (continued)");
  CHECK(v.symbols[3].score == Approx(0));
}

TEST_CASE("fix set is the fewest symbols that bring the score under the threshold", "[content]") {
  struct Row {
    const char* label;
    double score, threshold;
    std::vector<Symbol> symbols;
    std::vector<std::string> want;
    bool enough;
  };
  const Row rows[] = {
      {"already passing", 3, 5, {{"A", 3, "", ""}}, {}, true},
      {"one big symbol", 16.2, 15, {{"A", 1, "", ""}, {"B", 9, "", ""}, {"C", 6.2, "", ""}}, {"B"}, true},
      {"two needed, largest first", 20, 15, {{"A", 3, "", ""}, {"B", 4, "", ""}, {"C", 2, "", ""}, {"D", 11, "", ""}},
       {"D"}, true},
      {"exactly at threshold is not under", 10, 5, {{"A", 5, "", ""}, {"B", 5, "", ""}}, {"A", "B"}, true},
      {"negative symbols never removed", 6, 5, {{"N", -2, "", ""}, {"P", 8, "", ""}}, {"P"}, true},
      {"not enough positive weight", 10, 5, {{"A", 1, "", ""}}, {"A"}, false},
  };
  for (const auto& r : rows) {
    INFO(r.label);
    Verdict v;
    v.available = true;
    v.score = r.score;
    v.threshold = r.threshold;
    v.symbols = r.symbols;
    const FixSet f = fix_set(v);
    std::vector<std::string> got;
    double left = r.score;
    for (const auto& s : f.symbols) {
      got.push_back(s.name);
      left -= s.score;
    }
    CHECK(got == r.want);
    CHECK(f.enough == r.enough);
    if (r.enough && r.score >= r.threshold) CHECK(left < r.threshold);
  }
}

TEST_CASE("rspamd checkv2 answers parse or become unavailable", "[content]") {
  struct Row {
    const char* label;
    std::string json;
    bool available;
    std::string action;
    double score, threshold;
    size_t symbols;
  };
  const Row rows[] = {
      {"reject", R"({"action":"reject","score":16.2,"required_score":15,"symbols":{
         "R_SPF_FAIL":{"name":"R_SPF_FAIL","score":1.0,"description":"SPF verification failed"},
         "DBL_SPAM":{"name":"DBL_SPAM","score":6.5,"description":"DBL listed"}}})",
       true, "reject", 16.2, 15, 2},
      {"no action, no symbols", R"({"action":"no action","score":0.1,"required_score":15})", true, "no action",
       0.1, 15, 0},
      {"not JSON", "<html>", false, "", 0, 0, 0},
      {"JSON array", "[1,2]", false, "", 0, 0, 0},
      {"error object", R"({"error":"bad request"})", false, "", 0, 0, 0},
      {"score is a string", R"({"action":"reject","score":"x","required_score":15})", false, "", 0, 0, 0},
  };
  for (const auto& r : rows) {
    INFO(r.label);
    const Verdict v = parse_rspamd_reply(r.json);
    CHECK(v.available == r.available);
    CHECK(v.engine == "rspamd");
    if (!r.available) {
      CHECK_FALSE(v.reason.empty());
      continue;
    }
    CHECK(v.action == r.action);
    CHECK(v.score == Approx(r.score));
    CHECK(v.threshold == Approx(r.threshold));
    CHECK(v.symbols.size() == r.symbols);
  }
  const Verdict v = parse_rspamd_reply(rows[0].json);
  REQUIRE(v.symbols.size() == 2);
  CHECK(v.symbols[0].name == "DBL_SPAM");
  CHECK(v.symbols[0].description == "DBL listed");
}
