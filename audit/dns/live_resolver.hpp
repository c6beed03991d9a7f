// The live resolver: DNS over the network to recursive servers, many queries in flight at once.
// One event-loop thread owns every socket; ldns only encodes and decodes packets (its own resolver object
// is not thread-safe and accepts replies with a wrong ID, see library-evaluation.md §3).
// Per query: a random ID, checked with the question on every reply; UDP with EDNS0 (1232 octets), TCP when
// the reply is truncated; `tries` tries of `timeout_ms`, rotating through the servers; a CNAME chain that
// stops short (an authoritative server's answer) is followed with new queries.
#pragma once
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
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

 protected:
  std::shared_future<Answer> start(const std::string& name, RRType type) override;

 private:
  struct Job;
  void loop();
  void launch(Job& job);
  void send_try(Job& job);
  void fail_try(Job& job, const std::string& why);
  void on_readable(Job& job);
  void on_writable(Job& job);
  void start_tcp(Job& job);
  void on_reply(Job& job, const std::uint8_t* data, std::size_t size);
  void finish(Job& job, Answer a);

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
