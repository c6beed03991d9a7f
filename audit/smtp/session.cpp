#include "smtp/session.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <utility>
#include <vector>

#include "bounce/reply.hpp"
#include "util/text.hpp"

namespace mailaudit::smtp {

bool forbidden_command(std::string_view line) {
  std::string head = text::lower(line.substr(0, 4));
  return head == "data" || head == "bdat";
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kShownLine = 512;  // transcript lines kept per line

struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};

// What a read or write ended with.
enum class Io { ok, timeout, closed, too_long, error };

class Conn {
 public:
  Conn(const SessionOptions& o, probe::Session& s) : o_(o), s_(s), start_(Clock::now()) {
    total_deadline_ = start_ + std::chrono::milliseconds(o.total_timeout_ms);
  }
  ~Conn() {
    ssl_.reset();
    if (fd_ >= 0) ::close(fd_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  long ms() const { return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_).count()); }
  // A line of ours in the transcript: words from rules/words.toml [probe] t_<key>, filled.
  void note(const std::string& key, const std::vector<std::pair<std::string, std::string>>& fill = {}) {
    std::string what = o_.rules ? text::fill(o_.rules->word("probe.t_" + key), fill) : key;
    s_.transcript.push_back({ms(), '*', what});
  }

  // Connect with a timeout; "" on success, else why ("refused: ...", "timeout", "bind: ...").
  std::string connect() {
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (!fill(o_.address, o_.port, ss, len)) return "address: \"" + o_.address + "\" is not an IP address";
    fd_ = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) return std::string("socket: ") + std::strerror(errno);
    if (!o_.source.empty()) {
      sockaddr_storage src{};
      socklen_t slen = 0;
      if (!fill(o_.source, 0, src, slen)) return "bind: \"" + o_.source + "\" is not an IP address";
      if (src.ss_family != ss.ss_family) return "bind: " + o_.source + " and " + o_.address + " are not of one address family";
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&src), slen) != 0) return "bind " + o_.source + ": " + std::strerror(errno);
    }
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS)
      return std::string("connect: ") + std::strerror(errno);
    auto deadline = std::min(total_deadline_, Clock::now() + std::chrono::milliseconds(o_.connect_timeout_ms));
    if (!wait(POLLOUT, deadline)) return "timeout";
    int err = 0;
    socklen_t el = sizeof err;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &el);
    if (err != 0) return std::string("connect: ") + std::strerror(err);
    sockaddr_storage local{};
    socklen_t ll = sizeof local;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &ll) == 0) s_.source = numeric(local);
    return "";
  }

  // One whole reply (all its lines); `problem` tells why there is none.
  probe::Reply read_reply(std::string& problem) {
    probe::Reply r;
    auto deadline = std::min(total_deadline_, Clock::now() + std::chrono::milliseconds(o_.reply_timeout_ms));
    for (;;) {
      std::string line;
      Io io = read_line(line, deadline);
      if (io != Io::ok) {
        problem = io == Io::timeout ? "timeout" : io == Io::too_long ? "too_long" : "closed";
        note(problem);
        r.code = 0;
        return r;
      }
      s_.transcript.push_back({ms(), 'S', text::printable(line, kShownLine)});
      bool well_formed = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                         std::isdigit(static_cast<unsigned char>(line[1])) && std::isdigit(static_cast<unsigned char>(line[2])) &&
                         (line.size() == 3 || line[3] == ' ' || line[3] == '-');
      if (!well_formed) {
        problem = "garbled";
        note("garbled");
        return r;
      }
      int code = std::stoi(line.substr(0, 3));
      if (r.lines.empty()) r.code = code;
      r.lines.push_back(text::printable(line, kShownLine));
      std::string rest = line.size() > 4 ? line.substr(4) : "";
      if (r.lines.size() == 1) {
        std::string st = bounce::find_status(rest.substr(0, 16));
        if (!st.empty() && rest.starts_with(st) && st.front() == line[0]) r.status = st;
      }
      if (!r.status.empty() && rest.starts_with(r.status)) rest = std::string(text::trim(rest.substr(r.status.size())));
      if (r.text.size() < 2000) r.text += (r.text.empty() ? "" : " ") + text::printable(rest, 1000);
      if (line.size() == 3 || line[3] == ' ') return r;
      if (r.lines.size() >= o_.max_reply_lines) {
        problem = "too_long";
        note("too_many_lines");
        return r;
      }
    }
  }

  // Send one command line; false when it could not be written (problem set).
  bool send(const std::string& line, std::string& problem) {
    if (forbidden_command(line)) {  // by construction never reached; kept as the last guard
      problem = "refused_by_probe";
      return false;
    }
    s_.transcript.push_back({ms(), 'C', text::printable(line, kShownLine)});
    std::string wire = line + "\r\n";
    auto deadline = std::min(total_deadline_, Clock::now() + std::chrono::milliseconds(o_.reply_timeout_ms));
    std::size_t off = 0;
    while (off < wire.size()) {
      if (ssl_) {
        int n = SSL_write(ssl_.get(), wire.data() + off, static_cast<int>(wire.size() - off));
        if (n > 0) {
          off += static_cast<std::size_t>(n);
          continue;
        }
        int e = SSL_get_error(ssl_.get(), n);
        if ((e == SSL_ERROR_WANT_WRITE && wait(POLLOUT, deadline)) || (e == SSL_ERROR_WANT_READ && wait(POLLIN, deadline))) continue;
      } else {
        ssize_t n = ::send(fd_, wire.data() + off, wire.size() - off, MSG_NOSIGNAL);
        if (n > 0) {
          off += static_cast<std::size_t>(n);
          continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait(POLLOUT, deadline)) continue;
        if (n < 0 && errno == EINTR) continue;
      }
      problem = "closed";
      note("write_failed");
      return false;
    }
    return true;
  }

  // The TLS handshake and its facts; false when it failed (tls.error says why).
  bool start_tls(probe::TlsFacts& t) {
    std::unique_ptr<SSL_CTX, SslFree> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) {
      t.error = "OpenSSL: cannot create a context";
      return false;
    }
    SSL_CTX_set_default_verify_paths(ctx.get());
    if (!o_.ca_file.empty() && SSL_CTX_load_verify_locations(ctx.get(), o_.ca_file.c_str(), nullptr) != 1) {
      t.error = "cannot read CA file " + o_.ca_file;
      return false;
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // facts are recorded, not enforced
    ssl_.reset(SSL_new(ctx.get()));
    if (!ssl_) {
      t.error = "OpenSSL: cannot create a session";
      return false;
    }
    unsigned char buf[16];
    bool name_is_ip = o_.host.empty() || inet_pton(AF_INET, o_.host.c_str(), buf) == 1 || inet_pton(AF_INET6, o_.host.c_str(), buf) == 1;
    std::string name = o_.host.empty() ? o_.address : o_.host;
    if (!name_is_ip) SSL_set_tlsext_host_name(ssl_.get(), name.c_str());
    SSL_set_fd(ssl_.get(), fd_);
    auto deadline = std::min(total_deadline_, Clock::now() + std::chrono::milliseconds(o_.reply_timeout_ms));
    for (;;) {
      ERR_clear_error();
      int n = SSL_connect(ssl_.get());
      if (n == 1) break;
      int e = SSL_get_error(ssl_.get(), n);
      if (e == SSL_ERROR_WANT_READ && wait(POLLIN, deadline)) continue;
      if (e == SSL_ERROR_WANT_WRITE && wait(POLLOUT, deadline)) continue;
      unsigned long code = ERR_get_error();
      char msg[256] = "";
      if (code) ERR_error_string_n(code, msg, sizeof msg);
      t.error = (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) ? std::string("handshake timeout")
                : code ? std::string("handshake failed: ") + msg
                       : std::string("handshake failed: connection closed");
      note("tls_failed", {{"error", t.error}});
      ssl_.reset();
      return false;
    }
    t.used = true;
    t.protocol = SSL_get_version(ssl_.get());
    t.cipher = SSL_get_cipher_name(ssl_.get());
    long v = SSL_get_verify_result(ssl_.get());
    X509* cert = SSL_get1_peer_certificate(ssl_.get());
    if (cert) {
      t.verified = v == X509_V_OK;
      if (v != X509_V_OK) t.verify_error = X509_verify_cert_error_string(v);
      t.name_match = name_is_ip ? X509_check_ip_asc(cert, name.c_str(), 0) == 1
                                : X509_check_host(cert, name.c_str(), name.size(), 0, nullptr) == 1;
      std::tm tm{};
      if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1) {
        char out[32];
        std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
        t.not_after = out;
      }
      char subj[256] = "";
      X509_NAME_oneline(X509_get_subject_name(cert), subj, sizeof subj);
      t.subject = text::printable(subj, 200);
      X509_free(cert);
    } else {
      t.verified = false;
      t.verify_error = "no certificate";
    }
    note(std::string("tls_up_") + (t.verified.value_or(false) ? "verified" : "not_verified") + (t.name_match.value_or(false) ? "_match" : "_mismatch"),
         {{"protocol", t.protocol}, {"cipher", t.cipher}});
    return true;
  }

 private:
  static bool fill(const std::string& ip, int port, sockaddr_storage& ss, socklen_t& len) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(static_cast<std::uint16_t>(port));
      len = sizeof *v4;
      return true;
    }
    if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(static_cast<std::uint16_t>(port));
      len = sizeof *v6;
      return true;
    }
    return false;
  }
  static std::string numeric(const sockaddr_storage& ss) {
    char buf[INET6_ADDRSTRLEN] = "";
    if (ss.ss_family == AF_INET) inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr, buf, sizeof buf);
    else inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr, buf, sizeof buf);
    return buf;
  }

  bool wait(short events, Clock::time_point deadline) {
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd_, events, 0};
      int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 60000)));
      if (n > 0) return true;  // readable, writable, or an error/hang-up the next call reports
      if (n < 0 && errno != EINTR) return false;
    }
  }

  // Up to 4 KB more bytes into buf_.
  Io fill_buffer(Clock::time_point deadline) {
    char chunk[4096];
    for (;;) {
      if (ssl_) {
        int n = SSL_read(ssl_.get(), chunk, sizeof chunk);
        if (n > 0) {
          buf_.append(chunk, static_cast<std::size_t>(n));
          return Io::ok;
        }
        int e = SSL_get_error(ssl_.get(), n);
        if (e == SSL_ERROR_WANT_READ) {
          if (!wait(POLLIN, deadline)) return Io::timeout;
          continue;
        }
        if (e == SSL_ERROR_WANT_WRITE) {
          if (!wait(POLLOUT, deadline)) return Io::timeout;
          continue;
        }
        return Io::closed;
      }
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0) {
        buf_.append(chunk, static_cast<std::size_t>(n));
        return Io::ok;
      }
      if (n == 0) return Io::closed;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return Io::closed;
      if (!wait(POLLIN, deadline)) return Io::timeout;
    }
  }

  Io read_line(std::string& line, Clock::time_point deadline) {
    for (;;) {
      auto lf = buf_.find('\n');
      if (lf != std::string::npos) {
        if (lf > o_.max_line) return Io::too_long;
        line = buf_.substr(0, lf);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        buf_.erase(0, lf + 1);
        return Io::ok;
      }
      if (buf_.size() > o_.max_line) return Io::too_long;  // never more than one line and a chunk in memory
      if (Io io = fill_buffer(deadline); io != Io::ok) return io;
    }
  }

 public:
  // Bytes the server sent before we spoke (an early talker test by the server is the other way round, but a
  // server that sends unasked lines is noted).
  bool unread() const { return !buf_.empty(); }
  void drop_buffer() { buf_.clear(); }

 private:
  const SessionOptions& o_;
  probe::Session& s_;
  Clock::time_point start_, total_deadline_;
  int fd_ = -1;
  std::unique_ptr<SSL, SslFree> ssl_;
  std::string buf_;
};

