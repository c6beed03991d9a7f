// The openspf RFC 7208 test suite through the mailaudit binary: every case becomes one `mailaudit check` run
// with --ip, --helo and --mail-from as the suite gives them (empty labels, over-long labels, domain literals,
// no local part, odd local parts, the null sender), the scenario's zone data as --zone files, and a
// --resolver on 127.0.0.1 that answers NXDOMAIN for names outside the zones and never answers for the
// suite's TIMEOUT names. The spf.* finding of the JSON report must carry the suite's result: the sender
// check's syntax verdict must never stop SPF.
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "fake_dns_server.hpp"
#include "spf_suite_data.hpp"
#include "test_support.hpp"

extern char** environ;

using namespace mailaudit;
using namespace mailaudit::test::spf_suite;
namespace fs = std::filesystem;

namespace {

const std::string kTimeoutTarget = "mailaudit-timeout";

// The query name of a DNS message, lower case, without the final dot.
std::string qname(const std::vector<std::uint8_t>& q) {
  std::string name;
  for (std::size_t i = 12; i < q.size() && q[i] != 0;) {
    std::size_t len = q[i];
    if (len > 63 || i + 1 + len > q.size()) break;
    if (!name.empty()) name += '.';
    for (std::size_t j = 0; j < len; ++j) name += static_cast<char>(std::tolower(q[i + 1 + j]));
    i += 1 + len;
  }
  return name;
}

int run_cli(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("openspf RFC 7208 test suite through the CLI", "[corpus]") {
  fs::path yml = test::corpora_dir() / "spf" / "rfc7208-tests.yml";
  if (!fs::exists(yml)) {
    WARN("corpus not found at " << yml << ": skipped");
    return;
  }
  json suite = load_suite(yml.string());
  auto nxdomain = test::FakeDnsServer::rcode(3);
  test::FakeDnsServer server([nxdomain](const std::vector<std::uint8_t>& q) -> std::optional<test::FakeDnsServer::Reply> {
    std::string n = qname(q);
    if (n == kTimeoutTarget || n.ends_with("." + kTimeoutTarget)) return std::nullopt;  // never answers
    return nxdomain(q);
  });
  fs::path dir = fs::temp_directory_path() / ("mailaudit-spf-cli-" + std::to_string(::getpid()));
  fs::path zones = dir / "zones", message = dir / "message.eml", report = dir / "report.json";
  fs::create_directories(dir);
  std::ofstream(message) << "From: a@example.invalid\r\nTo: b@example.invalid\r\nSubject: spf\r\n"
                            "Date: Fri, 27 Nov 2026 09:00:00 +0000\r\nMessage-ID: <spf@example.invalid>\r\n\r\nbody\r\n";
  std::size_t total = 0, passed = 0;
  std::string misses;
  for (const auto& scenario : suite) {
    std::set<std::string> timeouts;
    fs::remove_all(zones);
    fs::create_directories(zones);
    auto texts = zone_texts(scenario["zonedata"], timeouts, kTimeoutTarget);
    // A zone even when the scenario has no data: --zone wants at least one file.
    texts["mailaudit-test"] += "";
    for (const auto& [tld, text] : texts)
      std::ofstream(zones / (tld + ".zone"))
          << (text.empty() ? "$ORIGIN " + tld + ".\n$TTL 300\n@ IN SOA ns.test. h.test. 1 60 60 60 60\n@ IN NS ns.test.\n" : text);
    for (const auto& [name, t] : scenario["tests"].items()) {
      fs::remove(report);
      std::vector<std::string> args = {MAILAUDIT_BINARY, "check", message.string(), "--format", "json", "--output",
                                       report.string(), "--fail-on", "never", "--zone", zones.string(),
                                       "--resolver", server.address(), "--timeout", "300", "--tries", "1",
                                       "--ip", t["host"].get<std::string>(), "--mail-from", t.value("mailfrom", "")};
      if (t.contains("helo")) args.insert(args.end(), {"--helo", t["helo"].get<std::string>()});
      int rc = run_cli(args);
      std::vector<std::string> want;
      if (t["result"].is_array()) for (const auto& r : t["result"]) want.push_back(r);
      else want.push_back(t["result"]);
      ++total;
      std::string got = "no spf.* finding", detail;
      if (rc == 0 && fs::exists(report)) {
        json doc = json::parse(test::read_file(report));
        for (const auto& f : doc["findings"])
          if (f["check"] == "spf") {
            std::string id = f["id"];
            if (id.starts_with("spf.") && id != "spf.lookups_near_limit") {
              got = id.substr(4);
              detail = f["detail"];
            }
          }
      } else {
        got = "exit " + std::to_string(rc);
      }
      bool ok = std::find(want.begin(), want.end(), got) != want.end();
      // With no exp= (or a failing one) the suite wants "DEFAULT": then the finding quotes no explanation.
      if (ok && t.contains("explanation") && got == "fail") {
        std::string e = t["explanation"];
        ok = e == "DEFAULT" ? detail.find("Its explanation") == std::string::npos
                            : detail.find("Its explanation: \"" + e + "\"") != std::string::npos;
      }
      if (ok) ++passed;
      else misses += "  " + name + ": got " + got + ", want " + want.front() + "\n";
    }
  }
  fs::remove_all(dir);
  std::cout << misses << "SPF suite through the CLI: " << passed << "/" << total << " pass\n";
  CHECK(total == 203);
  CHECK(passed == total);
}
