// A content engine's answer as mailaudit reports it: symbols mapped to finding ids (rules/content.toml),
// the fix set from the engine's own weights, and the finding each action (or "could not tell") becomes.
// No engine runs here; tests/integration/content/ asks the real ones.
#include <catch2/catch.hpp>

#include "engine/content_filters.hpp"
#include "model/report.hpp"

using namespace mailaudit;

namespace {

ContentSymbol sym(const char* name, double score, const char* description = "") {
  ContentSymbol s;
  s.name = name;
  s.score = score;
  s.description = description;
  return s;
}

ContentVerdict answer(const char* engine, const char* action, double score, double threshold,
                      std::vector<ContentSymbol> symbols) {
  ContentVerdict v;
  v.engine = engine;
  v.available = true;
  v.action = action;
  v.score = score;
  v.threshold = threshold;
  v.symbols = std::move(symbols);
  return v;
}

ContentVerdict down(const char* engine, const char* reason, const char* detail) {
  ContentVerdict v;
  v.engine = engine;
  v.reason = reason;
  v.reason_detail = detail;
  return v;
}

const rules::Rules& builtin() {
  static const rules::Rules r = rules::Rules::builtin();
  return r;
}

}  // namespace

TEST_CASE("content.toml maps each engine's symbols to finding ids: exact, then longest prefix", "[content]") {
  struct Row {
    const char* label;
    const char* engine;
    const char* symbol;
    const char* want;
  };
  const Row rows[] = {
      {"rspamd SPF fail", "rspamd", "R_SPF_FAIL", "spf.fail"},
      {"rspamd DBL listing", "rspamd", "DBL_SPAM", "uri.listed"},
      {"rspamd DBL refusal is not a listing", "rspamd", "DBL_BLOCKED_OPENRESOLVER", "uri.unusable"},
      {"rspamd failed DBL lookup is not a listing", "rspamd", "DBL_FAIL", ""},
      {"rspamd failed SEM URIBL lookup is not a listing", "rspamd", "SEM_URIBL_FRESH15_UNKNOWN_FAIL", ""},
      {"rspamd RBL refusal", "rspamd", "RBL_SPAMHAUS_BLOCKED", "dnsbl.unusable"},
      {"rspamd Spamhaus PBL", "rspamd", "RBL_SPAMHAUS_PBL", "dnsbl.listed"},
      {"rspamd failed RBL lookup is not a listing", "rspamd", "RBL_SPAMHAUS_FAIL", ""},
      {"rspamd received-hop RBL is not the client's listing", "rspamd", "RECEIVED_SPAMHAUS_PBL", ""},
      {"rspamd symbol without a meaning for us", "rspamd", "MIME_GOOD", ""},
      {"SpamAssassin DBL", "spamassassin", "URIBL_DBL_SPAM", "uri.listed"},
      {"SpamAssassin DBL refusal", "spamassassin", "URIBL_DBL_BLOCKED_OPENDNS", "uri.unusable"},
      {"SpamAssassin welcome list is not a listing", "spamassassin", "RCVD_IN_DNSWL_LOW", ""},
      {"SpamAssassin future date by prefix", "spamassassin", "DATE_IN_FUTURE_06_12", "headers.date_future"},
      {"a symbol of one engine is not the other's", "spamassassin", "R_SPF_FAIL", ""},
  };
  for (const auto& r : rows) {
    const std::string got = builtin().content().symbol_finding(r.engine, r.symbol);
    INFO(r.label << ": got \"" << got << "\", want \"" << r.want << "\"");
    CHECK(got == r.want);
  }
}

