// The spamd and rspamd clients against the real engines (engines.hpp: started once for this binary, DNS
// to the fixture NSD) and against tiny scripted servers for the hostile cases.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "content/rspamd_client.hpp"
#include "content/spamd_client.hpp"
#include "engines.hpp"

using namespace mailaudit::content;

using namespace mailaudit::test;

TEST_CASE("spamd verdicts carry spamd's own score and symbols", "[content][spamd]") {
  if (spamd().port == 0) {
    WARN("spamd not available (/usr/sbin/spamd missing or did not start); skipping");
    return;
  }
  struct Row {
    const char* label;
    std::string message;
    bool spam;
  };
  const Row rows[] = {
      {"clean", "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Lunch\r\n"
                "Date: Thu, 03 Dec 2026 07:00:00 +0000\r\nMessage-ID: <1@example.org>\r\n\r\n"
                "Shall we have lunch on Friday?\r\n",
       false},
      {"GTUBE", std::string("From: a@example.org\r\nTo: b@example.net\r\nSubject: t\r\n\r\n") + kGtube + "\r\n",
       true},
  };
  const ClientContext ctx{"192.0.2.1", "mail.example.org", "", "mx.example.net"};
  for (const auto& r : rows) {
    INFO(r.label);
    const Verdict v = spamd_check("127.0.0.1", spamd().port, r.message, ctx);
    REQUIRE(v.available);
    CHECK(v.action == (r.spam ? "spam" : "ham"));
    // spamc -R on the same bytes (with the Received field the client prepends) against the same server.
    const std::string file = spamd().dir + "/msg.eml";
    std::ofstream(file, std::ios::binary) << (has_received(r.message) ? "" : received_field(ctx)) << r.message;
    const std::string out = run_with_input("spamc -d 127.0.0.1 -p " + std::to_string(spamd().port) + " -R", file);
    double score = 0, threshold = 0;
    REQUIRE(std::sscanf(out.c_str(), "%lf/%lf", &score, &threshold) == 2);
    CHECK(v.score == Approx(score));
    CHECK(v.threshold == Approx(threshold));
    std::set<std::string> want, got;
    std::istringstream in(out);
    std::string line;
    bool table = false;
    while (std::getline(in, line)) {
      if (line.rfind("---- ", 0) == 0) { table = true; continue; }
      std::istringstream l(line);
      std::string pts, name;
      if (table && (l >> pts >> name) && (std::isdigit(static_cast<unsigned char>(pts.back())))) want.insert(name);
    }
    for (const auto& s : v.symbols) got.insert(s.name);
    CHECK(got == want);
    if (r.spam) {
      CHECK(got.count("GTUBE") == 1);
      const FixSet f = fix_set(v);
      REQUIRE(f.enough);
      double left = v.score;
      for (const auto& s : f.symbols) left -= s.score;
      CHECK(left < v.threshold);
      CHECK(f.symbols.front().name == "GTUBE");
      // Minimal: the first k-1 of the k largest weights (the best any k-1 symbols can do) are not enough.
      CHECK(left + f.symbols.back().score >= v.threshold);
    }
  }
}

TEST_CASE("spamd down, garbage, silent or too large message is unavailable", "[content][spamd]") {
  EngineOptions fast;
  fast.connect_timeout_ms = 500;
  fast.total_timeout_ms = 800;
  const ClientContext ctx{"192.0.2.1", "h", "", "mx"};
  const std::string msg = "Subject: x\r\n\r\nhi\r\n";
  {
    INFO("not listening");
    const Verdict v = spamd_check("127.0.0.1", free_tcp_port(), msg, ctx, "REPORT", "u", fast);
    CHECK_FALSE(v.available);
    CHECK(v.reason == "connect_failed");
  }
  {
    INFO("garbage answer");
    Scripted s("HTTP/1.1 200 OK\r\n\r\n<html>", true);
    const Verdict v = spamd_check("127.0.0.1", s.port, msg, ctx, "REPORT", "u", fast);
    CHECK_FALSE(v.available);
    CHECK(v.reason == "not_spamd");
  }
  {
    INFO("never answers");
    Scripted s("", false);
    const auto t0 = std::chrono::steady_clock::now();
    const Verdict v = spamd_check("127.0.0.1", s.port, msg, ctx, "REPORT", "u", fast);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    CHECK_FALSE(v.available);
    CHECK(v.reason == "answer_timeout");
    CHECK(ms.count() < 1400);
  }
  {
    INFO("33 MiB message, over the 32 MiB cap, is refused before connecting");
    const std::string big(33u * 1024u * 1024u, 'a');
    const Verdict v = spamd_check("127.0.0.1", free_tcp_port(), big, ctx, "REPORT", "u", fast);
    CHECK_FALSE(v.available);
    CHECK(v.reason == "too_large");
  }
}

