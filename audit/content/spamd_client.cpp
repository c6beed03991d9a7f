// spamd over TCP: non-blocking connect and poll, so that the connect and total timeouts hold.
#include "content/spamd_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace mailaudit::content {
namespace {

using Clock = std::chrono::steady_clock;

// `reason` is a key of [content] in rules/words.toml ("reason_" + key); `detail` fills its {detail}.
Verdict unavailable(std::string reason, std::string detail = "") {
  Verdict v;
  v.engine = "spamassassin";
  v.reason = std::move(reason);
  v.reason_detail = std::move(detail);
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

// Connects within timeout_ms; an empty key on success, else the reason key and its detail.
struct Failure {
  std::string key, detail;
};
Failure connect_to(Fd& s, const std::string& host, int port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res); rc != 0)
    return {"resolve_failed", host + ": " + ::gai_strerror(rc)};
  Failure reason{"connect_failed", host + ":" + service};
  for (addrinfo* a = res; a; a = a->ai_next) {
    Fd t;
    t.fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (t.fd < 0) continue;
    if (::connect(t.fd, a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        reason = {"connect_failed", host + ":" + service + ": " + std::strerror(errno)};
        continue;
      }
      pollfd p{t.fd, POLLOUT, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) {
        reason = {"connect_timeout", host + ":" + service};
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(t.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        reason = {"connect_failed", host + ":" + service + ": " + std::strerror(err)};
        continue;
      }
    }
    s.fd = t.fd;
    t.fd = -1;
    ::freeaddrinfo(res);
    return {};
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

namespace {
// RFC 5322 date-time in UTC, independent of the locale. The date matters: SpamAssassin compares the
// Date field with the Received date (DATE_IN_FUTURE_*, DATE_IN_PAST_*).
std::string rfc5322_date(std::time_t t) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}
}  // namespace

// The field as an Exim or Sendmail MX writes it. The envelope sender goes in "(envelope-from <…>)", where
// SpamAssassin reads it for its SPF test when the message has no Return-Path yet (it is added at delivery).
std::string received_field(const ClientContext& c) {
  const std::string ptr = c.ptr.empty() ? "unknown" : c.ptr;
  std::string f = "Received: from " + (c.helo.empty() ? ptr : c.helo) + " (" + ptr + " [" + c.ip + "])\r\n";
  if (c.mail_from) f += "\t(envelope-from <" + *c.mail_from + ">)\r\n";
  f += "\tby " + c.receiver + " with ESMTP id mailaudit";
  if (!c.rcpt.empty()) f += "\r\n\tfor <" + c.rcpt + ">";
  return f + "; " + rfc5322_date(c.at ? c.at : std::time(nullptr)) + "\r\n";
}

Verdict spamd_check(const std::string& host, int port, const std::string& message, const ClientContext& c,
                    const std::string& command, const std::string& user, const EngineOptions& o) {
  // Without the client's IP there is no Received field to write: SpamAssassin then scores what it has.
  const std::string body = has_received(message) || c.ip.empty() ? message : received_field(c) + message;
  if (body.size() > o.max_message_bytes)
    return unavailable("too_large", std::to_string(body.size()));
  const auto deadline = Clock::now() + std::chrono::milliseconds(o.total_timeout_ms);
  Fd s;
  if (auto why = connect_to(s, host, port, std::min(o.connect_timeout_ms, o.total_timeout_ms)); !why.key.empty())
    return unavailable(why.key, why.detail);
  const std::string request = command + " SPAMC/1.5\r\nUser: " + user +
                              "\r\nContent-length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < request.size()) {
    pollfd p{s.fd, POLLOUT, 0};
    if (::poll(&p, 1, left_ms(deadline)) <= 0) return unavailable("send_timeout");
    const ssize_t n = ::send(s.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return unavailable("send_failed", std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
  ::shutdown(s.fd, SHUT_WR);
  std::string reply;
  char buf[8192];
  for (;;) {
    pollfd p{s.fd, POLLIN, 0};
    if (::poll(&p, 1, left_ms(deadline)) <= 0) return unavailable("answer_timeout");
    const ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return unavailable("receive_failed", std::strerror(errno));
    }
    if (n == 0) break;
    reply.append(buf, static_cast<size_t>(n));
    if (reply.size() > o.max_reply_bytes) return unavailable("answer_too_large");
  }
  return parse_spamd_reply(reply);
}

}  // namespace mailaudit::content
