#include "fake_dns_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "dns/live_resolver.hpp"

namespace mailaudit::test {

using Clock = std::chrono::steady_clock;

FakeDnsServer::FakeDnsServer(Handler handler) : handler_(std::move(handler)) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("fake DNS server: cannot bind 127.0.0.1");
  port_ = ntohs(a.sin_port);
  receiver_ = std::thread([this] { receive_loop(); });
  sender_ = std::thread([this] { send_loop(); });
}

FakeDnsServer::~FakeDnsServer() {
  stop_ = true;
  cv_.notify_all();
  receiver_.join();
  sender_.join();
  ::close(fd_);
}

void FakeDnsServer::receive_loop() {
  std::vector<std::uint8_t> buf(65536);
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    sockaddr_storage peer{};
    socklen_t plen = sizeof peer;
    ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&peer), &plen);
    if (n <= 0) continue;
    ++queries_;
    auto reply = handler_(std::vector<std::uint8_t>(buf.begin(), buf.begin() + n));
    if (!reply) continue;
    Pending pend{Clock::now() + reply->delay, std::move(reply->wire),
                 std::vector<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&peer), reinterpret_cast<std::uint8_t*>(&peer) + plen)};
    {
      std::lock_guard lock(mu_);
      pending_.push(std::move(pend));
    }
    cv_.notify_all();
  }
}

void FakeDnsServer::send_loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (pending_.empty()) {
      cv_.wait_for(lock, std::chrono::milliseconds(50));
      continue;
    }
    auto due = pending_.top().due;
    if (Clock::now() < due) {
      cv_.wait_until(lock, due);
      continue;
    }
    Pending p = pending_.top();
    pending_.pop();
    lock.unlock();
    ::sendto(fd_, p.wire.data(), p.wire.size(), 0, reinterpret_cast<const sockaddr*>(p.peer.data()),
             static_cast<socklen_t>(p.peer.size()));
    lock.lock();
  }
}

FakeDnsServer::Handler FakeDnsServer::silent() {
  return [](const std::vector<std::uint8_t>&) { return std::optional<Reply>(); };
}

namespace {
// A reply to `query` with the header rewritten: QR set, RA set, the given RCODE, no records.
std::vector<std::uint8_t> header_reply(const std::vector<std::uint8_t>& query, int rcode, int id_delta) {
  std::vector<std::uint8_t> out = query;
  if (out.size() < 12) return out;
  std::uint16_t id = static_cast<std::uint16_t>((out[0] << 8 | out[1]) + id_delta);
  out[0] = static_cast<std::uint8_t>(id >> 8);
  out[1] = static_cast<std::uint8_t>(id & 0xFF);
  out[2] = static_cast<std::uint8_t>(out[2] | 0x80);                 // QR
  out[3] = static_cast<std::uint8_t>(0x80 | (rcode & 0x0F));         // RA + RCODE
  // Keep the question only: answer, authority and additional counts to zero, and drop what follows.
  out[6] = out[7] = out[8] = out[9] = out[10] = out[11] = 0;
  std::size_t pos = 12;
  while (pos < out.size() && out[pos] != 0) pos += out[pos] + 1u;
  pos += 5;  // root label, QTYPE, QCLASS
  out.resize(std::min(pos, out.size()));
  return out;
}
}  // namespace

FakeDnsServer::Handler FakeDnsServer::rcode(int rc) {
  return [rc](const std::vector<std::uint8_t>& q) { return std::optional<Reply>(Reply{header_reply(q, rc, 0), {}}); };
}

FakeDnsServer::Handler FakeDnsServer::wrong_id() {
  return [](const std::vector<std::uint8_t>& q) { return std::optional<Reply>(Reply{header_reply(q, 3, 1), {}}); };
}

FakeDnsServer::Handler FakeDnsServer::forward(const std::string& upstream, std::chrono::milliseconds delay) {
  std::string err;
  auto server = dns::parse_server(upstream, err);
  if (!server) throw std::runtime_error(err);
  auto up = std::make_shared<dns::ServerAddress>(*server);
  return [up, delay](const std::vector<std::uint8_t>& q) -> std::optional<Reply> {
    // The upstream is a loopback server that answers in well under a millisecond: ask it synchronously.
    int fd = ::socket(up->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    std::optional<Reply> out;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&up->addr), up->len) == 0 && ::send(fd, q.data(), q.size(), 0) > 0) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 2000) > 0) {
        std::vector<std::uint8_t> buf(65536);
        ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n > 0) out = Reply{std::vector<std::uint8_t>(buf.begin(), buf.begin() + n), delay};
      }
    }
    ::close(fd);
    return out;
  };
}

}  // namespace mailaudit::test
