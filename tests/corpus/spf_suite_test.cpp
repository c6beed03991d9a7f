// The openspf RFC 7208 test suite (shared/corpora/spf/rfc7208-tests.yml) through our SPF evaluator: each
// scenario's zone data is written as a zone file and answered by the zone-file resolver; names marked
// TIMEOUT are sent to a loopback DNS server that never answers, so they time out for real.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <iostream>
#include <nlohmann/json.hpp>

#include "auth/spf.hpp"
#include "dns/live_resolver.hpp"
#include "dns/zone_resolver.hpp"
#include "dns/zone_set.hpp"
#include "fake_dns_server.hpp"
#include "nsd_server.hpp"
#include "test_support.hpp"
#include "spf_suite_data.hpp"
#include "util/text.hpp"

using namespace mailaudit;
namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace mailaudit::test::spf_suite;

namespace {

// Zone answers, except for TIMEOUT names, which go to a server that never answers.
class SuiteResolver : public dns::Resolver {
 public:
  SuiteResolver(std::shared_ptr<dns::ZoneSet> zones, std::set<std::string> timeouts, dns::Resolver& silent)
      : zones_(std::move(zones), nullptr), timeouts_(std::move(timeouts)), silent_(silent) {}
  std::string mode() const override { return "zones"; }
  std::vector<std::string> servers() const override { return {}; }

 protected:
  std::shared_future<dns::Answer> start(const std::string& name, dns::RRType type) override {
    if (timeouts_.count(name)) return silent_.lookup_async(name, type);
    dns::Answer a = zones_.lookup(name, type);
    // A name under no loaded zone (another TLD) is absent too: the suite's "not in the zone data" rule.
    if (a.status == dns::Status::OFFLINE) a.status = dns::Status::NXDOMAIN;
    std::promise<dns::Answer> p;
    p.set_value(std::move(a));
    return p.get_future().share();
  }

 private:
  dns::ZoneResolver zones_;
  std::set<std::string> timeouts_;
  dns::Resolver& silent_;
};

}  // namespace

TEST_CASE("openspf RFC 7208 test suite", "[corpus]") {
  fs::path yml = test::corpora_dir() / "spf" / "rfc7208-tests.yml";
  if (!fs::exists(yml)) {
    WARN("corpus not found at " << yml << ": skipped");
    return;
  }
  json suite = load_suite(yml.string());
  test::FakeDnsServer silent_server(test::FakeDnsServer::silent());
  auto silent = test::live_resolver(silent_server.address(), 100, 1);
  fs::path dir = fs::temp_directory_path() / ("mailaudit-spf-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::size_t total = 0, passed = 0;
  std::string misses;
  for (const auto& scenario : suite) {
    std::set<std::string> timeouts;
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& [tld, text] : zone_texts(scenario["zonedata"], timeouts)) std::ofstream(dir / (tld + ".zone")) << text;
    auto zones = std::make_shared<dns::ZoneSet>();
    zones->load_path(dir.string());
    for (const auto& [name, t] : scenario["tests"].items()) {
      SuiteResolver resolver(zones, timeouts, *silent);
      auth::SpfRequest req;
      auto ip = dns::parse_ip(t["host"].get<std::string>());
      REQUIRE(ip);
      req.ip = *ip;
      req.helo = t.value("helo", "");
      std::string from = t.value("mailfrom", "");
      if (from.empty()) {
        req.domain = req.helo;
        req.sender = "postmaster@" + req.helo;
      } else {
        auto at = from.rfind('@');
        req.domain = at == std::string::npos ? from : from.substr(at + 1);
        req.sender = at == std::string::npos ? "postmaster@" + from : (at == 0 ? "postmaster" + from : from);
      }
      auth::SpfOutcome got = auth::check_host(resolver, req);
      std::vector<std::string> want;
      if (t["result"].is_array()) for (const auto& r : t["result"]) want.push_back(r);
      else want.push_back(t["result"]);
      std::string g(auth::to_string(got.result));
      bool ok = std::find(want.begin(), want.end(), g) != want.end();
      // The suite's driver convention: with no exp= (or a failing one) the explanation is "DEFAULT".
      std::string explanation = got.explanation.empty() ? "DEFAULT" : got.explanation;
      if (ok && t.contains("explanation") && g == "fail") ok = explanation == t["explanation"].get<std::string>();
      ++total;
      if (ok) ++passed;
      else misses += "  " + name + ": got " + g + " (" + got.problem + ") \"" + got.explanation + "\", want " + want.front() +
                     (t.contains("explanation") ? " \"" + t["explanation"].get<std::string>() + "\"" : "") + "\n";
    }
  }
  fs::remove_all(dir);
  std::cout << misses << "SPF suite: " << passed << "/" << total << " pass\n";
  CHECK(total == 203);
  CHECK(passed == total);
}
