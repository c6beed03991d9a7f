// The DNS checks (rdns, dnsbl, helo, domain_lists, sender, rcpt, from_domain) on the fixture zones, through
// NSD (live) and through the zone files: the same findings both ways, every verdict citing its queries.
// Then the faults: a dead list and a resolver that never answers.
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

struct Row {
  const char* label;
  Envelope env;
  std::vector<std::string> want;
};

Envelope env(std::optional<std::string> ip, std::optional<std::string> helo = {},
             std::optional<std::string> mail_from = {}, std::vector<std::string> rcpt = {}) {
  Envelope e;
  e.ip = std::move(ip);
  e.helo = std::move(helo);
  e.mail_from = std::move(mail_from);
  e.rcpt = std::move(rcpt);
  return e;
}

void run_rows(const std::string& check, const std::vector<Row>& rows, const std::string& message = kMessage) {
  for (dns::Resolver* resolver : resolvers().both()) {
    for (const auto& row : rows) {
      Report r = test::audit_text(message, row.env, *resolver);
      auto ids = test::ids_of(r, check);
      INFO(resolver->mode() << ", " << row.label << ": got " << test::join(ids) << ", want " << test::join(row.want));
      CHECK(ids == row.want);
      // Verdicts on syntax alone have no DNS evidence; every other one cites its queries, all of which are
      // in the report's query log.
      static const std::vector<std::string> syntax_only{"helo.missing", "helo.invalid", "helo.not_fqdn", "helo.bare_ip",
                                                        "helo.literal_mismatch", "rcpt.invalid", "sender.null",
                                                        "sender.invalid"};
      for (const auto& f : r.findings) {
        if (f.check != check || f.severity == Severity::pass) continue;
        if (std::find(syntax_only.begin(), syntax_only.end(), f.id) == syntax_only.end()) CHECK(!f.evidence.empty());
        for (const auto& e : f.evidence) {
          bool logged = std::any_of(r.dns.queries.begin(), r.dns.queries.end(),
                                    [&](const dns::Answer& q) { return q.name == e.name && q.type == e.type; });
          INFO(f.id << ": " << dns::describe(e) << " is evidence but not in the query log");
          CHECK(logged);
        }
      }
    }
  }
}

}  // namespace

TEST_CASE("rdns findings", "[integration]") {
  run_rows("rdns", {
                       {"PTR confirmed", env("192.0.2.10"), {"rdns.ok"}},
                       {"generic and unconfirmed", env("192.0.2.77"), {"rdns.unconfirmed", "rdns.generic"}},
                       {"no PTR", env("192.0.2.11"), {"rdns.missing"}},
                       {"PTR name without an address", env("192.0.2.12"), {"rdns.unconfirmed"}},
                       {"PTR value is not a host name", env("192.0.2.14"), {"rdns.missing"}},
                       {"two PTR names, the second confirms", env("192.0.2.15"), {"rdns.ok"}},
                       {"IPv6 confirmed", env("2001:db8::25"), {"rdns.ok"}},
                       {"IPv6 without PTR", env("2001:db8::26"), {"rdns.missing"}},
                   });
  Report no_ip = test::audit_text(kMessage, {}, *resolvers().zones);
  CHECK(test::ids_of(no_ip, "rdns").empty());
  INFO("not run: " << test::join(no_ip.not_run));
  CHECK(std::find(no_ip.not_run.begin(), no_ip.not_run.end(), "rdns: needs --ip") != no_ip.not_run.end());
}

TEST_CASE("sender findings", "[integration]") {
  run_rows("sender", {
                         {"MX hosts with addresses", env({}, {}, "bounces@news.example.com"), {"sender.ok"}},
                         {"null sender", env({}, {}, ""), {"sender.null"}},
                         {"not an address", env({}, {}, "bounces"), {"sender.invalid"}},
                         {"does not exist", env({}, {}, "b@nope.example.com"), {"sender.nxdomain"}},
                         {"null MX", env({}, {}, "b@nullmx.example.com"), {"sender.null_mx"}},
                         {"neither MX nor address", env({}, {}, "b@txtonly.example.com"), {"sender.no_mail"}},
                         {"address only", env({}, {}, "b@aonly.example.com"), {"sender.a_only"}},
                         {"MX hosts without addresses", env({}, {}, "b@lostmx.example.com"), {"sender.mx_unresolvable"}},
                     });
}

