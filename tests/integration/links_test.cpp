// The links check against a real HTTP server on 127.0.0.1 (tests/support/http_server.py): redirect chains,
// a loop, a 404, a slow endpoint, a redirect to a private address, an unsubscribe URL that must never be
// requested (the server's log proves it), HEAD refused, and a landing domain on a domain blocklist.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "engine/audit.hpp"
#include "dns/zone_resolver.hpp"
#include "dns/zone_set.hpp"
#include "nsd_server.hpp"
#include "registry.hpp"
#include "test_support.hpp"

using namespace mailaudit;
namespace fs = std::filesystem;

namespace {

class HttpServer {
 public:
  HttpServer() : dir_(fs::temp_directory_path() / ("mailaudit-http-" + std::to_string(::getpid()))), port_(test::free_port()) {
    fs::create_directories(dir_);
    log_ = dir_ / "requests.log";
    std::string script = (test::source_dir() / "tests" / "support" / "http_server.py").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string port = std::to_string(port_);
      ::execlp("python3", "python3", script.c_str(), port.c_str(), log_.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100; ++i) {  // wait until it accepts connections
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (std::system(("python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", " + std::to_string(port_) +
                       "), 1)' 2>/dev/null").c_str()) == 0)
        return;
    }
    throw std::runtime_error("http_server.py did not start");
  }
  ~HttpServer() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    fs::remove_all(dir_);
  }
  std::uint16_t port() const { return port_; }
  std::string log() const { return test::read_file(log_); }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_, log_;
  std::uint16_t port_;
  pid_t pid_ = -1;
};

// Zones for the test: *.links.test at 127.0.0.1, and a DBL listing bad.links.test.
std::unique_ptr<dns::ZoneResolver> link_zones(const fs::path& dir) {
  std::ofstream(dir / "links.test.zone") << "$ORIGIN links.test.\n$TTL 60\n@ IN SOA ns. h. 1 60 60 60 60\n@ IN NS ns.\n"
                                          << "* IN A 127.0.0.1\n";
  std::ofstream(dir / "dbl.spamhaus.org.zone") << "$ORIGIN dbl.spamhaus.org.\n$TTL 60\n@ IN SOA ns. h. 1 60 60 60 60\n"
                                                << "@ IN NS ns.\nbad.links.test IN A 127.0.1.2\ndbltest.com IN A 127.0.1.2\n";
  auto zones = std::make_shared<dns::ZoneSet>();
  zones->load_path(dir.string());
  return std::make_unique<dns::ZoneResolver>(zones, nullptr);
}

Report audit_links(const std::string& body, dns::Resolver& resolver, bool allow_private) {
  static const rules::Rules rules = rules::Rules::builtin();
  AuditSettings settings{rules, resolver, checks::registry(), {}, {}};
  settings.options.follow_links = true;
  settings.options.allow_private_links = allow_private;
  settings.options.link_timeout_ms = 1000;
  settings.options.user_agent = "mailaudit-test/1";
  RawMessage raw{"links", 0, test::crlf("From: a@news.example.com\nSubject: links\nMIME-Version: 1.0\n"
                                        "Content-Type: text/html; charset=utf-8\n\n" + body), ""};
  return audit_message(std::move(raw), Envelope{}, settings);
}

std::vector<const Finding*> with_id(const Report& r, const std::string& id) {
  std::vector<const Finding*> out;
  for (const auto& f : r.findings)
    if (f.id == id) out.push_back(&f);
  return out;
}

}  // namespace

