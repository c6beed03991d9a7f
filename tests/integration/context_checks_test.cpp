// The DNS checks on the fixture zones through NSD (live) and through the zone files: the same verdicts and
// evidence both ways. Then the faults a real network gives: a dead list and a resolver that never answers.
#include <catch2/catch.hpp>

#include <map>

#include "fake_dns_server.hpp"
#include "nsd_server.hpp"
#include "test_support.hpp"

using namespace mailaudit;

namespace {

const std::string kMessage = test::message_from();

struct Resolvers {
  std::unique_ptr<dns::LiveResolver> live = test::live_resolver(test::fixture_nsd().address());
  std::unique_ptr<dns::ZoneResolver> zones = test::fixture_zone_resolver();
  std::vector<dns::Resolver*> both() { return {live.get(), zones.get()}; }
};

Resolvers& resolvers() {
  static Resolvers r;
  return r;
}

Envelope env(std::optional<std::string> ip, std::optional<std::string> helo = {},
             std::optional<std::string> mail_from = {}, std::vector<std::string> rcpt = {}) {
  Envelope e;
  e.ip = std::move(ip);
  e.helo = std::move(helo);
  e.mail_from = std::move(mail_from);
  e.rcpt = std::move(rcpt);
  return e;
}

std::string from_message(const std::string& from, const std::string& body = "body") {
  return test::crlf("From: Sender <" + from + ">\nTo: r@example.net\nSubject: s\n"
                    "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n\n" + body + "\n");
}

// The DNS checks' findings: id, severity and the evidence cited, as one comparable line each.
std::vector<std::string> dns_verdicts(const Report& r) {
  static const std::vector<std::string> dns_checks{"rdns", "dnsbl", "helo", "domain_lists", "spf_helo", "spf", "sender",
                                                   "rcpt", "from_domain", "dmarc", "uri", "bulk"};
  std::vector<std::string> out;
  for (const auto& f : r.findings) {
    if (std::find(dns_checks.begin(), dns_checks.end(), f.check) == dns_checks.end()) continue;
    std::string line = f.id + " " + std::string(to_string(f.severity)) + " " + f.title;
    // A name outside the fixture zones is REFUSED by NSD and OFFLINE in the zone files: both "cannot tell".
    for (const auto& e : f.evidence)
      line += " | " + e.name + " " + std::string(dns::to_string(e.type)) + " " +
              (e.unknown() ? std::string("unknown") : std::string(dns::to_string(e.status))) + " " + dns::presentation(e);
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

// The per-check expectations are unit tests over the zone files (tests/unit/checks/); here the same
// scenarios go through a real DNS server too, and must give the same verdicts and the same evidence.
TEST_CASE("NSD and the zone files give every DNS check the same verdicts and evidence", "[integration]") {
  struct Scenario {
    const char* label;
    Envelope env;
    std::string message;
  };
  const Scenario scenarios[] = {
      {"the bundled context", env("192.0.2.10", "mail.news.example.com", "b@news.example.com", {"a@example.net"}), kMessage},
      {"generic, listed address", env("192.0.2.77", "mailhost", "b@nope.example.com", {"c@nope.example.net"}), kMessage},
      {"error-code answers", env("192.0.2.66"), kMessage},
      {"outside 127/8", env("192.0.2.88"), kMessage},
      {"PTR without address, null MX", env("192.0.2.12", "txtonly.example.com", "b@nullmx.example.com", {"d@nullmx.example.com"}),
       kMessage},
      {"two PTRs, lost MX hosts", env("192.0.2.15", "shop.example.org", "b@lostmx.example.com", {"f@lostmx.example.com"}),
       kMessage},
      {"IPv6, provider-hosted recipient", env("2001:db8::25", "mx.example.com", "b@aonly.example.com", {"b@hosted.example.net"}),
       kMessage},
      {"IPv6 without PTR", env("2001:db8::26", "[192.0.2.99]"), kMessage},
      {"listed From and links", env("192.0.2.25", "news.example.com", "b@shop.example.org"),
       from_message("deals@shop.example.org", "http://www.deals-fixture.com/a http://abused-fixture.com/ http://grey-fixture.com/")},
      {"From without address", env({}), from_message("x@mail.example.net")},
  };
  for (const auto& s : scenarios) {
    Report live = test::audit_text(s.message, s.env, *resolvers().live);
    Report zones = test::audit_text(s.message, s.env, *resolvers().zones);
    auto got = dns_verdicts(live), want = dns_verdicts(zones);
    INFO(s.label << ": got (live) " << test::join(got) << ", want (zones) " << test::join(want));
    CHECK(got == want);
    CHECK(!got.empty());
    for (const auto& f : live.findings)
      for (const auto& e : f.evidence) {
        bool logged = std::any_of(live.dns.queries.begin(), live.dns.queries.end(),
                                  [&](const dns::Answer& q) { return q.name == e.name && q.type == e.type; });
        INFO(s.label << ": " << f.id << ": " << dns::describe(e) << " is evidence but not in the query log");
        CHECK(logged);
      }
  }
}

TEST_CASE("a list that does not list its test point is unusable, not clear", "[integration]") {
  // Every query answered NXDOMAIN: the list (or the path to it) is dead, so "not listed" would be a lie.
  test::FakeDnsServer dead(test::FakeDnsServer::rcode(3));
  auto live = test::live_resolver(dead.address(), 500);
  Report r = test::audit_text(kMessage, env("192.0.2.10"), *live);
  auto ids = test::ids_of(r, "dnsbl");
  INFO("got " << test::join(ids));
  REQUIRE(!ids.empty());
  for (const auto& id : ids) CHECK(id == "dnsbl.unusable");
  // The domain lists too, and each dead list once, not once per role (HELO, MAIL FROM, From).
  Report roles = test::audit_text(kMessage, env("192.0.2.10", "mail.news.example.com", "b@news.example.com"), *live);
  std::map<std::string, int> per_list;
  for (const auto& f : roles.findings)
    if (f.id == "lists.unusable") ++per_list[f.title];
  INFO("lists.unusable findings: " << test::join(test::ids_of(roles, "domain_lists")));
  CHECK(per_list.size() == 3);  // Spamhaus DBL, URIBL, SURBL
  for (const auto& [title, n] : per_list) {
    INFO(title << ": got " << n << " findings, want 1");
    CHECK(n == 1);
  }
}

TEST_CASE("a resolver that never answers: every DNS check says temperror, none says missing", "[integration]") {
  test::FakeDnsServer silent(test::FakeDnsServer::silent());
  auto live = test::live_resolver(silent.address(), 200, 1);
  Report r = test::audit_text(kMessage, env("192.0.2.10", "mail.news.example.com", "b@news.example.com", {"r@example.net"}), *live);
  std::vector<std::string> want_temperror{"rdns.temperror", "dnsbl.temperror", "helo.temperror", "lists.temperror",
                                          "sender.temperror", "rcpt.temperror", "from.temperror", "spf.temperror",
                                          "spf_helo.temperror", "dmarc.temperror"};
  auto ids = test::finding_ids(r);
  for (const auto& id : want_temperror) {
    INFO("got " << test::join(ids) << ", want " << id);
    CHECK(test::has_finding(r, id));
  }
  for (const auto& f : r.findings) {
    INFO(f.id << " must not claim absence or a listing on a timeout");
    bool claims = f.id.ends_with(".missing") || f.id.ends_with(".nxdomain") || f.id.ends_with(".no_mail") ||
                  f.id.ends_with(".no_address") || f.id.ends_with(".listed") || f.id.ends_with(".unconfirmed") ||
                  f.id.ends_with(".unusable") || f.id.ends_with(".clear") || f.id.ends_with(".ok");
    // Checks that read only the message (unsubscribe.missing is about a header, not DNS).
    bool dns_check = f.check != "headers" && f.check != "raw_bytes" && f.check != "mime" && f.check != "from" &&
                     f.check != "unsubscribe" && f.check != "size";
    CHECK_FALSE((dns_check && claims));
    // The bulk-sender summary says "not checked" for what timed out, never "Fail: SPF pass".
    if (f.check == "bulk") {
      auto fail = f.detail.find("Fail:");
      std::string fails = fail == std::string::npos ? "" : f.detail.substr(fail, f.detail.find('.', fail) - fail);
      INFO(f.title << ": " << f.detail);
      CHECK(fails.find("SPF pass") == std::string::npos);
      CHECK(fails.find("DMARC alignment") == std::string::npos);
    }
  }
}
