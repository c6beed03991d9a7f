// spamd over TCP: non-blocking connect and poll, so that the connect and total timeouts hold.
#include "content/spamd_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace mailaudit::content {
namespace {

using Clock = std::chrono::steady_clock;

Verdict unavailable(std::string reason) {
  Verdict v;
  v.engine = "spamassassin";
  v.reason = std::move(reason);
  return v;
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int left_ms(Clock::time_point deadline) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms < 0 ? 0 : static_cast<int>(ms);
}

// Connects within timeout_ms; empty string on success, else the reason.
std::string connect_to(Fd& s, const std::string& host, int port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res); rc != 0)
    return "cannot resolve " + host + ": " + ::gai_strerror(rc);
  std::string reason = "cannot connect to " + host + ":" + service;
  for (addrinfo* a = res; a; a = a->ai_next) {
    Fd t;
    t.fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (t.fd < 0) continue;
    if (::connect(t.fd, a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        reason = "cannot connect to " + host + ":" + service + ": " + std::strerror(errno);
        continue;
      }
      pollfd p{t.fd, POLLOUT, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) {
        reason = "connect to " + host + ":" + service + " timed out";
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(t.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        reason = "cannot connect to " + host + ":" + service + ": " + std::strerror(err);
        continue;
      }
    }
    s.fd = t.fd;
    t.fd = -1;
    ::freeaddrinfo(res);
    return "";
  }
  ::freeaddrinfo(res);
  return reason;
}

}  // namespace

bool has_received(const std::string& message) {
  size_t pos = 0;
  while (pos < message.size()) {
    const size_t end = message.find('\n', pos);
    const std::string line = message.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (line.empty() || line == "\r") return false;
    if (line.size() >= 9 && ::strncasecmp(line.c_str(), "received:", 9) == 0) return true;
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return false;
}

std::string received_field(const ClientContext& c) {
  const std::string ptr = c.ptr.empty() ? "unknown" : c.ptr;
  return "Received: from " + (c.helo.empty() ? ptr : c.helo) + " (" + ptr + " [" + c.ip + "])\r\n\tby " +
         c.receiver + " with ESMTP id mailaudit; Thu, 01 Jan 1970 00:00:00 +0000\r\n";
}

Verdict spamd_check(const std::string& host, int port, const std::string& message, const ClientContext& c,
                    const std::string& command, const std::string& user, const EngineOptions& o) {
  const std::string body = has_received(message) ? message : received_field(c) + message;
  if (body.size() > o.max_message_bytes)
    return unavailable("message too large for the content filter: " + std::to_string(body.size()) +
                       " bytes, limit " + std::to_string(o.max_message_bytes));
  const auto deadline = Clock::now() + std::chrono::milliseconds(o.total_timeout_ms);
  Fd s;
  if (auto why = connect_to(s, host, port, std::min(o.connect_timeout_ms, o.total_timeout_ms)); !why.empty())
    return unavailable(why);
  const std::string request = command + " SPAMC/1.5\r\nUser: " + user +
                              "\r\nContent-length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < request.size()) {
    pollfd p{s.fd, POLLOUT, 0};
    if (::poll(&p, 1, left_ms(deadline)) <= 0) return unavailable("spamd timed out while receiving the message");
    const ssize_t n = ::send(s.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return unavailable(std::string("spamd closed the connection: ") + std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
  ::shutdown(s.fd, SHUT_WR);
  std::string reply;
  char buf[8192];
  for (;;) {
    pollfd p{s.fd, POLLIN, 0};
    if (::poll(&p, 1, left_ms(deadline)) <= 0) return unavailable("spamd did not answer in time");
    const ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return unavailable(std::string("spamd connection failed: ") + std::strerror(errno));
    }
    if (n == 0) break;
    reply.append(buf, static_cast<size_t>(n));
    if (reply.size() > o.max_reply_bytes) return unavailable("spamd answer too large");
  }
  return parse_spamd_reply(reply);
}

}  // namespace mailaudit::content
