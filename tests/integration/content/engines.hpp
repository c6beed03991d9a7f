// Real content engines for the content tests, started once per test binary on loopback ports: Debian's
// spamd (stock rules and plugins, network tests on, DNS only to the test's NSD) and rspamd (stock config,
// private LOCAL_CONFDIR, Redis off, DNS only to the test's NSD). Both resolve through the fixture zones
// (fixtures/dns: fake blocklists under the real list names), so DNS-based symbols are deterministic.
#pragma once
#include <sys/types.h>

#include <string>
#include <thread>

namespace mailaudit::test {

int free_tcp_port();
bool port_open(int port);

// The output of `cmd < input_file`.
std::string run_with_input(const std::string& cmd, const std::string& input_file);

struct Spamd {
  int port = 0;  // 0: spamd missing or did not start
  pid_t pid = -1;
  std::string dir;
  Spamd();
  ~Spamd();
};
struct Rspamd {
  int port = 0;  // the normal worker; 0: rspamd missing or did not start
  pid_t pid = -1;
  std::string dir;
  Rspamd();
  ~Rspamd();
};
Spamd& spamd();
Rspamd& rspamd();

// A scripted TCP server on a free port: answers `reply` once (or, when !answer, reads and holds on).
struct Scripted {
  int port = 0;
  int fd = -1;
  std::thread t;
  Scripted(std::string reply, bool answer);
  ~Scripted();
};

const char* const kGtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

}  // namespace mailaudit::test
