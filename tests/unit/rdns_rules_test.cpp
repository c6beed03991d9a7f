// rules/rdns.toml: every pattern matches its "match" examples and not its "no_match" ones; exempt names
// are never generic.
#include <catch2/catch.hpp>
#include <sstream>

#include "rules/rdns_patterns.hpp"
#include "test_support.hpp"

using namespace mailaudit;

namespace {
std::pair<dns::IpAddress, std::string> split_example(const std::string& example) {
  std::istringstream ss(example);
  std::string ip, name;
  ss >> ip >> name;
  auto parsed = dns::parse_ip(ip);
  REQUIRE(parsed);
  return {*parsed, name};
}
}  // namespace

TEST_CASE("every generic-rDNS pattern matches its examples and only those", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  const auto& rdns = r.rdns();
  REQUIRE(!rdns.ip_forms.empty());
  REQUIRE(!rdns.keywords.empty());
  auto check = [&](const rules::RdnsPattern& p, bool ip_form) {
    for (const auto& ex : p.match) {
      auto [ip, name] = split_example(ex);
      auto m = rules::match_pattern(ip, name, p, ip_form);
      INFO(p.id << ": \"" << ex << "\" got no match, want one");
      CHECK(m.has_value());
    }
    for (const auto& ex : p.no_match) {
      auto [ip, name] = split_example(ex);
      auto m = rules::match_pattern(ip, name, p, ip_form);
      INFO(p.id << ": \"" << ex << "\" got a match on \"" << (m ? m->matched : "") << "\", want none");
      CHECK_FALSE(m.has_value());
    }
  };
  for (const auto& p : rdns.ip_forms) check(p, true);
  for (const auto& p : rdns.keywords) check(p, false);
  for (const auto& ex : rdns.exempt_match) {
    auto [ip, name] = split_example(ex);
    auto m = rules::match_generic(ip, name, rdns);
    INFO("exempt \"" << ex << "\" got generic " << (m ? m->family : "") << ", want none");
    CHECK_FALSE(m.has_value());
  }
}

TEST_CASE("generic rDNS: whole-token matching and the registered domain", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  struct Row {
    const char* label;
    const char* ip;
    const char* ptr;
    const char* want;  // family id, or "" for not generic
  };
  const Row rows[] = {
      {"substring of digits is not the IP (known false positive)", "198.51.1.2", "mx12.example.com", ""},
      {"the ISP's domain words do not count", "192.0.2.77", "mail.dynamic-isp.example", ""},
      {"registered domain under a multi-label suffix", "192.0.2.77", "www.pool.example.co.uk", "customer"},
      {"plain server name", "192.0.2.10", "mail.news.example.com", ""},
      {"dashed address", "203.0.113.9", "203-0-113-9.static.isp.example", ""},
      {"dashed address, no exemption", "203.0.113.9", "203-0-113-9.isp.example", "ip-dashed"},
      {"IPv6 keyword", "2001:db8::1", "dyn.customer.example.net", "dynamic"},
      {"upper case", "192.0.2.77", "DSL-77.ISP.Example.NET", "access-line"},
  };
  for (const auto& row : rows) {
    auto m = rules::match_generic(*dns::parse_ip(row.ip), row.ptr, r.rdns());
    std::string got = m ? m->family : "";
    INFO(row.label << ": " << row.ip << " " << row.ptr << " got \"" << got << "\", want \"" << row.want << "\"");
    CHECK(got == row.want);
  }
}
