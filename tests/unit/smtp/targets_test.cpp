// Where the probe connects: MX hosts by preference, implicit MX, null MX, NXDOMAIN, lookups that cannot tell.
#include <catch2/catch.hpp>

#include <fstream>
#include <unistd.h>

#include "dns/zone_resolver.hpp"
#include "smtp/targets.hpp"
#include "test_support.hpp"

using namespace mailaudit;
namespace fs = std::filesystem;

TEST_CASE("probe targets: the recipients' MX hosts in preference order, through the run's resolver") {
  fs::path dir = fs::temp_directory_path() / ("mailaudit-targets-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "probe.test.zone") << "$ORIGIN probe.test.\n$TTL 300\n"
                                            "@ IN SOA ns. host. 1 3600 600 86400 300\n"
                                            "two IN MX 20 mx2.probe.test.\n"
                                            "two IN MX 10 mx1.probe.test.\n"
                                            "mx1 IN A 192.0.2.1\n"
                                            "mx2 IN A 192.0.2.2\n"
                                            "mx2 IN AAAA 2001:db8::2\n"
                                            "bare IN A 192.0.2.3\n"
                                            "nullmx IN MX 0 .\n"
                                            "dangling IN MX 10 nowhere.probe.test.\n"
                                            "many IN MX 10 mx1.probe.test.\n"
                                            "many IN MX 20 mx2.probe.test.\n"
                                            "many IN MX 30 bare.probe.test.\n";
  auto zones = std::make_shared<dns::ZoneSet>();
  zones->load_path(dir.string());
  dns::ZoneResolver r(zones, nullptr);
  struct Row {
    const char* label;
    const char* domain;
    std::size_t max_hosts;
    std::vector<std::string> want_hosts;  // "name=addr,addr"
    const char* want_problem;
  };
  const Row rows[] = {
      {"two MX, lowest preference first", "two.probe.test", 3,
       {"mx1.probe.test=192.0.2.1", "mx2.probe.test=192.0.2.2,2001:db8::2"}, ""},
      {"the cap on hosts", "many.probe.test", 2, {"mx1.probe.test=192.0.2.1", "mx2.probe.test=192.0.2.2,2001:db8::2"}, ""},
      {"no MX: the domain itself (RFC 5321 implicit MX)", "bare.probe.test", 3, {"bare.probe.test=192.0.2.3"}, ""},
      {"null MX: nothing to probe", "nullmx.probe.test", 3, {}, "dns_null_mx"},
      {"no such domain", "gone.probe.test", 3, {}, "dns_nxdomain"},
      {"an MX host without an address", "dangling.probe.test", 3, {}, "dns_no_address"},
      {"outside the zones, offline: cannot tell, never 'no MX'", "elsewhere.example", 3, {}, "dns_unknown"},
  };
  for (const auto& row : rows) {
    smtp::Targets t = smtp::mx_targets(r, row.domain, row.max_hosts);
    std::vector<std::string> got;
    for (const auto& h : t.hosts) {
      std::string s = h.name + "=";
      for (std::size_t i = 0; i < h.addresses.size(); ++i) s += (i ? "," : "") + h.addresses[i];
      got.push_back(s);
    }
    INFO(row.label << ": problem got \"" << t.problem << "\", want \"" << row.want_problem << "\"");
    CHECK(t.problem == row.want_problem);
    CHECK_THAT(got, Catch::Matchers::Equals(row.want_hosts));
  }
  fs::remove_all(dir);
}