TEST_CASE("from_domain findings", "[integration]") {
  struct FromRow {
    const char* label;
    const char* from;
    const char* want;
  };
  const FromRow rows[] = {
      {"MX and A", "news@news.example.com", "from.ok"},
      {"A only (implicit MX)", "x@aonly.example.com", "from.ok"},
      {"does not exist", "x@nope.example.com", "from.nxdomain"},
      {"null MX", "x@nullmx.example.com", "from.null_mx"},
      {"neither MX nor address", "x@txtonly.example.com", "from.no_mail"},
      {"MX but no address", "x@mail.example.net", "from.no_address"},
  };
  for (const auto& row : rows) run_rows("from_domain", {{row.label, {}, {row.want}}}, test::message_from(row.from));
  Report offline = test::audit_text(test::message_from("someone@gmail.com"), {}, *resolvers().zones);
  CHECK(test::ids_of(offline, "from_domain") == std::vector<std::string>{"from.not_checked"});
}

TEST_CASE("dnsbl findings from the fixture blocklist zones", "[integration]") {
  run_rows("dnsbl", {
                        {"on no list", env("192.0.2.10"), {"dnsbl.clear"}},
                        // No dnsbl.clear pass next to a listing: it read as "mostly fine".
                        {"on ZEN (PBL) and Barracuda", env("192.0.2.77"), {"dnsbl.listed", "dnsbl.listed"}},
                        {"ZEN answers an error code", env("192.0.2.66"), {"dnsbl.unusable", "dnsbl.clear"}},
                        {"Barracuda answers outside 127/8", env("192.0.2.88"), {"dnsbl.unusable", "dnsbl.clear"}},
                        {"IPv6 address on no list", env("2001:db8::25"), {"dnsbl.clear"}},
                    });
  // The listing names the list, the answer and its meaning, with the TXT reason as evidence.
  Report r = test::audit_text(kMessage, env("192.0.2.77"), *resolvers().zones);
  auto it = std::find_if(r.findings.begin(), r.findings.end(), [](const Finding& f) { return f.id == "dnsbl.listed"; });
  REQUIRE(it != r.findings.end());
  INFO(it->title << " / " << it->detail);
  CHECK(it->title.find("Spamhaus ZEN") != std::string::npos);
  CHECK(it->title.find("PBL") != std::string::npos);
  CHECK(it->detail.find("127.0.0.11") != std::string::npos);
  CHECK(it->detail.find("check.spamhaus.org") != std::string::npos);
}

TEST_CASE("domain_lists findings: each role at its own stage", "[integration]") {
  run_rows("domain_lists",
           {
               {"clean HELO, sender and From", env("192.0.2.10", "mail.news.example.com", "b@news.example.com"), {"lists.clear"}},
               {"sender on DBL (host) and URIBL (registered domain)", env("192.0.2.10", {}, "b@shop.example.org"),
                {"sender.listed", "sender.listed"}},
               {"HELO on DBL and URIBL", env("192.0.2.10", "shop.example.org"), {"helo.listed", "helo.listed"}},
               {"an IP HELO is never sent to a domain list", env("192.0.2.10", "[192.0.2.10]"), {"lists.clear"}},
           });
  const std::string listed_from = test::crlf(
      "From: Shop <deals@shop.example.org>\nTo: r@example.net\nSubject: s\n"
      "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n\nbody\n");
  run_rows("domain_lists", {{"From on DBL and URIBL", env({}), {"from.listed", "from.listed"}}}, listed_from);
  Report r = test::audit_text(listed_from, env("192.0.2.10", "shop.example.org"), *resolvers().zones);
  for (const auto& f : r.findings) {
    if (f.id == "helo.listed") CHECK(f.stage == Stage::helo);
    if (f.id == "from.listed") CHECK(f.stage == Stage::end_of_data);
  }
}

