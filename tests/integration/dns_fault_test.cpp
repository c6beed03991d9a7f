// Faults: a server that never answers, SERVFAIL, REFUSED, a reply with the wrong ID, a closed port,
// an over-long label, a failing first server. TIMEOUT/SERVFAIL/REFUSED stay distinct and nothing hangs.
// Replies that are not data (referrals with and without RA, lame replies, TC=1 over TCP) are temperror,
// never NODATA; EDNS rejected is retried without; the next server is asked; a late reply to an earlier
// try counts; a dead first server costs one try per run, not per lookup. Asserted by counters, not clocks.
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>

#include "dns/caching_resolver.hpp"
#include "dns/live_resolver.hpp"
#include "fake_dns_server.hpp"
#include "output/writers.hpp"
#include "nsd_server.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using dns::RRType;
using dns::Status;
using Clock = std::chrono::steady_clock;
using Fake = test::FakeDnsServer;

namespace {

std::unique_ptr<dns::LiveResolver> resolver_for(const std::vector<std::string>& servers, int timeout_ms, int tries) {
  dns::LiveOptions lo;
  std::string err;
  for (const auto& s : servers) lo.servers.push_back(*dns::parse_server(s, err));
  lo.timeout_ms = timeout_ms;
  lo.tries = tries;
  return std::make_unique<dns::LiveResolver>(lo);
}

}  // namespace

TEST_CASE("a server that never answers gives TIMEOUT within timeout x tries", "[integration]") {
  test::FakeDnsServer silent(test::FakeDnsServer::silent());
  auto r = resolver_for({silent.address()}, 300, 2);
  auto t0 = Clock::now();
  auto a = r->lookup("example.com", RRType::A);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  INFO("got " << to_string(a.status) << " after " << ms << " ms, note: " << a.note);
  CHECK(a.status == Status::TIMEOUT);
  CHECK(a.unknown());
  CHECK_FALSE(a.absent());
  CHECK(ms >= 550);
  CHECK(ms < 1500);
  CHECK(silent.queries() == 2);
}

TEST_CASE("many lookups to a silent server all time out together, not one after another", "[integration]") {
  test::FakeDnsServer silent(test::FakeDnsServer::silent());
  auto r = resolver_for({silent.address()}, 300, 1);
  std::vector<dns::Query> qs;
  for (int i = 0; i < 50; ++i) qs.push_back({"n" + std::to_string(i) + ".example.com", RRType::A});
  auto t0 = Clock::now();
  auto answers = r->lookup_all(qs);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  INFO("50 lookups took " << ms << " ms");
  CHECK(ms < 1500);
  for (const auto& a : answers) CHECK(a.status == Status::TIMEOUT);
}

TEST_CASE("error answers stay distinct", "[integration]") {
  test::FakeDnsServer servfail(test::FakeDnsServer::rcode(2));
  test::FakeDnsServer formerr(test::FakeDnsServer::rcode(1));
  test::FakeDnsServer wrong(test::FakeDnsServer::wrong_id());
  struct Row {
    const char* label;
    std::string server;
    const char* name;
    Status want;
  };
  const Row rows[] = {
      {"SERVFAIL", servfail.address(), "example.com", Status::SERVFAIL},
      {"FORMERR is a server failure, not an absence", formerr.address(), "example.com", Status::SERVFAIL},
      {"REFUSED (NSD is not authoritative for .invalid)", test::fixture_nsd().address(), "refused.invalid", Status::REFUSED},
      {"a reply with the wrong ID is ignored", wrong.address(), "example.com", Status::TIMEOUT},
      {"a closed port", "127.0.0.1:" + std::to_string(test::free_port()), "example.com", Status::TIMEOUT},
  };
  for (const auto& row : rows) {
    auto r = resolver_for({row.server}, 300, 2);
    auto a = r->lookup(row.name, RRType::A);
    INFO(row.label << ": got " << to_string(a.status) << " (" << a.note << "), want " << to_string(row.want));
    CHECK(a.status == row.want);
    CHECK(a.unknown());
  }
}

TEST_CASE("a failing first server: the next try goes to the second", "[integration]") {
  test::FakeDnsServer silent(test::FakeDnsServer::silent());
  auto r = resolver_for({silent.address(), test::fixture_nsd().address()}, 300, 2);
  auto a = r->lookup("news.example.com", RRType::A);
  INFO("got " << to_string(a.status) << " from " << a.server);
  CHECK(a.status == Status::NOERROR);
  CHECK(a.server.rfind(test::fixture_nsd().address(), 0) == 0);
}

