// A programmable DNS server on 127.0.0.1 (UDP and TCP on the same port) for fault tests and the benchmark
// proxy: a handler decides, per query, what to send back (nothing, an error code, a reply with a wrong ID, a
// referral, a truncated reply, an upstream's answer), after how long, or to hold it until released.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <thread>
#include <vector>

namespace mailaudit::test {

class FakeDnsServer {
 public:
  struct Query {
    std::vector<std::uint8_t> wire;
    bool tcp = false;
    bool edns = false;     // it carries an OPT record
    std::size_t seq = 0;   // 0 for the first query this server saw
    std::string name;      // as in the question, with the trailing dot ("example.com.")
  };
  struct Reply {
    std::vector<std::uint8_t> wire;
    std::chrono::milliseconds delay{0};
    bool held = false;  // UDP only: sent when release() is called, not before
  };
  using Handler = std::function<std::optional<Reply>(const std::vector<std::uint8_t>& query)>;
  using Program = std::function<std::optional<Reply>(const Query& query)>;

  // What a built reply holds. RRs are in presentation form ("{q} 300 IN A 192.0.2.1"); "{q}" stands for the
  // name asked. An rcode above 15 (BADVERS = 16) is sent as an extended RCODE in an OPT record.
  struct Spec {
    int rcode = 0;
    bool aa = false, ra = true, tc = false;
    std::vector<std::string> answer, authority;
    bool edns = false;  // add an OPT record
  };

  explicit FakeDnsServer(Handler handler);
  explicit FakeDnsServer(Program program);
  ~FakeDnsServer();
  FakeDnsServer(const FakeDnsServer&) = delete;
  FakeDnsServer& operator=(const FakeDnsServer&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::size_t queries() const { return queries_; }          // UDP and TCP
  std::size_t tcp_queries() const { return tcp_queries_; }
  std::size_t edns_queries() const { return edns_queries_; }
  // Send the held replies now.
  void release();

  // A reply to `q` as `spec` says.
  static std::vector<std::uint8_t> build(const Query& q, const Spec& spec);

  // Handlers for common faults.
  static Handler silent();                          // never answers
  static Handler rcode(int rcode);                  // answers every query with this RCODE
  static Handler wrong_id();                        // answers NXDOMAIN, but with the ID off by one
  static Handler forward(const std::string& upstream, std::chrono::milliseconds delay);  // a delaying proxy
  // Programs: every query answered as `spec` says, over UDP and TCP.
  static Program respond(Spec spec);
  static Program answer_a(const std::string& ip = "192.0.2.1");  // a recursive server's answer
  // FORMERR, NOTIMP or BADVERS (16) to a query with EDNS; the A record to one without.
  static Program reject_edns(int rcode);
  // The A record, held until release().
  static Program held_answer();

 private:
  void start();
  void receive_loop();
  void send_loop();
  void tcp_loop();

  Program program_;
  int fd_ = -1, tcp_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> queries_{0}, tcp_queries_{0}, edns_queries_{0};
  struct Pending {
    std::chrono::steady_clock::time_point due;
    std::vector<std::uint8_t> wire;
    std::vector<std::uint8_t> peer;  // sockaddr bytes
    bool operator>(const Pending& o) const { return due > o.due; }
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  std::vector<Pending> held_;
  std::thread receiver_, sender_, tcp_;
};

}  // namespace mailaudit::test
