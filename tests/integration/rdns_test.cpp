// The rdns check on the fixture reverse zones, through NSD (live) and through the zone files.
#include <catch2/catch.hpp>

#include "dns/live_resolver.hpp"
#include "dns/zone_resolver.hpp"
#include "fake_dns_server.hpp"
#include "nsd_server.hpp"
#include "test_support.hpp"

using namespace mailaudit;

namespace {

const std::string kMessage = test::crlf("From: News <news@news.example.com>\nTo: r@example.net\nSubject: s\n"
                                        "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n\nbody\n");

std::vector<std::string> rdns_ids(const Report& r) {
  std::vector<std::string> ids;
  for (const auto& f : r.findings)
    if (f.check == "rdns") ids.push_back(f.id);
  return ids;
}

Envelope with_ip(const std::string& ip) {
  Envelope e;
  e.ip = ip;
  return e;
}

}  // namespace

TEST_CASE("rdns findings, live against NSD and from zone files", "[integration]") {
  std::string err;
  dns::LiveOptions lo;
  lo.servers.push_back(*dns::parse_server(test::fixture_nsd().address(), err));
  lo.timeout_ms = 1000;
  dns::LiveResolver live(lo);
  auto zones = std::make_shared<dns::ZoneSet>();
  zones->load_path((test::source_dir() / "fixtures" / "dns").string());
  dns::ZoneResolver offline(zones, nullptr);

  struct Row {
    const char* label;
    const char* ip;
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {"PTR confirmed", "192.0.2.10", {"rdns.ok"}},
      {"generic and unconfirmed", "192.0.2.77", {"rdns.unconfirmed", "rdns.generic"}},
      {"no PTR", "192.0.2.11", {"rdns.missing"}},
      {"PTR name without an address", "192.0.2.12", {"rdns.unconfirmed"}},
      {"PTR value is not a host name", "192.0.2.14", {"rdns.missing"}},
      {"two PTR names, the second confirms", "192.0.2.15", {"rdns.ok"}},
      {"IPv6 confirmed", "2001:db8::25", {"rdns.ok"}},
      {"IPv6 without PTR", "2001:db8::26", {"rdns.missing"}},
  };
  for (dns::Resolver* resolver : {static_cast<dns::Resolver*>(&live), static_cast<dns::Resolver*>(&offline)}) {
    for (const auto& row : rows) {
      Report r = test::audit_text(kMessage, with_ip(row.ip), *resolver);
      auto ids = rdns_ids(r);
      INFO(resolver->mode() << ", " << row.label << " (" << row.ip << "): got " << test::join(ids) << ", want "
                            << test::join(row.want));
      CHECK(ids == row.want);
      for (const auto& f : r.findings)
        if (f.check == "rdns") CHECK(!f.evidence.empty());
    }
  }
}

TEST_CASE("rdns: a timeout is a temporary error; without --ip the check does not run", "[integration]") {
  test::FakeDnsServer silent(test::FakeDnsServer::silent());
  std::string err;
  dns::LiveOptions lo;
  lo.servers.push_back(*dns::parse_server(silent.address(), err));
  lo.timeout_ms = 200;
  lo.tries = 1;
  dns::LiveResolver live(lo);
  Report r = test::audit_text(kMessage, with_ip("192.0.2.10"), live);
  INFO("got " << test::join(rdns_ids(r)));
  CHECK(rdns_ids(r) == std::vector<std::string>{"rdns.temperror"});

  Report no_ip = test::audit_text(kMessage, {}, live);
  CHECK(rdns_ids(no_ip).empty());
  INFO("not run: " << test::join(no_ip.not_run));
  CHECK(std::find(no_ip.not_run.begin(), no_ip.not_run.end(), "rdns: needs --ip") != no_ip.not_run.end());
}
