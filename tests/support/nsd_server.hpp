// A real authoritative DNS server (NSD, from Debian) on 127.0.0.1, on a free port, serving every *.zone file
// of a folder. Started and stopped by the test process itself.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "dns/live_resolver.hpp"
#include "dns/zone_resolver.hpp"
#include "model/envelope.hpp"

namespace mailaudit::test {

class NsdServer {
 public:
  // Throws std::runtime_error (naming the cause) when nsd is missing or does not answer within 10 s.
  explicit NsdServer(const std::filesystem::path& zone_dir);
  ~NsdServer();
  NsdServer(const NsdServer&) = delete;
  NsdServer& operator=(const NsdServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  bool try_start(const std::filesystem::path& zone_dir, std::string& why);

  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// One server for the whole test process, on fixtures/dns (started on first use).
NsdServer& fixture_nsd();

// A live resolver asking `server` ("127.0.0.1:PORT"), and one answering from fixtures/dns offline.
std::unique_ptr<dns::LiveResolver> live_resolver(const std::string& server, int timeout_ms = 1000, int tries = 2);
std::unique_ptr<dns::ZoneResolver> fixture_zone_resolver();

// The sending context fixtures/dns describes for news.example.com's campaigns (ip, helo, mail_from; no rcpt).
Envelope newsletter_envelope();

// A port on 127.0.0.1 free for both UDP and TCP at the time of the call.
std::uint16_t free_port();

}  // namespace mailaudit::test
