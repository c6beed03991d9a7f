// Faults: a server that never answers, SERVFAIL, REFUSED, a reply with the wrong ID, a closed port,
// an over-long label, a failing first server. TIMEOUT/SERVFAIL/REFUSED stay distinct and nothing hangs.
#include <catch2/catch.hpp>

#include <chrono>

#include "dns/caching_resolver.hpp"
#include "dns/live_resolver.hpp"
#include "fake_dns_server.hpp"
#include "nsd_server.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using dns::RRType;
using dns::Status;
using Clock = std::chrono::steady_clock;

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
