// The from_domain check on the fixture zones, through NSD (live) and through the zone files: the same
// finding both ways, with the queries as evidence; and a timeout gives a temporary error, never "missing".
#include <catch2/catch.hpp>

#include "dns/live_resolver.hpp"
#include "dns/zone_resolver.hpp"
#include "fake_dns_server.hpp"
#include "nsd_server.hpp"
#include "test_support.hpp"

using namespace mailaudit;

namespace {

std::string message_from(const std::string& address) {
  return test::crlf("From: Sender <" + address + ">\nTo: r@example.net\nSubject: s\n"
                    "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n\nbody\n");
}

std::vector<std::string> from_ids(const Report& r) {
  std::vector<std::string> ids;
  for (const auto& f : r.findings)
    if (f.check == "from_domain") ids.push_back(f.id);
  return ids;
}

}  // namespace

TEST_CASE("from_domain findings, live against NSD and from zone files", "[integration]") {
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
    const char* address;
    const char* want;
  };
  const Row rows[] = {
      {"MX and A", "news@news.example.com", "from.ok"},
      {"A only (implicit MX)", "x@aonly.example.com", "from.ok"},
      {"does not exist", "x@nope.example.com", "from.nxdomain"},
      {"null MX", "x@nullmx.example.com", "from.null_mx"},
      {"neither MX nor address", "x@txtonly.example.com", "from.no_mail"},
      {"MX but no address", "x@mail.example.net", "from.no_address"},
  };
  for (dns::Resolver* resolver : {static_cast<dns::Resolver*>(&live), static_cast<dns::Resolver*>(&offline)}) {
    for (const auto& row : rows) {
      Report r = test::audit_text(message_from(row.address), {}, *resolver);
      auto ids = from_ids(r);
      INFO(resolver->mode() << ", " << row.label << ": got " << test::join(ids) << ", want " << row.want);
      REQUIRE(ids.size() == 1);
      CHECK(ids[0] == row.want);
      const Finding& f = *std::find_if(r.findings.begin(), r.findings.end(), [](const Finding& x) { return x.check == "from_domain"; });
      // MX, A, AAAA of the domain, then A and AAAA of each MX host; all of it in the report's query log.
      CHECK(f.evidence.size() >= 3);
      for (const auto& e : f.evidence) {
        bool logged = std::any_of(r.dns.queries.begin(), r.dns.queries.end(),
                                  [&](const dns::Answer& q) { return q.name == e.name && q.type == e.type; });
        INFO(e.name << " " << to_string(e.type) << " is evidence but not in the query log");
        CHECK(logged);
      }
    }
  }
}

TEST_CASE("from_domain: timeouts are a temporary error, offline is 'not checked'", "[integration]") {
  test::FakeDnsServer silent(test::FakeDnsServer::silent());
  std::string err;
  dns::LiveOptions lo;
  lo.servers.push_back(*dns::parse_server(silent.address(), err));
  lo.timeout_ms = 200;
  lo.tries = 1;
  dns::LiveResolver live(lo);
  Report r = test::audit_text(message_from("news@news.example.com"), {}, live);
  INFO("got " << test::join(from_ids(r)));
  CHECK(from_ids(r) == std::vector<std::string>{"from.temperror"});

  auto zones = std::make_shared<dns::ZoneSet>();
  zones->load_path((test::source_dir() / "fixtures" / "dns").string());
  dns::ZoneResolver offline(zones, nullptr);
  Report o = test::audit_text(message_from("someone@gmail.com"), {}, offline);
  INFO("got " << test::join(from_ids(o)));
  CHECK(from_ids(o) == std::vector<std::string>{"from.not_checked"});
}