TEST_CASE("names that cannot exist are not queried", "[integration]") {
  test::FakeDnsServer counter(test::FakeDnsServer::rcode(3));
  auto r = resolver_for({counter.address()}, 300, 1);
  struct Row {
    const char* label;
    std::string name;
  };
  const Row rows[] = {
      {"64-octet label", std::string(64, 'a') + ".example.com"},
      {"name over 253 octets", std::string(60, 'a') + "." + std::string(60, 'b') + "." + std::string(60, 'c') + "." +
                                   std::string(60, 'd') + "." + std::string(20, 'e') + ".com"},
      {"empty label", "a..example.com"},
      {"empty name", ""},
  };
  for (const auto& row : rows) {
    auto a = r->lookup(row.name, RRType::A);
    INFO(row.label << ": got " << to_string(a.status) << " (" << a.note << ")");
    CHECK(a.status == Status::NXDOMAIN);
    CHECK(a.note.rfind("not queried", 0) == 0);
  }
  CHECK(counter.queries() == 0);
  auto ok63 = r->lookup(std::string(63, 'a') + ".example.com", RRType::A);
  CHECK(counter.queries() == 1);
  CHECK(ok63.status == Status::NXDOMAIN);
}

TEST_CASE("the cache answers a repeated question once, also while it is in flight", "[integration]") {
  test::FakeDnsServer slow(test::FakeDnsServer::forward(test::fixture_nsd().address(), std::chrono::milliseconds(100)));
  auto live = resolver_for({slow.address()}, 1000, 1);
  dns::CachingResolver cache(*live);
  std::vector<dns::Query> qs(40, dns::Query{"news.example.com", RRType::A});
  qs.push_back({"NEWS.example.com.", RRType::A});  // the same question, written differently
  qs.push_back({"news.example.com", RRType::MX});   // a different one
  auto answers = cache.lookup_all(qs);
  for (const auto& a : answers) CHECK(a.status == Status::NOERROR);
  INFO("questions sent " << live->questions_sent() << ", server saw " << slow.queries());
  CHECK(live->questions_sent() == 2);
  CHECK(slow.queries() == 2);
  CHECK(cache.hits() == 40);
}

namespace {

const char* kSoa = "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 86400 60";

std::string tries_text(const dns::Answer& a) {
  std::string s;
  for (const auto& t : a.tries)
    s += (s.empty() ? "" : "; ") + t.server + " " + t.transport + (t.edns ? "+edns " : " ") + t.result +
         (t.late ? " (late)" : "") + (t.note.empty() ? "" : " (" + t.note + ")");
  return s;
}

}  // namespace

TEST_CASE("replies that are neither data nor authoritative absence are temperror, never NODATA", "[integration]") {
  struct Row {
    const char* label;
    Fake::Spec spec;
    const char* want_result;   // of the bad server's last try
    std::size_t want_queries;  // the bad server sees for one lookup
  };
  auto spec = [](int rcode, bool ra, bool aa, std::vector<std::string> authority, bool tc = false) {
    Fake::Spec s;
    s.rcode = rcode;
    s.ra = ra;
    s.aa = aa;
    s.authority = std::move(authority);
    s.tc = tc;
    return s;
  };
  const Row rows[] = {
      {"referral from a server without RA", spec(0, false, false, {"example.com. 3600 IN NS ns1.example.com."}), "REFERRAL", 1},
      {"referral from a server with RA", spec(0, true, false, {"example.com. 3600 IN NS ns1.example.com."}), "REFERRAL", 1},
      {"upward referral to the root", spec(0, false, false, {". 3600 IN NS a.root-servers.net."}), "REFERRAL", 1},
      {"referral to an unrelated zone", spec(0, false, false, {"example.org. 3600 IN NS ns1.example.org."}), "REFERRAL", 1},
      {"NXDOMAIN with a referral, no SOA", spec(3, false, false, {"com. 3600 IN NS a.gtld-servers.net."}), "REFERRAL", 1},
      {"no answer, no authority, RA=0 AA=0", spec(0, false, false, {}), "LAME", 1},
      {"NXDOMAIN without SOA from a server with RA=0 AA=0", spec(3, false, false, {}), "LAME", 1},
      {"NODATA with the SOA of an unrelated zone",
       spec(0, true, false, {"example.org. 300 IN SOA ns1.example.org. h.example.org. 1 3600 600 86400 60"}), "LAME", 1},
      {"TC=1 over TCP too", spec(0, true, false, {}, true), "TRUNCATED", 2},
  };
  for (const auto& row : rows) {
    SECTION(row.label) {
      // Alone: temperror.
      Fake bad(Fake::respond(row.spec));
      auto r = resolver_for({bad.address()}, 500, 2);
      auto a = r->lookup("www.example.com", RRType::A);
      INFO(row.label << ": got " << to_string(a.status) << " (" << a.note << "), tries: " << tries_text(a));
      CHECK(a.status == Status::SERVFAIL);
      CHECK(a.unknown());
      CHECK_FALSE(a.absent());
      REQUIRE_FALSE(a.tries.empty());
      CHECK(a.tries.back().result == row.want_result);
      CHECK(bad.queries() == row.want_queries);
      if (std::string(row.want_result) == "TRUNCATED") CHECK(bad.tcp_queries() == 1);

      // With a good second server: its data, and the bad server is not asked first again.
      Fake bad2(Fake::respond(row.spec));
      Fake good(Fake::answer_a());
      auto r2 = resolver_for({bad2.address(), good.address()}, 500, 2);
      auto b = r2->lookup("www.example.com", RRType::A);
      INFO("with a good server: got " << to_string(b.status) << " from " << b.server << ", tries: " << tries_text(b));
      CHECK(b.status == Status::NOERROR);
      CHECK(b.server == good.address());
      CHECK(bad2.queries() == row.want_queries);
      auto c = r2->lookup("mail.example.com", RRType::A);
      CHECK(c.status == Status::NOERROR);
      CHECK(bad2.queries() == row.want_queries);
      CHECK(good.queries() == 2);
    }
  }
}