TEST_CASE("links: chains, broken links, loops, timeouts, private and unsubscribe targets", "[integration]") {
  HttpServer server;
  auto zones = link_zones(server.dir());
  std::string p = std::to_string(server.port());
  auto url = [&](const std::string& host, const std::string& path) { return "http://" + host + ":" + p + path; };
  std::string body;
  for (const auto& [host, path] : std::vector<std::pair<std::string, std::string>>{
           {"start.links.test", "/r1"}, {"start.links.test", "/to-listed"}, {"loop.links.test", "/loop1"},
           {"www.links.test", "/missing"}, {"slow.links.test", "/slow"}, {"priv.links.test", "/to-private"},
           {"unsub.links.test", "/to-unsubscribe"}, {"direct.links.test", "/unsubscribe?u=2"},
           {"nohead.links.test", "/no-head"}})
    body += "<a href='" + url(host, path) + "'>x</a>\n";
  body += "<a href='http://gone.links.invalid/x'>gone</a>";
  Report r = audit_links(body, *zones, true);
  auto ids = test::ids_of(r, "links");
  INFO("findings: " << test::join(ids));

  auto broken = with_id(r, "links.broken");
  std::string broken_text;
  for (const auto* f : broken) broken_text += f->title + " | " + f->detail + "\n";
  INFO(broken_text);
  CHECK(broken_text.find("/missing") != std::string::npos);
  CHECK(broken_text.find("HTTP 404") != std::string::npos);
  CHECK(broken_text.find("redirect loop") != std::string::npos);

  auto unknown = with_id(r, "links.temperror");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown.front()->title.find("/slow") != std::string::npos);

  auto listed = with_id(r, "links.redirect_listed");
  REQUIRE(listed.size() == 1);
  CHECK(listed.front()->title.find("bad.links.test") != std::string::npos);

  INFO("with --allow-private-links the 10.1.2.3 hop is tried (and fails: nothing listens), never refused");
  CHECK(with_id(r, "links.private").empty());

  auto skipped = with_id(r, "links.skipped_unsubscribe");
  REQUIRE(skipped.size() == 1);
  std::string log = server.log();
  INFO("server log:\n" << log);
  CHECK(log.find("/unsubscribe") == std::string::npos);
  CHECK(log.find("GET") != std::string::npos);                        // the HEAD-refusing endpoint got a GET
  CHECK(log.find("UA=mailaudit-test/1") != std::string::npos);         // the User-Agent option is used
  CHECK(log.find("HEAD landing.links.test:" + p + " /final") != std::string::npos);  // the chain was followed

  // A chain that stays on one site (start.links.test -> landing.links.test) still names where it landed.
  std::string landed_text;
  for (const auto* f : with_id(r, "links.landed")) landed_text += f->title + "\n";
  INFO("links.landed: " << landed_text);
  CHECK(landed_text.find("/r1 lands on http://landing.links.test:" + p + "/final (HTTP 200") != std::string::npos);
  CHECK(landed_text.find("/no-head lands on") != std::string::npos);
}

TEST_CASE("links: private addresses are refused unless allowed", "[integration]") {
  HttpServer server;
  auto zones = link_zones(server.dir());
  std::string p = std::to_string(server.port());
  Report r = audit_links("<a href='http://start.links.test:" + p + "/r1'>x</a>", *zones, false);
  auto priv = with_id(r, "links.private");
  REQUIRE(priv.size() == 1);
  CHECK(priv.front()->detail.find("127.0.0.1") != std::string::npos);
  INFO("nothing may reach the loopback server");
  CHECK(server.log().empty());
}

TEST_CASE("links: without --follow-links nothing is requested, unwrapped redirects are still reported", "[integration]") {
  HttpServer server;
  std::string p = std::to_string(server.port());
  std::string raw = test::crlf("From: a@news.example.com\nContent-Type: text/html\n\n<a href='http://127.0.0.1:" + p +
                               "/r1?url=https%3A%2F%2Fshop.example.org%2F'>x</a>\n");
  Report r = test::audit_text(raw);
  CHECK(test::has_finding(r, "links.redirect"));
  CHECK(server.log().empty());
  // The same tracked link in the text and the HTML part: one finding, not one per part.
  std::string tracked = "http://127.0.0.1:" + p + "/r1?url=https%3A%2F%2Fshop.example.org%2F";
  std::string two_parts = test::crlf(
      "From: a@news.example.com\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n\n--b\n"
      "Content-Type: text/plain\n\n" + tracked + "\n--b\nContent-Type: text/html\n\n<a href='" + tracked +
      "'>x</a>\n--b--\n");
  Report both = test::audit_text(two_parts);
  auto redirects = with_id(both, "links.redirect");
  INFO("got " << redirects.size() << " links.redirect, want 1");
  CHECK(redirects.size() == 1);
}
