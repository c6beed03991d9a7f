// A whole audit with --rspamd and --spamd against the real engines (engines.hpp, DNS to the fixture
// NSD): the report's content verdicts carry each engine's own score (compared with rspamc and spamc -R on
// the same bytes and context), the symbols carry the mailaudit finding ids of rules/content.toml, the
// "fix these to pass" set is right by the engine's own weights, and the verdict becomes a finding.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "content/spamd_client.hpp"
#include "dns/fcrdns.hpp"
#include "dns/recording_resolver.hpp"
#include "registry.hpp"
#include "engines.hpp"
#include "nsd_server.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using namespace mailaudit::test;

namespace {

std::string now_date() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// A plain, well-formed message from news.example.com (the fixture sender with SPF, DMARC and a PTR).
std::string message(const std::string& extra_headers, const std::string& body, bool date_and_id = true) {
  std::string m = "From: Example News <news@news.example.com>\r\nTo: customer@example.net\r\n"
                  "Subject: Our December letter\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n";
  if (date_and_id) m += "Date: " + now_date() + "\r\nMessage-ID: <letter-1@news.example.com>\r\n";
  return m + extra_headers + "\r\n" + body;
}

struct Row {
  const char* label;
  std::string raw;
  std::string ip;
  // symbol -> finding id each engine must report for this message ({} = nothing required)
  std::map<std::string, std::string> rspamd_wants, spamd_wants;
  std::string rspamd_finding;  // the content.rspamd.* finding id wanted ("" = whatever the action says)
};

const ContentVerdict* verdict(const Report& r, const std::string& engine) {
  for (const auto& v : r.content)
    if (v.engine == engine) return &v;
  return nullptr;
}

std::string symbols_of(const ContentVerdict& v) {
  std::string s;
  for (const auto& x : v.symbols) s += x.name + "(" + std::to_string(x.score) + ")->" + x.finding + " ";
  return s;
}

void check_fix_set(const ContentVerdict& v) {
  if (v.score < v.threshold) {
    CHECK(v.fix_to_pass.empty());
    return;
  }
  std::map<std::string, double> weight;
  for (const auto& s : v.symbols) weight[s.name] = s.score;
  double left = v.score;
  for (const auto& name : v.fix_to_pass) left -= weight.at(name);
  if (!v.fix_enough) return;
  INFO("fix set leaves " << left << ", threshold " << v.threshold);
  CHECK(left < v.threshold);
  // Minimal by count: no set one smaller does it, and the best one smaller is all but the lightest member.
  REQUIRE_FALSE(v.fix_to_pass.empty());
  CHECK(left + weight.at(v.fix_to_pass.back()) >= v.threshold);
}

}  // namespace

