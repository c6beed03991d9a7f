// The same fixture zones answered two ways: by NSD on 127.0.0.1 through the live resolver, and by the
// zone-file resolver (--zone). Every fixture query must get the same answer both ways.
#include <catch2/catch.hpp>

#include "dns/live_resolver.hpp"
#include "dns/zone_resolver.hpp"
#include "nsd_server.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using dns::RRType;
using dns::Status;

namespace {

struct Fixture {
  std::unique_ptr<dns::LiveResolver> live;
  std::unique_ptr<dns::ZoneResolver> zones;
};

Fixture& fixture() {
  static Fixture f{test::live_resolver(test::fixture_nsd().address()), test::fixture_zone_resolver()};
  return f;
}

std::vector<std::string> records_text(const dns::Answer& a) {
  std::vector<std::string> out;
  for (const auto& r : a.records)
    out.push_back(r.name + " " + std::string(to_string(r.type)) + " " + std::to_string(r.preference) + " " + r.value);
  std::sort(out.begin(), out.end());
  return out;
}

struct Row {
  const char* label;
  const char* name;
  RRType type;
  Status want;
  std::size_t want_records;
};

const Row kRows[] = {
    {"apex A", "example.com", RRType::A, Status::NOERROR, 1},
    {"apex MX", "example.com", RRType::MX, Status::NOERROR, 1},
    {"apex TXT", "example.com", RRType::TXT, Status::NOERROR, 1},
    {"apex SOA", "example.com", RRType::SOA, Status::NOERROR, 1},
    {"apex NS", "example.com", RRType::NS, Status::NOERROR, 1},
    {"AAAA", "mx.example.com", RRType::AAAA, Status::NOERROR, 1},
    {"NODATA: name without the type", "mx.example.com", RRType::MX, Status::NODATA, 0},
    {"NXDOMAIN", "no-such-name.example.com", RRType::A, Status::NXDOMAIN, 0},
    {"mixed case is the same name", "NEWS.Example.COM", RRType::A, Status::NOERROR, 1},
    {"TXT joined from strings", "split.example.com", RRType::TXT, Status::NOERROR, 1},
    {"CNAME chain in zone", "www.example.com", RRType::A, Status::NOERROR, 1},
    {"CNAME asked for itself", "www.example.com", RRType::CNAME, Status::NOERROR, 1},
    {"CNAME chain across zones", "ext.example.com", RRType::A, Status::NOERROR, 1},
    {"CNAME to a missing name", "dangling.example.com", RRType::A, Status::NXDOMAIN, 0},
    {"CNAME loop", "loop1.example.com", RRType::A, Status::SERVFAIL, 0},
    {"wildcard", "anything.wild.example.com", RRType::A, Status::NOERROR, 1},
    {"wildcard, deeper", "a.b.wild.example.com", RRType::TXT, Status::NOERROR, 1},
    {"wildcard, type absent", "anything.wild.example.com", RRType::MX, Status::NODATA, 0},
    {"empty non-terminal", "y.example.com", RRType::A, Status::NODATA, 0},
    {"below an empty non-terminal", "x.y.example.com", RRType::A, Status::NOERROR, 1},
    {"null MX", "nullmx.example.com", RRType::MX, Status::NOERROR, 1},
    {"A only: MX NODATA", "aonly.example.com", RRType::MX, Status::NODATA, 0},
    {"TXT only: A NODATA", "txtonly.example.com", RRType::A, Status::NODATA, 0},
    {"TXT over 1232 octets (TCP)", "bigtxt.example.com", RRType::TXT, Status::NOERROR, 3},
    {"PTR", "10.2.0.192.in-addr.arpa", RRType::PTR, Status::NOERROR, 1},
    {"PTR missing", "11.2.0.192.in-addr.arpa", RRType::PTR, Status::NXDOMAIN, 0},
    {"IPv6 PTR", "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", RRType::PTR, Status::NOERROR, 1},
    {"second zone MX", "mail.example.net", RRType::MX, Status::NOERROR, 1},
    {"second zone NXDOMAIN", "nope.example.net", RRType::AAAA, Status::NXDOMAIN, 0},
};

}  // namespace

TEST_CASE("zone files and the live resolver against NSD give the same answers", "[integration]") {
  auto& f = fixture();
  for (const auto& row : kRows) {
    dns::Answer live = f.live->lookup(row.name, row.type);
    dns::Answer zone = f.zones->lookup(row.name, row.type);
    INFO(row.label << " (" << row.name << " " << to_string(row.type) << "): live " << to_string(live.status) << " "
                   << test::join(records_text(live)) << " [" << live.note << "], zone " << to_string(zone.status) << " "
                   << test::join(records_text(zone)) << " [" << zone.note << "]");
    CHECK(live.status == row.want);
    CHECK(zone.status == row.want);
    CHECK(live.records.size() == row.want_records);
    CHECK(records_text(live) == records_text(zone));
    CHECK(live.cnames == zone.cnames);
    CHECK(live.ttl == zone.ttl);
  }
}

TEST_CASE("specific answers: joined TXT, null MX, CNAME chain, TCP fallback", "[integration]") {
  auto& f = fixture();
  for (dns::Resolver* r : {static_cast<dns::Resolver*>(f.live.get()), static_cast<dns::Resolver*>(f.zones.get())}) {
    INFO("mode " << r->mode());
    auto split = r->lookup("split.example.com", RRType::TXT);
    REQUIRE(split.records.size() == 1);
    CHECK(split.records[0].value == "v=spf1 ip4:192.0.2.0/24 -all");
    auto nullmx = r->lookup("nullmx.example.com", RRType::MX);
    REQUIRE(nullmx.records.size() == 1);
    CHECK(nullmx.records[0].value.empty());
    CHECK(nullmx.records[0].preference == 0);
    auto www = r->lookup("www.example.com", RRType::A);
    CHECK(www.cnames == std::vector<std::string>{"web.example.com", "host.example.com"});
    REQUIRE(www.records.size() == 1);
    CHECK(www.records[0].value == "192.0.2.80");
    auto big = r->lookup("bigtxt.example.com", RRType::TXT);
    REQUIRE(big.records.size() == 3);
    CHECK(big.records[0].value.size() == 500);
  }
  auto big = f.live->lookup("bigtxt.example.com", RRType::TXT);
  INFO("server " << big.server);
  CHECK(big.server.find("(tcp)") != std::string::npos);
}