TEST_CASE("authoritative negative replies stay NODATA and NXDOMAIN", "[integration]") {
  struct Row {
    const char* label;
    int rcode;
    bool ra, aa;
    std::vector<std::string> authority;
    Status want;
  };
  const Row rows[] = {
      {"NODATA with SOA from an authoritative server (RA=0)", 0, false, true, {kSoa}, Status::NODATA},
      {"NODATA with SOA and NS", 0, false, true, {kSoa, "example.com. 3600 IN NS ns1.example.com."}, Status::NODATA},
      {"NODATA without authority from a recursive server", 0, true, false, {}, Status::NODATA},
      {"NODATA without authority from an authoritative server", 0, false, true, {}, Status::NODATA},
      {"NXDOMAIN with SOA from a recursive server", 3, true, false, {kSoa}, Status::NXDOMAIN},
      {"NXDOMAIN without SOA from an authoritative server", 3, false, true, {}, Status::NXDOMAIN},
  };
  for (const auto& row : rows) {
    Fake::Spec spec;
    spec.rcode = row.rcode;
    spec.ra = row.ra;
    spec.aa = row.aa;
    spec.authority = row.authority;
    Fake server(Fake::respond(spec));
    auto r = resolver_for({server.address()}, 500, 2);
    auto a = r->lookup("www.example.com", RRType::A);
    INFO(row.label << ": got " << to_string(a.status) << " (" << a.note << "), want " << to_string(row.want)
                   << ", tries: " << tries_text(a));
    CHECK(a.status == row.want);
    CHECK(server.queries() == 1);
    if (!row.authority.empty()) CHECK(a.ttl == 60u);
  }
}

TEST_CASE("EDNS rejected: asked again without EDNS, and remembered per server", "[integration]") {
  struct Row {
    const char* label;
    int rcode;
    const char* result;
  };
  const Row rows[] = {{"FORMERR", 1, "FORMERR"}, {"NOTIMP", 4, "NOTIMP"}, {"BADVERS", 16, "BADVERS"}};
  for (const auto& row : rows) {
    Fake server(Fake::reject_edns(row.rcode));
    auto r = resolver_for({server.address()}, 500, 2);
    auto a = r->lookup("www.example.com", RRType::A);
    INFO(row.label << ": got " << to_string(a.status) << " (" << a.note << "), tries: " << tries_text(a));
    CHECK(a.status == Status::NOERROR);
    REQUIRE(a.tries.size() == 2);
    CHECK(a.tries[0].edns);
    CHECK(a.tries[0].result == row.result);
    CHECK_FALSE(a.tries[1].edns);
    CHECK(a.tries[1].result == "NOERROR");
    CHECK(server.queries() == 2);
    CHECK(server.edns_queries() == 1);
    // Remembered: the next lookup goes without EDNS at once.
    auto b = r->lookup("mail.example.com", RRType::A);
    CHECK(b.status == Status::NOERROR);
    CHECK(server.queries() == 3);
    CHECK(server.edns_queries() == 1);
    CHECK(r->server_stats().at(0).no_edns);
  }
  // FORMERR with and without EDNS: a broken server, temperror after one retry without EDNS.
  Fake formerr(Fake::rcode(1));
  auto r = resolver_for({formerr.address()}, 500, 2);
  auto a = r->lookup("www.example.com", RRType::A);
  INFO("FORMERR always: got " << to_string(a.status) << ", tries: " << tries_text(a));
  CHECK(a.status == Status::SERVFAIL);
  CHECK(formerr.queries() == 2);
}

