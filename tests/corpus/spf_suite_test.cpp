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
#include "util/text.hpp"

using namespace mailaudit;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The suite is YAML; Python's yaml module (python3-yaml, installed by scripts/setup) turns it into JSON.
json load_suite(const fs::path& yml) {
  std::string cmd = "python3 -c 'import sys,json,yaml; json.dump(list(yaml.safe_load_all(open(sys.argv[1], encoding=\"utf-8\"))), sys.stdout)' " + yml.string();
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run python3");
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (::pclose(p) != 0) throw std::runtime_error("python3 could not read " + yml.string() + " (is python3-yaml installed?)");
  return json::parse(out);
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += std::string("\\") + static_cast<char>(c);
    else if (c < 0x20 || c > 0x7e || c == '(' || c == ')' || c == ';') {  // ldns reads ( ) ; even in quotes
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  return out + "\"";
}

std::string txt_value(const json& v) {
  if (v.is_string()) return quoted(v.get<std::string>());
  std::string out;
  for (const auto& s : v) out += quoted(s.get<std::string>()) + " ";
  return out;
}

// A name in zone-file syntax: absolute, with odd octets (the suite has spaces and '%') as \DDD.
std::string absolute(const std::string& host) {
  std::string out;
  for (unsigned char c : host) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '*') out += static_cast<char>(c);
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", c);
      out += buf;
    }
  }
  if (out.empty() || out.back() != '.') out += '.';
  return out;
}

// One zone per top-level domain holding the scenario's names under it: absent names are NXDOMAIN there, as
// the suite wants.
std::map<std::string, std::string> zone_texts(const json& zonedata, std::set<std::string>& timeouts) {
  std::map<std::string, std::string> zones;
  auto zone_of = [&](const std::string& name) -> std::string& {
    std::string tld = name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
    auto& z = zones[tld];
    if (z.empty()) z = "$ORIGIN " + absolute(tld) + "\n$TTL 300\n@ IN SOA ns.test. h.test. 1 60 60 60 60\n@ IN NS ns.test.\n";
    return z;
  };
  for (const auto& [name_in, records] : zonedata.items()) {
    std::string name = text::lower(name_in);
    while (!name.empty() && name.back() == '.') name.pop_back();
    std::string& z = zone_of(name);
    // Any TXT entry (even "NONE") stops the SPF-to-TXT copy; only a real one keeps TXT queries from TIMEOUT.
    bool txt_entry = false, has_txt = false;
    for (const auto& r : records)
      if (r.is_object() && r.contains("TXT")) {
        txt_entry = true;
        if (!(r["TXT"].is_string() && r["TXT"] == "NONE")) has_txt = true;
      }
    for (const auto& r : records) {
      if (r.is_string() && r == "TIMEOUT") {
        // With its own TXT records the name times out only for type SPF, which RFC 7208 no longer queries.
        if (!has_txt) timeouts.insert(name);
        continue;
      }
      for (const auto& [type, v] : r.items()) {
        std::string owner = absolute(name) + " IN ";
        if (type == "SPF") {
          if (v.is_array() && v.empty()) continue;
          if (!txt_entry) z += owner + "TXT " + txt_value(v) + "\n";
        } else if (type == "TXT") {
          if (v.is_string() && v == "NONE") continue;  // the suite's way to say "no TXT here"
          z += owner + "TXT " + txt_value(v) + "\n";
        } else if (type == "A" || type == "AAAA") {
          z += owner + type + " " + v.get<std::string>() + "\n";
        } else if (type == "MX") {
          z += owner + "MX " + std::to_string(v[0].get<int>()) + " " + absolute(v[1].get<std::string>()) + "\n";
        } else if (type == "PTR" || type == "CNAME") {
          z += owner + type + " " + absolute(v.get<std::string>()) + "\n";
        }
      }
    }
  }
  return zones;
}

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
  json suite = load_suite(yml);
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