TEST_CASE("a content verdict becomes one finding with the engine's figures, symbols and fix set", "[content]") {
  struct Row {
    const char* label;
    ContentVerdict verdict;
    const char* id;
    Severity severity;
    std::vector<std::string> fix;             // wanted fix_to_pass
    std::vector<std::string> symbol_findings;  // wanted finding per symbol, in weight order
    std::vector<std::string> in_text;          // pieces the title or detail must hold
  };
  const Row rows[] = {
      {"rspamd reject", answer("rspamd", "reject", 16.2, 15, {sym("MISSING_DATE", 1), sym("R_SPF_FAIL", 5, "SPF fail"),
                                                             sym("DBL_SPAM", 6.5), sym("HTML", 0.1), sym("BAYES_HAM", -1.4)}),
       "content.rspamd.reject", Severity::error, {"DBL_SPAM"}, {"uri.listed", "spf.fail", "headers.date_missing", "", ""},
       {"16.2 of 15", "R_SPF_FAIL (5, SPF fail; mailaudit: spf.fail)", "without DBL_SPAM the score would be 9.7, under 15"}},
      {"rspamd reject needing two fixes", answer("rspamd", "reject", 20, 15, {sym("A", 3), sym("B", 4), sym("C", 2.5)}),
       "content.rspamd.reject", Severity::error, {"B", "A"}, {"", "", ""}, {"without B, A the score would be 13"}},
      {"rspamd reject not fixable by symbols", answer("rspamd", "reject", 20, 15, {sym("A", 1)}),
       "content.rspamd.reject", Severity::error, {"A"}, {""}, {"No set of symbols brings the score under 15", "stays at 19"}},
      {"rspamd no action", answer("rspamd", "no action", 1.2, 15, {sym("MIME_GOOD", -0.1)}), "content.rspamd.no_action",
       Severity::pass, {}, {""}, {"1.2, reject at 15"}},
      {"rspamd soft reject defers", answer("rspamd", "soft reject", 4, 15, {}), "content.rspamd.soft_reject",
       Severity::warning, {}, {}, {"Top symbols: none"}},
      {"rspamd add header is junk", answer("rspamd", "add header", 7, 15, {sym("R_SPF_SOFTFAIL", 2)}),
       "content.rspamd.add_header", Severity::warning, {}, {"spf.softfail"}, {"X-Spam"}},
      {"rspamd action we have no meaning for", answer("rspamd", "discard", 30, 15, {sym("X", 30)}),
       "content.rspamd.other_action", Severity::warning, {"X"}, {""}, {"\"discard\""}},
      {"SpamAssassin spam", answer("spamassassin", "spam", 7.1, 5, {sym("SPF_FAIL", 0.9), sym("URIBL_DBL_SPAM", 2.5)}),
       "content.spamassassin.spam", Severity::warning, {"URIBL_DBL_SPAM"}, {"uri.listed", "spf.fail"}, {"7.1 of 5"}},
      {"SpamAssassin ham", answer("spamassassin", "ham", 0.3, 5, {sym("RDNS_NONE", 0.3)}), "content.spamassassin.ham",
       Severity::pass, {}, {"rdns.missing"}, {"0.3 of 5"}},
      {"spamd down", down("spamassassin", "connect_failed", "127.0.0.1:1: Connection refused"),
       "content.spamassassin.unavailable", Severity::warning, {}, {}, {"cannot connect to 127.0.0.1:1: Connection refused"}},
      {"rspamd garbage", down("rspamd", "not_json", ""), "content.rspamd.unavailable", Severity::warning, {}, {},
       {"its answer is not JSON", "http://127.0.0.1:11333"}},
      {"message over the cap", down("rspamd", "too_large", "34603008"), "content.rspamd.unavailable", Severity::warning,
       {}, {}, {"34603008 bytes, over the 33554432-byte limit"}},
  };
  ContentEngines engines;
  engines.rspamd_url = "http://127.0.0.1:11333";
  engines.spamd_host = "127.0.0.1";
  for (const auto& r : rows) {
    INFO(r.label);
    ContentVerdict v = r.verdict;
    v.address = v.engine == "rspamd" ? engines.rspamd_url : engines.spamd_host + ":783";  // as ask_content_filters sets it
    annotate(v, builtin().content());
    const Finding f = content_finding(v, builtin(), engines);
    INFO("got id " << f.id << ", want " << r.id);
    CHECK(f.id == r.id);
    CHECK(f.severity == r.severity);
    CHECK(f.stage == Stage::end_of_data);
    CHECK(f.check == v.engine);
    CHECK(v.fix_to_pass == r.fix);
    std::vector<std::string> got;
    for (const auto& s : v.symbols) got.push_back(s.finding);
    CHECK(got == r.symbol_findings);
    for (const auto& piece : r.in_text) {
      INFO("got title \"" << f.title << "\" detail \"" << f.detail << "\", want it to hold \"" << piece << "\"");
      CHECK((f.title + " " + f.detail).find(piece) != std::string::npos);
    }
    CHECK(cannot_tell(f) == !v.available);
  }
}