TEST_CASE("uri findings: the DBL is asked for each host and its registered domain, each code at its severity",
          "[integration]") {
  auto message = [](const std::string& body) {
    return test::crlf("From: News <news@news.example.com>\nTo: r@example.net\nSubject: s\n"
                      "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n\n" + body + "\n");
  };
  // www.deals-fixture.com first, then deals-fixture.com: deals-fixture.com (listed as a registered domain) used to go unasked.
  const std::string both = message("See http://www.deals-fixture.com/offer and http://deals-fixture.com/");
  run_rows("uri", {{"www.X then X, X listed on the DBL", env({}), {"uri.listed"}}}, both);
  run_rows("uri", {{"only www.X, X listed on the DBL", env({}), {"uri.listed"}}}, message("http://www.deals-fixture.com/a"));
  struct Row {
    const char* label;
    std::string body;
    const char* want_item;
    Severity want;
  };
  const Row rows[] = {
      {"DBL spam domain: error", "http://www.deals-fixture.com/a", "deals-fixture.com", Severity::error},
      {"DBL abused legitimate domain (127.0.1.102): warning", "http://abused-fixture.com/a", "abused-fixture.com", Severity::warning},
      {"URIBL grey only: warning", "http://grey-fixture.com/a", "grey-fixture.com", Severity::warning},
      {"URIBL black and grey: error", "http://shop.example.org/a", "example.org", Severity::error},
  };
  for (dns::Resolver* resolver : resolvers().both())
    for (const auto& row : rows) {
      Report r = test::audit_text(message(row.body), {}, *resolver);
      const Finding* listed = nullptr;
      for (const auto& f : r.findings)
        if (f.id == "uri.listed" && f.title.find(row.want_item) != std::string::npos && !listed) listed = &f;
      INFO(resolver->mode() << ", " << row.label << ": findings " << test::join(test::ids_of(r, "uri")));
      REQUIRE(listed);
      INFO("got " << to_string(listed->severity) << ", want " << to_string(row.want) << " (" << listed->title << ")");
      CHECK(listed->severity == row.want);
    }
}

TEST_CASE("helo findings", "[integration]") {
  run_rows("helo", {
                       {"matches the IP and the PTR", env("192.0.2.10", "mail.news.example.com"), {"helo.ok"}},
                       {"literal of the client", env("192.0.2.10", "[192.0.2.10]"), {"helo.ok"}},
                       {"literal of another address", env("192.0.2.10", "[192.0.2.99]"), {"helo.literal_mismatch"}},
                       {"malformed literal", env("192.0.2.10", "[300.1.1.1]"), {"helo.invalid"}},
                       {"empty", env("192.0.2.10", ""), {"helo.missing"}},
                       {"underscore", env("192.0.2.10", "bad_name.example.com"), {"helo.invalid"}},
                       {"single label", env("192.0.2.10", "mailhost"), {"helo.not_fqdn"}},
                       {"bare IP", env("192.0.2.10", "192.0.2.10"), {"helo.bare_ip"}},
                       {"does not exist", env("192.0.2.10", "nope.example.com"), {"helo.no_address"}},
                       {"exists without address or MX", env("192.0.2.10", "txtonly.example.com"), {"helo.no_address"}},
                       {"resolves elsewhere, PTR in the same domain", env("192.0.2.10", "mx.example.com"), {"helo.ip_mismatch"}},
                       {"resolves elsewhere, other domain than the PTR", env("192.0.2.10", "shop.example.org"),
                        {"helo.ip_mismatch", "helo.rdns_mismatch"}},
                       {"confirmed, but another domain than the PTR", env("192.0.2.25", "news.example.com"),
                        {"helo.ip_mismatch"}},
                   });
}

TEST_CASE("rcpt findings", "[integration]") {
  run_rows("rcpt", {
                       {"receives mail", env({}, {}, {}, {"a@example.net"}), {"rcpt.ok"}},
                       {"hosted by Google", env({}, {}, {}, {"b@hosted.example.net"}), {"rcpt.provider"}},
                       {"not an address", env({}, {}, {}, {"bad"}), {"rcpt.invalid"}},
                       {"domain does not exist", env({}, {}, {}, {"c@nope.example.net"}), {"rcpt.nxdomain"}},
                       {"null MX", env({}, {}, {}, {"d@nullmx.example.com"}), {"rcpt.null_mx"}},
                       {"no MX, no address", env({}, {}, {}, {"e@txtonly.example.com"}), {"rcpt.no_mail"}},
                       {"MX hosts without addresses", env({}, {}, {}, {"f@lostmx.example.com"}), {"rcpt.no_mail"}},
                       {"one verdict per domain", env({}, {}, {}, {"a@example.net", "b@example.net"}), {"rcpt.ok"}},
                   });
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
