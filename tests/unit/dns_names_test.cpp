#include <catch2/catch.hpp>

#include "dns/live_resolver.hpp"
#include "util/names.hpp"
#include "util/public_suffix.hpp"

using namespace mailaudit::dns;

TEST_CASE("reverse and blocklist query names", "[unit]") {
  struct Row {
    const char* label;
    const char* ip;
    const char* reverse;
    const char* zen;
  };
  const Row rows[] = {
      {"IPv4", "192.0.2.10", "10.2.0.192.in-addr.arpa", "10.2.0.192.zen.spamhaus.org"},
      {"IPv4 test point", "127.0.0.2", "2.0.0.127.in-addr.arpa", "2.0.0.127.zen.spamhaus.org"},
      {"IPv6", "2001:db8::25", "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
       "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org"},
  };
  for (const auto& row : rows) {
    auto ip = parse_ip(row.ip);
    REQUIRE(ip);
    INFO(row.label << ": got " << reverse_name(*ip) << ", want " << row.reverse);
    CHECK(reverse_name(*ip) == row.reverse);
    CHECK(blocklist_name(*ip, "zen.spamhaus.org.") == row.zen);
    CHECK(parse_ip(ip->to_string()).has_value());
  }
  CHECK_FALSE(parse_ip("192.0.2"));
  CHECK_FALSE(parse_ip("192.0.2.256"));
  CHECK_FALSE(parse_ip("example.com"));
  CHECK_FALSE(parse_ip("[2001:db8::1]"));
}

TEST_CASE("name_problem and is_hostname", "[unit]") {
  struct Row {
    const char* label;
    std::string name;
    bool valid_name;
    bool hostname;
  };
  const Row rows[] = {
      {"plain", "mail.example.com", true, true},
      {"trailing dot", "mail.example.com.", true, true},
      {"underscore label is a DNS name, not a host name", "_dmarc.example.com", true, false},
      {"63-octet label", std::string(63, 'a') + ".com", true, true},
      {"64-octet label", std::string(64, 'a') + ".com", false, false},
      {"empty label", "a..com", false, false},
      {"leading hyphen", "-a.example.com", true, false},
      {"space", "ex ample.com", true, false},
      {"255 octets (four 63-octet labels)", std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(63, 'd'), false, false},
      {"253 octets", std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(61, 'd'), true, true},
      {"empty", "", false, false},
  };
  for (const auto& row : rows) {
    INFO(row.label << ": \"" << row.name << "\" problem \"" << name_problem(row.name) << "\"");
    CHECK(name_problem(row.name).empty() == row.valid_name);
    CHECK(is_hostname(row.name) == row.hostname);
  }
}

TEST_CASE("parse_server reads HOST[:PORT] and [IPv6]:PORT", "[unit]") {
  struct Row {
    const char* spec;
    bool ok;
    const char* label;
  };
  const Row rows[] = {
      {"127.0.0.1", true, "127.0.0.1:53"},
      {"127.0.0.1:5353", true, "127.0.0.1:5353"},
      {"::1", true, "[::1]:53"},
      {"[::1]:5353", true, "[::1]:5353"},
      {"[2001:db8::1]", true, "[2001:db8::1]:53"},
      {"dns.example.com", false, ""},
      {"127.0.0.1:0", false, ""},
      {"127.0.0.1:70000", false, ""},
      {"[::1", false, ""},
  };
  for (const auto& row : rows) {
    std::string err;
    auto s = parse_server(row.spec, err);
    INFO(row.spec << ": error \"" << err << "\"");
    CHECK(s.has_value() == row.ok);
    if (s) CHECK(s->label == row.label);
    if (!s) CHECK(!err.empty());
  }
}

TEST_CASE("CIDR parsing and matching", "[unit]") {
  struct Row {
    const char* ip;
    const char* cidr;
    bool in;
  };
  const Row rows[] = {
      {"192.0.2.10", "192.0.2.0/24", true},   {"192.0.3.10", "192.0.2.0/24", false},
      {"172.31.255.1", "172.16.0.0/12", true}, {"172.32.0.1", "172.16.0.0/12", false},
      {"100.127.0.1", "100.64.0.0/10", true},  {"100.128.0.1", "100.64.0.0/10", false},
      {"2001:db8::1", "2001:db8::/32", true},  {"2001:db9::1", "2001:db8::/32", false},
      {"fd00::1", "fc00::/7", true},           {"192.0.2.10", "2001:db8::/32", false},
      {"8.8.8.8", "0.0.0.0/0", true},
  };
  for (const auto& row : rows) {
    auto net = parse_cidr(row.cidr);
    REQUIRE(net);
    INFO(row.ip << " in " << row.cidr << ": want " << row.in);
    CHECK(in_cidr(*parse_ip(row.ip), *net) == row.in);
  }
  CHECK_FALSE(parse_cidr("192.0.2.0"));
  CHECK_FALSE(parse_cidr("192.0.2.0/33"));
  CHECK_FALSE(parse_cidr("example/8"));
}

TEST_CASE("has_known_tld: the public suffix list's TLDs, IDN ones by their A-label", "[unit]") {
  struct Row {
    const char* label;
    const char* host;
    bool want;
  };
  const Row rows[] = {
      {"generic TLD", "example.com", true},
      {"upper case, trailing dot", "EXAMPLE.ORG.", true},
      {"country TLD with rules only below it", "example.za", true},
      {"IDN TLD (.рф) as an A-label", "xn--80aswg.xn--p1ai", true},
      {"IDN TLD (.中国) as an A-label", "example.xn--fiqs8s", true},
      {"unlisted A-label TLD", "example.xn--zzzzzz", false},
      {"unlisted TLD", "example.notatld", false},
      {"file extension, not a TLD", "report.pdf", false},
      {"empty", "", false},
  };
  for (const auto& r : rows) {
    bool got = mailaudit::dns::has_known_tld(r.host);
    INFO(r.label << " (" << r.host << "): got " << got << ", want " << r.want);
    CHECK(got == r.want);
  }
}
