#include "nsd_server.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "dns/live_resolver.hpp"
#include "test_support.hpp"

namespace mailaudit::test {

namespace fs = std::filesystem;

std::uint16_t free_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(udp, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ::close(udp);
      continue;
    }
    int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bool ok = ::bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(tcp);
    ::close(udp);
    if (ok) return ntohs(a.sin_port);
  }
  throw std::runtime_error("no free port on 127.0.0.1");
}

NsdServer::NsdServer(const fs::path& zone_dir) {
  const char* nsd = "/usr/sbin/nsd";
  if (!fs::exists(nsd)) throw std::runtime_error("nsd not found at /usr/sbin/nsd (Debian package nsd; scripts/setup)");
  dir_ = fs::temp_directory_path() / ("mailaudit-nsd-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(dir_);
  // Another test process may take the free port before nsd binds it: then try another port.
  std::string why;
  for (int attempt = 0; attempt < 3; ++attempt)
    if (try_start(zone_dir, why)) return;
  throw std::runtime_error(why);
}

bool NsdServer::try_start(const fs::path& zone_dir, std::string& why) {
  const char* nsd = "/usr/sbin/nsd";
  port_ = free_port();
  std::ofstream conf(dir_ / "nsd.conf");
  conf << "server:\n"
       << "  ip-address: 127.0.0.1\n  port: " << port_ << "\n  do-ip6: no\n  server-count: 1\n"
       << "  username: \"\"\n  chroot: \"\"\n  database: \"\"\n"
       // Response rate limiting (on by default) would drop and truncate a test run's bursts from 127.0.0.1.
       << "  rrl-ratelimit: 0\n  rrl-whitelist-ratelimit: 0\n"
       << "  zonesdir: \"" << fs::absolute(zone_dir).string() << "\"\n"
       << "  pidfile: \"" << (dir_ / "nsd.pid").string() << "\"\n"
       << "  xfrdfile: \"" << (dir_ / "xfrd.state").string() << "\"\n"
       << "  zonelistfile: \"" << (dir_ / "zone.list").string() << "\"\n"
       << "  xfrdir: \"" << dir_.string() << "\"\n"
       << "  logfile: \"" << (dir_ / "nsd.log").string() << "\"\n  verbosity: 1\n"
       << "remote-control:\n  control-enable: no\n";
  for (const auto& e : fs::directory_iterator(zone_dir)) {
    if (e.path().extension() != ".zone") continue;
    std::string name = e.path().stem().string();
    conf << "zone:\n  name: \"" << name << "\"\n  zonefile: \"" << e.path().filename().string() << "\"\n";
  }
  conf.close();

  pid_ = ::fork();
  if (pid_ == 0) {
    std::string cfg = (dir_ / "nsd.conf").string();
    ::execl(nsd, nsd, "-d", "-c", cfg.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid_ < 0) throw std::runtime_error("fork failed");

  // Ready when it answers the SOA of a served zone.
  std::string err;
  dns::LiveOptions lo;
  lo.servers.push_back(*dns::parse_server(address(), err));
  lo.timeout_ms = 200;
  lo.tries = 1;
  dns::LiveResolver probe(lo);
  for (int i = 0; i < 50; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      why = "nsd exited at start: " + read_file(dir_ / "nsd.log");
      return false;
    }
    auto a = probe.lookup("example.com", dns::RRType::SOA);
    if (a.status == dns::Status::NOERROR) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ::kill(pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  why = "nsd did not answer on " + address() + " within 10 s";
  return false;
}

NsdServer::~NsdServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::unique_ptr<dns::LiveResolver> live_resolver(const std::string& server, int timeout_ms, int tries) {
  std::string err;
  auto address = dns::parse_server(server, err);
  if (!address) throw std::runtime_error(err);
  dns::LiveOptions lo;
  lo.servers.push_back(*address);
  lo.timeout_ms = timeout_ms;
  lo.tries = tries;
  return std::make_unique<dns::LiveResolver>(lo);
}

std::unique_ptr<dns::ZoneResolver> fixture_zone_resolver() {
  auto zones = std::make_shared<dns::ZoneSet>();
  zones->load_path((source_dir() / "fixtures" / "dns").string());
  return std::make_unique<dns::ZoneResolver>(zones, nullptr);
}

Envelope newsletter_envelope() {
  Envelope env;
  env.ip = "192.0.2.10";
  env.helo = "mail.news.example.com";
  env.mail_from = "bounces@news.example.com";
  return env;
}

NsdServer& fixture_nsd() {
  static NsdServer server(source_dir() / "fixtures" / "dns");
  return server;
}

}  // namespace mailaudit::test