struct Ehlo {
  bool starttls = false, size = false;
};
Ehlo keywords(const probe::Reply& r) {
  Ehlo e;
  for (std::size_t i = 1; i < r.lines.size(); ++i) {
    std::string kw = text::lower(r.lines[i].size() > 4 ? r.lines[i].substr(4) : "");
    if (kw == "starttls") e.starttls = true;
    if (kw == "size" || kw.starts_with("size ")) e.size = true;
  }
  return e;
}

}  // namespace

probe::Session run_session(const SessionOptions& o) {
  probe::Session s;
  s.host = o.host;
  s.address = o.address;
  s.port = o.port;
  Conn c(o, s);
  auto step = [&](std::string stage, std::string command) -> probe::Step& {
    s.steps.push_back({});
    s.steps.back().stage = std::move(stage);
    s.steps.back().command = std::move(command);
    return s.steps.back();
  };
  // Sends `command` and reads its reply into a new step; false when the session cannot go on.
  auto converse = [&](const std::string& stage, const std::string& command) -> bool {
    probe::Step& st = step(stage, command);
    if (!c.send(command, st.problem)) {
      st.ms = c.ms();
      return false;
    }
    st.reply = c.read_reply(st.problem);
    st.ms = c.ms();
    return st.problem.empty() && st.reply.code != 421;
  };
  auto quit = [&] {
    probe::Step& st = step("quit", "QUIT");
    if (c.send("QUIT", st.problem)) st.reply = c.read_reply(st.problem);
    st.ms = c.ms();
  };
  auto finish = [&] {
    s.elapsed_ms = c.ms();
    return s;
  };

  {
    probe::Step& st = step("connect", "");
    std::string why = c.connect();
    if (!why.empty()) {
      st.problem = why == "timeout" ? "timeout" : "unreachable";
      st.reply.text = why;
      st.ms = c.ms();
      c.note("connect_failed", {{"address", o.address}, {"port", std::to_string(o.port)}, {"why", why}});
      return finish();
    }
    c.note(s.source.empty() ? "connected" : "connected_from", {{"address", o.address}, {"port", std::to_string(o.port)}, {"source", s.source}});
    // We never speak before the complete banner: postscreen rejects a client that talks first.
    st.reply = c.read_reply(st.problem);
    st.ms = c.ms();
    if (!st.problem.empty() || st.reply.code == 421) return finish();
    if (st.reply.code / 100 != 2) {
      quit();
      return finish();
    }
  }
  // EHLO, HELO when EHLO is refused with 5xx.
  auto greet = [&]() -> std::optional<Ehlo> {
    if (!converse("helo", "EHLO " + o.helo)) return std::nullopt;
    if (s.steps.back().reply.code / 100 == 2) return keywords(s.steps.back().reply);
    if (s.steps.back().reply.code / 100 == 5) {
      if (!converse("helo", "HELO " + o.helo)) return std::nullopt;
      if (s.steps.back().reply.code / 100 == 2) return Ehlo{};
    }
    quit();
    return std::nullopt;
  };
  std::optional<Ehlo> ehlo = greet();
  if (!ehlo) return finish();
  s.tls.offered = ehlo->starttls;
  if (o.starttls == StartTls::require && !ehlo->starttls) {
    probe::Step& st = step("starttls", "");
    st.problem = "tls_not_offered";
    st.ms = c.ms();
    s.tls.error = "STARTTLS not offered";
    c.note("tls_not_offered");
    quit();
    return finish();
  }
  if (ehlo->starttls && o.starttls != StartTls::never) {
    if (!converse("starttls", "STARTTLS")) return finish();
    if (s.steps.back().reply.code != 220) {
      s.tls.error = "STARTTLS refused";
      if (o.starttls == StartTls::require) {
        quit();
        return finish();
      }
    } else {
      c.drop_buffer();  // nothing sent before the handshake may be read as protected (RFC 3207 §6)
      if (!c.start_tls(s.tls)) {
        s.steps.back().problem = "tls";
        return finish();  // the connection state is unknown after a failed handshake: stop here
      }
      ehlo = greet();
      if (!ehlo) return finish();
    }
  }
  std::string mail = "MAIL FROM:<" + o.mail_from + ">";
  if (ehlo->size && o.size > 0) mail += " SIZE=" + std::to_string(o.size);
  if (!converse("mail", mail)) return finish();
  if (s.steps.back().reply.code / 100 != 2) {
    quit();
    return finish();
  }
  for (const auto& r : o.rcpt)
    if (!converse("rcpt", "RCPT TO:<" + r + ">")) return finish();
  if (!converse("rset", "RSET")) return finish();
  quit();
  return finish();
}

}  // namespace mailaudit::smtp