TEST_CASE("REFUSED or SERVFAIL from the first server: the next server answers", "[integration]") {
  struct Row {
    const char* label;
    int rcode;
    const char* result;
    std::size_t want_bad_after_two;  // queries the bad server saw after two lookups
  };
  const Row rows[] = {
      {"REFUSED: held against the server for the run", 5, "REFUSED", 1},
      {"SERVFAIL: about the name, asked again next time", 2, "SERVFAIL", 2},
  };
  for (const auto& row : rows) {
    Fake bad(Fake::rcode(row.rcode));
    Fake good(Fake::answer_a());
    auto r = resolver_for({bad.address(), good.address()}, 500, 2);
    auto a = r->lookup("www.example.com", RRType::A);
    INFO(row.label << ": got " << to_string(a.status) << " from " << a.server << ", tries: " << tries_text(a));
    CHECK(a.status == Status::NOERROR);
    CHECK(a.server == good.address());
    REQUIRE(a.tries.size() == 2);
    CHECK(a.tries[0].server == bad.address());
    CHECK(a.tries[0].result == row.result);
    CHECK(a.tries[1].server == good.address());
    CHECK(a.tries[1].result == "NOERROR");
    auto b = r->lookup("mail.example.com", RRType::A);
    CHECK(b.status == Status::NOERROR);
    CHECK(bad.queries() == row.want_bad_after_two);
    CHECK(good.queries() == 2);
  }
  // Every server unusable: the most telling status, and the note names each server's reply.
  Fake refused(Fake::rcode(5));
  Fake servfail(Fake::rcode(2));
  auto r = resolver_for({refused.address(), servfail.address()}, 500, 2);
  auto a = r->lookup("www.example.com", RRType::A);
  INFO("both unusable: got " << to_string(a.status) << " (" << a.note << ")");
  CHECK(a.status == Status::SERVFAIL);
  CHECK(a.note.find(refused.address() + " REFUSED") != std::string::npos);
  CHECK(a.note.find(servfail.address() + " SERVFAIL") != std::string::npos);
}

TEST_CASE("a late answer to an earlier try still counts", "[integration]") {
  SECTION("same server: the reply to the first try comes after the second try was sent") {
    Fake* self = nullptr;
    Fake server([&self](const Fake::Query& q) -> std::optional<Fake::Reply> {
      if (q.seq == 0) return Fake::Reply{Fake::build(q, Fake::Spec{0, false, true, false, {"{q} 300 IN A 192.0.2.7"}, {}, false}), {}, true};
      self->release();  // the second try is here: now answer the first
      return std::nullopt;
    });
    self = &server;
    auto r = resolver_for({server.address()}, 500, 2);
    auto a = r->lookup("www.example.com", RRType::A);
    INFO("got " << to_string(a.status) << ", tries: " << tries_text(a));
    CHECK(a.status == Status::NOERROR);
    CHECK(server.queries() == 2);
    REQUIRE(a.tries.size() == 2);
    CHECK(a.tries[0].late);
    CHECK(a.tries[0].result == "NOERROR");
    CHECK(a.tries[1].result == "UNANSWERED");
  }
  SECTION("other server: the first server's late reply comes while the second is being asked") {
    Fake first(Fake::held_answer());
    Fake second([&first](const Fake::Query&) -> std::optional<Fake::Reply> {
      first.release();
      return std::nullopt;
    });
    auto r = resolver_for({first.address(), second.address()}, 500, 2);
    auto a = r->lookup("www.example.com", RRType::A);
    INFO("got " << to_string(a.status) << " from " << a.server << ", tries: " << tries_text(a));
    CHECK(a.status == Status::NOERROR);
    CHECK(a.server == first.address());
    CHECK(first.queries() == 1);
    CHECK(second.queries() == 1);
    REQUIRE(a.tries.size() == 2);
    CHECK(a.tries[0].late);
    CHECK(a.tries[1].server == second.address());
  }
}

