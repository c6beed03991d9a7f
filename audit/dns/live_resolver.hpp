// The live resolver: DNS over the network to recursive servers, many queries in flight at once.
// One event-loop thread owns every socket; ldns only encodes and decodes packets (its own resolver object
// is not thread-safe and accepts replies with a wrong ID, see library-evaluation.md §3).
// Per query: a random ID per try, checked with the question on every reply; UDP with EDNS0 (1232 octets),
// TCP when the reply is truncated. Every reply is classified before it is used (RFC 2308 §2): data, NODATA,
// NXDOMAIN, or a reply that makes the server unusable for this question (REFUSED, SERVFAIL, a referral, a
// lame reply, TC=1 over TCP); the last kind sends the question to the next server and, when none is left,
// ends as a temporary error, never as an absence. FORMERR/NOTIMP/BADVERS to an EDNS query is retried once
// without EDNS, and the server is remembered as one without EDNS (RFC 6891 §7).
// Servers are chosen like a stub resolver: per run, each server's failures since its last usable reply and
// its smoothed RTT order the servers, so a dead first server costs one try, not one per lookup. A try that
// timed out keeps its socket open until the lookup ends: its late reply still counts.
// `tries` bounds the timeouts of one question (each try to the next server); an unusable reply costs no try
// but removes its server from that question. A CNAME chain that stops short is followed with new questions.
#pragma once
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dns/resolver.hpp"

namespace mailaudit::dns {

struct ServerAddress {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string label;  // "127.0.0.1:53", "[::1]:5353"
};

// "HOST[:PORT]" with HOST an IP address; IPv6 with a port as "[addr]:port". Empty optional and `error`
// set when it is not one.
std::optional<ServerAddress> parse_server(const std::string& spec, std::string& error);
// The nameserver lines of a resolv.conf (port 53). Empty when none.
std::vector<ServerAddress> servers_from_resolv_conf(const std::string& path = "/etc/resolv.conf");

// What the resolver learnt about one server during the run.
struct ServerStats {
  std::string label;
  std::size_t packets = 0;  // UDP queries and TCP connections sent to it
  int failures = 0;         // timeouts and unusable replies since its last usable reply
  bool no_edns = false;     // it rejected EDNS: asked without from then on
  std::optional<double> srtt_ms;
};

struct LiveOptions {
  std::vector<ServerAddress> servers;
  int timeout_ms = 2000;           // per try
  int tries = 2;                   // tries per lookup, each to the next server
  std::size_t max_in_flight = 128; // lookups on the wire at once; the rest wait
};

class LiveResolver : public Resolver {
 public:
  explicit LiveResolver(LiveOptions options);
  ~LiveResolver() override;
  LiveResolver(const LiveResolver&) = delete;
  LiveResolver& operator=(const LiveResolver&) = delete;

  std::string mode() const override { return "live"; }
  std::vector<std::string> servers() const override;
  // Questions put on the wire (CNAME chases count, retries do not) and packets sent (retries and TCP count).
  std::size_t questions_sent() const { return questions_; }
  std::size_t packets_sent() const { return packets_; }
  std::vector<ServerStats> server_stats() const;

 protected:
  std::shared_future<Answer> start(const std::string& name, RRType type) override;

 private:
  struct Job;
  struct Attempt;
  struct Health {
    std::size_t packets = 0;
    int failures = 0;
    bool no_edns = false;
    double srtt_ms = -1;
  };
  void loop();
  void launch(Job& job);
  void send_try(Job& job, std::size_t server, bool edns, bool tcp);
  void next_try(Job& job);
  void unusable(Job& job, std::size_t k, const std::string& result, Status status, int rank, const std::string& note,
                bool held_against_server);
  void on_readable(Job& job, std::size_t k);
  void on_writable(Job& job, std::size_t k);
  void on_reply(Job& job, std::size_t k, const std::uint8_t* data, std::size_t size);
  void on_timeout(Job& job, std::size_t k);
  void finish(Job& job, Answer a);
  void finish_unanswered(Job& job);
  void record_success(std::size_t server, double rtt_ms);
  void record_failure(std::size_t server);

  std::vector<Health> health_;  // per server, in options_.servers order; under health_mu_
  mutable std::mutex health_mu_;
  std::uint64_t next_serial_ = 1;  // loop thread only

  LiveOptions options_;
  int wake_fd_ = -1;
  std::mutex mu_;
  std::deque<std::unique_ptr<Job>> queue_;
  std::vector<std::unique_ptr<Job>> active_;  // loop thread only
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> questions_{0}, packets_{0};
  std::thread thread_;
};

}  // namespace mailaudit::dns
