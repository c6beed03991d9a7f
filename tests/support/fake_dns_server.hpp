// A programmable UDP DNS server on 127.0.0.1 for fault tests and the benchmark proxy: a handler decides,
// per query, what to send back (nothing, an error code, a reply with a wrong ID, an upstream's answer) and
// after how long.
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
  struct Reply {
    std::vector<std::uint8_t> wire;
    std::chrono::milliseconds delay{0};
  };
  using Handler = std::function<std::optional<Reply>(const std::vector<std::uint8_t>& query)>;

  explicit FakeDnsServer(Handler handler);
  ~FakeDnsServer();
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::size_t queries() const { return queries_; }

  // Handlers for common faults.
  static Handler silent();                          // never answers
  static Handler rcode(int rcode);                  // answers every query with this RCODE
  static Handler wrong_id();                        // answers NXDOMAIN, but with the ID off by one
  static Handler forward(const std::string& upstream, std::chrono::milliseconds delay);  // a delaying proxy

 private:
  void receive_loop();
  void send_loop();

  Handler handler_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> queries_{0};
  struct Pending {
    std::chrono::steady_clock::time_point due;
    std::vector<std::uint8_t> wire;
    std::vector<std::uint8_t> peer;  // sockaddr bytes
    bool operator>(const Pending& o) const { return due > o.due; }
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  std::thread receiver_, sender_;
};

}  // namespace mailaudit::test