TEST_CASE("a dead first server costs one try per lookup path, not one per lookup", "[integration]") {
  SECTION("50 lookups one after another: the silent server is asked once") {
    Fake silent(Fake::silent());
    Fake good(Fake::answer_a());
    auto r = resolver_for({silent.address(), good.address()}, 200, 2);
    for (int i = 0; i < 50; ++i) {
      auto a = r->lookup("n" + std::to_string(i) + ".example.com", RRType::A);
      INFO("lookup " << i << ": got " << to_string(a.status) << " from " << a.server);
      CHECK(a.status == Status::NOERROR);
      CHECK(a.server == good.address());
    }
    INFO("silent server saw " << silent.queries() << " queries, good " << good.queries());
    CHECK(silent.queries() == 1);
    CHECK(good.queries() == 50);
    CHECK(r->server_stats().at(0).failures >= 1);
  }
  SECTION("50 lookups at once, then 50 more: at most one wasted try each, none in the second wave") {
    Fake silent(Fake::silent());
    Fake good(Fake::answer_a());
    auto r = resolver_for({silent.address(), good.address()}, 200, 2);
    std::vector<dns::Query> wave1, wave2;
    for (int i = 0; i < 50; ++i) {
      wave1.push_back({"a" + std::to_string(i) + ".example.com", RRType::A});
      wave2.push_back({"b" + std::to_string(i) + ".example.com", RRType::A});
    }
    for (const auto& a : r->lookup_all(wave1)) CHECK(a.status == Status::NOERROR);
    std::size_t first = silent.queries();
    INFO("first wave: silent server saw " << first);
    CHECK(first <= 50);
    for (const auto& a : r->lookup_all(wave2)) CHECK(a.status == Status::NOERROR);
    CHECK(silent.queries() == first);
    CHECK(good.queries() == 100);
  }
  SECTION("a closed port first: one packet to it across 50 lookups") {
    Fake good(Fake::answer_a());
    auto r = resolver_for({"127.0.0.1:" + std::to_string(test::free_port()), good.address()}, 200, 2);
    for (int i = 0; i < 50; ++i) CHECK(r->lookup("c" + std::to_string(i) + ".example.com", RRType::A).status == Status::NOERROR);
    auto stats = r->server_stats();
    INFO("packets to the closed port: " << stats.at(0).packets);
    CHECK(stats.at(0).packets == 1);
    CHECK(good.queries() == 50);
  }
}

TEST_CASE("the query log records each try: server, transport, result, UTC time", "[integration]") {
  Fake refused(Fake::rcode(5));
  Fake good(Fake::answer_a());
  auto r = resolver_for({refused.address(), good.address()}, 500, 2);
  auto a = r->lookup("www.example.com", RRType::A);
  REQUIRE(a.tries.size() == 2);
  const std::regex utc_ms(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  struct Row {
    const char* label;
    const dns::Try& got;
    std::string server;
    const char* result;
  };
  const Row rows[] = {{"first try", a.tries[0], refused.address(), "REFUSED"}, {"second try", a.tries[1], good.address(), "NOERROR"}};
  for (const auto& row : rows) {
    INFO(row.label << ": got " << row.got.server << " " << row.got.result << " at " << row.got.at << ", want " << row.server
                   << " " << row.result);
    CHECK(row.got.server == row.server);
    CHECK(row.got.result == row.result);
    CHECK(row.got.transport == "udp");
    CHECK(row.got.query == "www.example.com");
    CHECK(std::regex_match(row.got.at, utc_ms));
    CHECK(row.got.rtt_ms.has_value());
  }
  // The JSON query log carries them (extending, not renaming, the fields of a query).
  Report report;
  report.dns.queries.push_back(a);
  auto j = report_json(report, WriterOptions{});
  const auto& q = j["dns"]["queries"][0];
  CHECK(q["status"] == "NOERROR");
  CHECK(q["server"] == good.address());
  REQUIRE(q["tries"].size() == 2);
  CHECK(q["tries"][0]["server"] == refused.address());
  CHECK(q["tries"][0]["result"] == "REFUSED");
  CHECK(q["tries"][1]["at"].get<std::string>() == a.tries[1].at);
  // And the Markdown report for a postmaster ticket lists them with their time.
  std::string md = report_markdown(report, WriterOptions{});
  INFO(md);
  CHECK(md.find("### DNS tries") != std::string::npos);
  CHECK(md.find("| " + a.tries[0].at + " | www.example.com | A | " + refused.address() + " | udp | REFUSED |") != std::string::npos);
}