TEST_CASE("rspamd verdicts carry rspamd's own score and action", "[content][rspamd]") {
  if (rspamd().port == 0) {
    WARN("rspamd not available (/usr/bin/rspamd missing or did not start); skipping");
    return;
  }
  struct Row {
    const char* label;
    std::string message;
    std::string action;  // empty: whatever rspamc says
  };
  const Row rows[] = {
      {"clean", "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Lunch\r\n"
                "Date: Thu, 03 Dec 2026 07:00:00 +0000\r\nMessage-ID: <1@example.org>\r\n\r\n"
                "Shall we have lunch on Friday?\r\n",
       "no action"},
      {"GTUBE", std::string("From: a@example.org\r\nTo: b@example.net\r\nSubject: t\r\n\r\n") + kGtube + "\r\n",
       "reject"},
  };
  const ClientContext ctx{"192.0.2.1", "mail.example.org", "", "mx.example.net"};
  for (const auto& r : rows) {
    INFO(r.label);
    const Verdict v = rspamd_check("http://127.0.0.1:" + std::to_string(rspamd().port), r.message, ctx,
                                   RspamdEnvelope{"alice@example.org", {"bob@example.net"}});
    REQUIRE(v.available);
    CHECK(v.action == r.action);
    const std::string file = rspamd().dir + "/msg.eml";
    std::ofstream(file, std::ios::binary) << r.message;
    const std::string out = run_with_input("rspamc -h 127.0.0.1:" + std::to_string(rspamd().port) +
                                    " -i 192.0.2.1 --helo mail.example.org -F alice@example.org -r bob@example.net"
                                    " --hostname unknown",
                                file);
    const auto at = out.find("Score: ");
    REQUIRE(at != std::string::npos);
    double score = 0, threshold = 0;
    REQUIRE(std::sscanf(out.c_str() + at, "Score: %lf / %lf", &score, &threshold) == 2);
    // DNS goes to the fixture NSD (answers or REFUSED at once), so the scores are stable enough to compare.
    INFO("rspamc said: " << out);
    CHECK(v.score == Approx(score));
    CHECK(v.threshold == Approx(threshold));
    CHECK(out.find("Action: " + v.action) != std::string::npos);
  }
}

TEST_CASE("rspamd down, garbage, silent or too large message is unavailable", "[content][rspamd]") {
  EngineOptions fast;
  fast.connect_timeout_ms = 500;
  fast.total_timeout_ms = 800;
  const ClientContext ctx{"192.0.2.1", "h", "", "mx"};
  const std::string msg = "Subject: x\r\n\r\nhi\r\n";
  {
    INFO("not listening");
    const Verdict v = rspamd_check("http://127.0.0.1:" + std::to_string(free_tcp_port()), msg, ctx, {}, "", fast);
    CHECK_FALSE(v.available);
    CHECK_FALSE(v.reason.empty());
  }
  {
    INFO("garbage answer");
    Scripted s("HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\n<html>", true);
    const Verdict v = rspamd_check("http://127.0.0.1:" + std::to_string(s.port), msg, ctx, {}, "", fast);
    CHECK_FALSE(v.available);
    CHECK(v.reason == "not_json");
  }
  {
    INFO("never answers");
    Scripted s("", false);
    const auto t0 = std::chrono::steady_clock::now();
    const Verdict v = rspamd_check("http://127.0.0.1:" + std::to_string(s.port), msg, ctx, {}, "", fast);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    CHECK_FALSE(v.available);
    CHECK(ms.count() < 1400);
  }
  {
    INFO("33 MiB message");
    const std::string big(33u * 1024u * 1024u, 'a');
    const Verdict v = rspamd_check("http://127.0.0.1:1", big, ctx, {}, "", fast);
    CHECK_FALSE(v.available);
    CHECK(v.reason == "too_large");
  }
}