TEST_CASE("check with --rspamd and --spamd: the engines' own scores, mapped findings and fix set", "[content]") {
  const bool have_rspamd = rspamd().port != 0, have_spamd = spamd().port != 0;
  if (!have_rspamd) WARN("rspamd not available (/usr/bin/rspamd missing or did not start): its half is skipped");
  if (!have_spamd) WARN("spamd not available (/usr/sbin/spamd missing or did not start): its half is skipped");
  if (!have_rspamd && !have_spamd) return;
  auto resolver = live_resolver(fixture_nsd().address());
  const rules::Rules rules = rules::Rules::builtin();

  const Row rows[] = {
      {"clean", message("", "Hello,\r\n\r\nour shop opens on Saturday.\r\n\r\nThe team\r\n"), "192.0.2.10", {}, {}, ""},
      {"no Date and no Message-ID", message("", "Hello,\r\n\r\nsee you soon.\r\n", false), "192.0.2.10",
       {{"MISSING_DATE", "headers.date_missing"}, {"MISSING_MID", "headers.message_id_missing"}},
       {{"MISSING_DATE", "headers.date_missing"}, {"MISSING_MID", "headers.message_id_missing"}}, ""},
      {"URL on the DBL", message("", "Offers at http://dbltest.com/deals today.\r\n"), "192.0.2.10",
       {{"DBL_SPAM", "uri.listed"}}, {{"URIBL_DBL_SPAM", "uri.listed"}}, ""},
      {"SPF fail (IP not in news.example.com's SPF)", message("", "Hello again.\r\n"), "192.0.2.99",
       {{"R_SPF_FAIL", "spf.fail"}}, {{"SPF_FAIL", "spf.fail"}}, ""},
      {"many spammy features", 
       "From: WINNER <news@news.example.com>\r\nTo: customer@example.net\r\nSubject: FREE MONEY!!! ACT NOW!!!\r\n"
       "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
       "<html><body><font size=7 color=red>CLICK HERE</font> to claim your FREE prize!!! 100% GUARANTEED, no risk."
       " <a href=\"http://dbltest.com/claim\">http://www.paypal.com/</a> <a href=\"http://deals-fixture.com/\">"
       "Unsubscribe</a> <img src=\"http://deals-fixture.com/p.gif\"></body></html>\r\n",
       // rspamd scores the phishing link (PHISHING) but, measured, gives no DBL_SPAM for the listed href here.
       "192.0.2.99", {{"R_SPF_FAIL", "spf.fail"}, {"PHISHING", "uri.display_mismatch"}}, {{"URIBL_DBL_SPAM", "uri.listed"}}, ""},
      {"GTUBE", message("", std::string(kGtube) + "\r\n"), "192.0.2.10", {}, {}, "content.rspamd.reject"},
  };
  for (const auto& r : rows) {
    INFO(r.label);
    Envelope env;
    env.ip = r.ip;
    env.helo = "mail.news.example.com";
    env.mail_from = "bounces@news.example.com";
    env.rcpt = {"customer@example.net"};
    AuditSettings settings{rules, *resolver, checks::registry(), {}, {}};
    if (have_rspamd) settings.content.rspamd_url = "http://127.0.0.1:" + std::to_string(rspamd().port);
    if (have_spamd) {
      settings.content.spamd_host = "127.0.0.1";
      settings.content.spamd_port = spamd().port;
    }
    RawMessage raw;
    raw.source = r.label;
    raw.bytes = r.raw;
    const Report report = audit_message(std::move(raw), env, settings);
    REQUIRE(report.content.size() == static_cast<std::size_t>(have_rspamd + have_spamd));

    // The context as the engines were told it: the PTR when it forward-confirms, else "unknown".
    std::string ptr = dns::forward_confirm(*resolver, *dns::parse_ip(r.ip)).confirmed;
    const std::string dir = have_rspamd ? rspamd().dir : spamd().dir;
    const std::string file = dir + "/audit-msg.eml";

    if (have_rspamd) {
      const ContentVerdict* v = verdict(report, "rspamd");
      REQUIRE(v);
      INFO("rspamd: " << v->reason << " " << v->reason_detail << " symbols " << symbols_of(*v));
      REQUIRE(v->available);
      std::ofstream(file, std::ios::binary) << r.raw;
      const std::string out = run_with_input("rspamc -h 127.0.0.1:" + std::to_string(rspamd().port) + " -i " + r.ip +
                                                 " --helo mail.news.example.com -F bounces@news.example.com"
                                                 " -r customer@example.net --hostname " + (ptr.empty() ? "unknown" : ptr),
                                             file);
      INFO("rspamc said: " << out);
      const auto at = out.find("Score: ");
      REQUIRE(at != std::string::npos);
      double score = 0, threshold = 0;
      REQUIRE(std::sscanf(out.c_str() + at, "Score: %lf / %lf", &score, &threshold) == 2);
      CHECK(v->score == Approx(score).margin(0.01));
      CHECK(v->threshold == Approx(threshold));
      CHECK(out.find("Action: " + v->action) != std::string::npos);
      for (const auto& [symbol, finding] : r.rspamd_wants) {
        auto s = std::find_if(v->symbols.begin(), v->symbols.end(), [&](const ContentSymbol& x) { return x.name == symbol; });
        INFO("want symbol " << symbol << " -> " << finding);
        REQUIRE(s != v->symbols.end());
        CHECK(s->finding == finding);
        CHECK(out.find(symbol) != std::string::npos);  // rspamc saw it too
      }
      check_fix_set(*v);
      const std::string want = r.rspamd_finding.empty() ? rules.content().action_finding("rspamd", v->action) : r.rspamd_finding;
      CHECK(has_finding(report, want));
    }
    if (have_spamd) {
      const ContentVerdict* v = verdict(report, "spamassassin");
      REQUIRE(v);
      INFO("spamd: " << v->reason << " " << v->reason_detail << " symbols " << symbols_of(*v));
      REQUIRE(v->available);
      content::ClientContext ctx;
      ctx.ip = r.ip;
      ctx.helo = "mail.news.example.com";
      ctx.ptr = ptr;
      ctx.mail_from = "bounces@news.example.com";
      ctx.rcpt = "customer@example.net";
      std::ofstream(file, std::ios::binary) << content::received_field(ctx) << r.raw;
      const std::string out = run_with_input("spamc -d 127.0.0.1 -p " + std::to_string(spamd().port) + " -R", file);
      INFO("spamc -R said: " << out);
      double score = 0, threshold = 0;
      REQUIRE(std::sscanf(out.c_str(), "%lf/%lf", &score, &threshold) == 2);
      CHECK(v->score == Approx(score).margin(0.01));
      CHECK(v->threshold == Approx(threshold));
      for (const auto& [symbol, finding] : r.spamd_wants) {
        auto s = std::find_if(v->symbols.begin(), v->symbols.end(), [&](const ContentSymbol& x) { return x.name == symbol; });
        INFO("want rule " << symbol << " -> " << finding);
        REQUIRE(s != v->symbols.end());
        CHECK(s->finding == finding);
      }
      check_fix_set(*v);
      CHECK(has_finding(report, v->action == "spam" ? "content.spamassassin.spam" : "content.spamassassin.ham"));
    }
  }
}

TEST_CASE("check with an engine down: content.*.unavailable with the reason, and the report is incomplete", "[content]") {
  const rules::Rules rules = rules::Rules::builtin();
  dns::NullResolver none;
  AuditSettings settings{rules, none, checks::registry(), {}, {}};
  settings.content.rspamd_url = "http://127.0.0.1:" + std::to_string(free_tcp_port());
  settings.content.spamd_host = "127.0.0.1";
  settings.content.spamd_port = free_tcp_port();
  settings.content.options.connect_timeout_ms = 500;
  settings.content.options.total_timeout_ms = 800;
  RawMessage raw;
  raw.source = "down";
  raw.bytes = message("", "Hello.\r\n");
  const Report report = audit_message(std::move(raw), {}, settings);
  for (const char* id : {"content.rspamd.unavailable", "content.spamassassin.unavailable"}) {
    INFO(id << " in " << join(finding_ids(report)));
    REQUIRE(has_finding(report, id));
  }
  for (const auto& f : report.findings)
    if (f.id == "content.spamassassin.unavailable") {
      INFO("got title " << f.title);
      CHECK(f.title.find("cannot connect to 127.0.0.1:") != std::string::npos);
      CHECK(f.severity == Severity::warning);
    }
  const Summary s = summarise(report);
  CHECK(s.incomplete);
  CHECK(std::count(s.incomplete_checks.begin(), s.incomplete_checks.end(), "spamassassin") == 1);
  CHECK(std::count(s.incomplete_checks.begin(), s.incomplete_checks.end(), "rspamd") == 1);
}
