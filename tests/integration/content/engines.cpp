#include "engines.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "nsd_server.hpp"

namespace mailaudit::test {

int free_tcp_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

bool port_open(int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

std::string run_with_input(const std::string& cmd, const std::string& input_file) {
  std::string out;
  if (FILE* f = ::popen((cmd + " < '" + input_file + "'").c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    ::pclose(f);
  }
  return out;
}

namespace {

std::string make_dir(const char* prefix) {
  std::string tmpl = std::string("/tmp/") + prefix + "-XXXXXX";
  if (!::mkdtemp(tmpl.data())) return "";
  return tmpl;
}

void stop(pid_t pid, const std::string& dir) {
  if (pid > 0) {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
  }
  if (!dir.empty()) std::system(("rm -rf '" + dir + "'").c_str());
}

// The fixture NSD's address, or "" when NSD cannot run (the engines then get a dead port: no DNS).
std::string fixture_dns() {
  try {
    return fixture_nsd().address();
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace

Spamd::Spamd() {
  if (::access("/usr/sbin/spamd", X_OK) != 0) return;
  dir = make_dir("mailaudit-spamd");
  if (dir.empty()) return;
  ::chmod(dir.c_str(), 0777);
  // Debian's site config (its plugin .pre files and local.cf) plus the test's DNS: network tests on, but
  // only against the fixture zones; no Bayes or auto-welcomelist state between rows.
  const std::string dns = fixture_dns();
  std::system(("mkdir -p '" + dir + "/site' && cp /etc/spamassassin/*.pre /etc/spamassassin/*.cf '" + dir + "/site/'").c_str());
  std::ofstream(dir + "/site/zz_mailaudit_test.cf")
      << (dns.empty() ? "" : "dns_server " + dns + "\n") << "dns_available " << (dns.empty() ? "no" : "yes") << "\n"
      << "use_bayes 0\nuse_auto_welcomelist 0\nskip_rbl_checks 0\n";
  std::system(("chmod -R a+rX '" + dir + "'").c_str());
  const int p = free_tcp_port();
  pid = ::fork();
  if (pid == 0) {
    const std::string listen = "--listen=127.0.0.1:" + std::to_string(p);
    const std::string pidfile = "--pidfile=" + dir + "/pid";
    const std::string site = "--siteconfigpath=" + dir + "/site";
    const std::string log = dir + "/log";
    std::freopen(log.c_str(), "w", stderr);
    std::freopen(log.c_str(), "a", stdout);
    ::execl("/usr/sbin/spamd", "spamd", site.c_str(), listen.c_str(), pidfile.c_str(), "--max-children=1",
            "--syslog=stderr", "-H", dir.c_str(), "-u", "nobody", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 160 && !port_open(p); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  if (port_open(p)) port = p;
}
Spamd::~Spamd() { stop(pid, dir); }

Rspamd::Rspamd() {
  if (::access("/usr/bin/rspamd", X_OK) != 0) return;
  dir = make_dir("mailaudit-rspamd");
  if (dir.empty()) return;
  const std::string dns = fixture_dns();
  const int p = free_tcp_port(), c = free_tcp_port(), x = free_tcp_port();
  std::system(("mkdir -p '" + dir + "/local/local.d' '" + dir + "/db' '" + dir + "/run'").c_str());
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/local/local.d/" + name) << text;
  };
  write("worker-normal.inc", "bind_socket = \"127.0.0.1:" + std::to_string(p) + "\"; count = 1;\n");
  write("worker-controller.inc", "bind_socket = \"127.0.0.1:" + std::to_string(c) + "\"; count = 1;\n");
  write("worker-proxy.inc", "bind_socket = \"127.0.0.1:" + std::to_string(x) + "\"; count = 1;\n");
  write("redis.conf", "enabled = false;\n");
  // The documentation ranges the fixtures send from are not "local" to rspamd, so its IP-based rules run.
  write("options.inc", "pidfile = \"" + dir + "/run/rspamd.pid\";\nlocal_addrs = [];\n"
                       "dns { nameserver = [\"" + (dns.empty() ? std::string("127.0.0.1:1") : dns) +
                       "\"]; timeout = 1s; retransmits = 2; }\n");
  write("logging.inc", "type = \"file\"; filename = \"" + dir + "/rspamd.log\"; level = \"notice\";\n");
  std::system(("chmod -R 777 '" + dir + "'").c_str());
  pid = ::fork();
  if (pid == 0) {
    const std::string out = dir + "/out";
    std::freopen(out.c_str(), "w", stderr);
    std::freopen(out.c_str(), "a", stdout);
    const std::string v1 = "--var=LOCAL_CONFDIR=" + dir + "/local", v2 = "--var=DBDIR=" + dir + "/db",
                      v3 = "--var=RUNDIR=" + dir + "/run";
    ::execl("/usr/bin/rspamd", "rspamd", "-f", "-u", "_rspamd", "-g", "_rspamd", "-c", "/etc/rspamd/rspamd.conf",
            v1.c_str(), v2.c_str(), v3.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 160 && !port_open(p); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  if (port_open(p)) port = p;
}
Rspamd::~Rspamd() { stop(pid, dir); }

Spamd& spamd() {
  static Spamd s;
  return s;
}
Rspamd& rspamd() {
  static Rspamd r;
  return r;
}

Scripted::Scripted(std::string reply, bool answer) {
  fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  ::listen(fd, 1);
  t = std::thread([this, reply, answer] {
    const int c = ::accept(fd, nullptr, nullptr);
    if (c < 0) return;
    char buf[4096];
    if (answer) {
      ::recv(c, buf, sizeof buf, 0);
      ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(c);
    } else {
      while (::recv(c, buf, sizeof buf, 0) > 0) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      ::close(c);
    }
  });
}
Scripted::~Scripted() {
  ::shutdown(fd, SHUT_RDWR);
  t.join();
  ::close(fd);
}

}  // namespace mailaudit::test
