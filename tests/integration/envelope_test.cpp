// The envelope checks (sender) on the fixture zones, through NSD (live) and through the zone files.
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

std::vector<std::string> ids_of(const Report& r, const std::string& check) {
  std::vector<std::string> ids;
  for (const auto& f : r.findings)
    if (f.check == check) ids.push_back(f.id);
  return ids;
}

}  // namespace

TEST_CASE("sender findings, live against NSD and from zone files", "[integration]") {
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
    const char* mail_from;
    const char* want;
  };
  const Row rows[] = {
      {"MX hosts with addresses", "bounces@news.example.com", "sender.ok"},
      {"null sender", "", "sender.null"},
      {"not an address", "bounces", "sender.invalid"},
      {"does not exist", "b@nope.example.com", "sender.nxdomain"},
      {"null MX", "b@nullmx.example.com", "sender.null_mx"},
      {"neither MX nor address", "b@txtonly.example.com", "sender.no_mail"},
      {"address only", "b@aonly.example.com", "sender.a_only"},
      {"MX hosts without addresses", "b@lostmx.example.com", "sender.mx_unresolvable"},
  };
  for (dns::Resolver* resolver : {static_cast<dns::Resolver*>(&live), static_cast<dns::Resolver*>(&offline)}) {
    for (const auto& row : rows) {
      Envelope env;
      env.mail_from = row.mail_from;
      Report r = test::audit_text(kMessage, env, *resolver);
      auto ids = ids_of(r, "sender");
      INFO(resolver->mode() << ", " << row.label << ": got " << test::join(ids) << ", want " << row.want);
      CHECK(ids == std::vector<std::string>{row.want});
    }
  }
}

TEST_CASE("sender: a timeout is a temporary error, never a missing domain", "[integration]") {
  test::FakeDnsServer silent(test::FakeDnsServer::silent());
  std::string err;
  dns::LiveOptions lo;
  lo.servers.push_back(*dns::parse_server(silent.address(), err));
  lo.timeout_ms = 200;
  lo.tries = 1;
  dns::LiveResolver live(lo);
  Envelope env;
  env.mail_from = "bounces@news.example.com";
  Report r = test::audit_text(kMessage, env, live);
  INFO("got " << test::join(ids_of(r, "sender")));
  CHECK(ids_of(r, "sender") == std::vector<std::string>{"sender.temperror"});
}
