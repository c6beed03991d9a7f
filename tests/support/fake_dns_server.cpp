#include "fake_dns_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <ldns/ldns.h>

#include "dns/live_resolver.hpp"

namespace mailaudit::test {

using Clock = std::chrono::steady_clock;

FakeDnsServer::FakeDnsServer(Handler handler)
    : program_([h = std::move(handler)](const Query& q) { return h(q.wire); }) {
  start();
}

FakeDnsServer::FakeDnsServer(Program program) : program_(std::move(program)) { start(); }

void FakeDnsServer::start() {
  // UDP and TCP on the same port: another process may hold the TCP port of a free UDP one, so try again.
  for (int attempt = 0; attempt < 20 && tcp_fd_ < 0; ++attempt) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      continue;
    int tcp = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(tcp, 64) != 0) {
      ::close(tcp);
      continue;
    }
    tcp_fd_ = tcp;
    port_ = ntohs(a.sin_port);
  }
  if (tcp_fd_ < 0) throw std::runtime_error("fake DNS server: cannot bind UDP and TCP on one port of 127.0.0.1");
  receiver_ = std::thread([this] { receive_loop(); });
  sender_ = std::thread([this] { send_loop(); });
  tcp_ = std::thread([this] { tcp_loop(); });
}

FakeDnsServer::~FakeDnsServer() {
  stop_ = true;
  cv_.notify_all();
  receiver_.join();
  sender_.join();
  tcp_.join();
  ::close(fd_);
  ::close(tcp_fd_);
}

namespace {

FakeDnsServer::Query describe_query(std::vector<std::uint8_t> wire, bool tcp, std::size_t seq) {
  FakeDnsServer::Query q;
  q.tcp = tcp;
  q.seq = seq;
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire.data(), wire.size()) == LDNS_STATUS_OK && pkt) {
    q.edns = ldns_pkt_edns(pkt);
    ldns_rr_list* question = ldns_pkt_question(pkt);
    if (question && ldns_rr_list_rr_count(question) == 1) {
      char* name = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(question, 0)));
      if (name) q.name = name;
      std::free(name);
    }
    ldns_pkt_free(pkt);
  }
  q.wire = std::move(wire);
  return q;
}

}  // namespace

void FakeDnsServer::receive_loop() {
  std::vector<std::uint8_t> buf(65536);
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    sockaddr_storage peer{};
    socklen_t plen = sizeof peer;
    ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&peer), &plen);
    if (n <= 0) continue;
    Query q = describe_query(std::vector<std::uint8_t>(buf.begin(), buf.begin() + n), false, queries_++);
    if (q.edns) ++edns_queries_;
    auto reply = program_(q);
    if (!reply) continue;
    Pending pend{Clock::now() + reply->delay, std::move(reply->wire),
                 std::vector<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&peer), reinterpret_cast<std::uint8_t*>(&peer) + plen)};
    {
      std::lock_guard lock(mu_);
      if (reply->held) held_.push_back(std::move(pend));
      else pending_.push(std::move(pend));
    }
    cv_.notify_all();
  }
}

void FakeDnsServer::release() {
  {
    std::lock_guard lock(mu_);
    for (auto& p : held_) {
      p.due = Clock::now();
      pending_.push(std::move(p));
    }
    held_.clear();
  }
  cv_.notify_all();
}

// One query per connection, as the live resolver sends them: read it, answer it, close.
void FakeDnsServer::tcp_loop() {
  auto read_full = [this](int fd, std::uint8_t* out, std::size_t n) -> bool {
    std::size_t got = 0;
    while (got < n && !stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      ssize_t r = ::recv(fd, out + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<std::size_t>(r);
    }
    return got == n;
  };
  while (!stop_) {
    pollfd p{tcp_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int c = ::accept4(tcp_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    std::uint8_t len[2];
    if (read_full(c, len, 2)) {
      std::vector<std::uint8_t> wire(static_cast<std::size_t>(len[0]) << 8 | len[1]);
      if (read_full(c, wire.data(), wire.size())) {
        ++tcp_queries_;
        Query q = describe_query(std::move(wire), true, queries_++);
        if (q.edns) ++edns_queries_;
        if (auto reply = program_(q)) {
          std::this_thread::sleep_for(reply->delay);
          std::vector<std::uint8_t> framed{static_cast<std::uint8_t>(reply->wire.size() >> 8),
                                           static_cast<std::uint8_t>(reply->wire.size() & 0xFF)};
          framed.insert(framed.end(), reply->wire.begin(), reply->wire.end());
          ::send(c, framed.data(), framed.size(), MSG_NOSIGNAL);
        }
      }
    }
    ::close(c);
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

std::vector<std::uint8_t> FakeDnsServer::build(const Query& q, const Spec& spec) {
  ldns_pkt* query = nullptr;
  if (ldns_wire2pkt(&query, q.wire.data(), q.wire.size()) != LDNS_STATUS_OK || !query)
    throw std::runtime_error("fake DNS server: cannot parse the query");
  ldns_pkt* r = ldns_pkt_new();
  ldns_pkt_set_id(r, ldns_pkt_id(query));
  ldns_pkt_set_qr(r, true);
  ldns_pkt_set_rd(r, ldns_pkt_rd(query));
  ldns_pkt_set_aa(r, spec.aa);
  ldns_pkt_set_ra(r, spec.ra);
  ldns_pkt_set_tc(r, spec.tc);
  ldns_pkt_set_rcode(r, static_cast<std::uint8_t>(spec.rcode & 0x0F));
  if (spec.edns || spec.rcode > 15) {
    ldns_pkt_set_edns_udp_size(r, 1232);
    ldns_pkt_set_edns_extended_rcode(r, static_cast<std::uint8_t>(spec.rcode >> 4));
  }
  ldns_rr_list* question = ldns_pkt_question(query);
  if (question && ldns_rr_list_rr_count(question) == 1)
    ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, ldns_rr_clone(ldns_rr_list_rr(question, 0)));
  auto push = [&](ldns_pkt_section section, const std::vector<std::string>& rrs) {
    for (std::string text : rrs) {
      for (auto at = text.find("{q}"); at != std::string::npos; at = text.find("{q}")) text.replace(at, 3, q.name);
      ldns_rr* rr = nullptr;
      if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK || !rr)
        throw std::runtime_error("fake DNS server: bad RR \"" + text + "\"");
      ldns_pkt_push_rr(r, section, rr);
    }
  };
  push(LDNS_SECTION_ANSWER, spec.answer);
  push(LDNS_SECTION_AUTHORITY, spec.authority);
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  ldns_status st = ldns_pkt2wire(&wire, r, &size);
  ldns_pkt_free(r);
  ldns_pkt_free(query);
  if (st != LDNS_STATUS_OK || !wire) throw std::runtime_error("fake DNS server: cannot encode the reply");
  std::vector<std::uint8_t> out(wire, wire + size);
  std::free(wire);
  return out;
}

FakeDnsServer::Program FakeDnsServer::respond(Spec spec) {
  return [spec](const Query& q) { return std::optional<Reply>(Reply{build(q, spec), {}, false}); };
}

FakeDnsServer::Program FakeDnsServer::answer_a(const std::string& ip) {
  Spec s;
  s.answer = {"{q} 300 IN A " + ip};
  return respond(s);
}

FakeDnsServer::Program FakeDnsServer::reject_edns(int rc) {
  return [rc](const Query& q) {
    Spec s;
    if (q.edns) {
      s.rcode = rc;
    } else {
      s.answer = {"{q} 300 IN A 192.0.2.1"};
    }
    return std::optional<Reply>(Reply{build(q, s), {}, false});
  };
}

FakeDnsServer::Program FakeDnsServer::held_answer() {
  return [](const Query& q) {
    Spec s;
    s.answer = {"{q} 300 IN A 192.0.2.1"};
    return std::optional<Reply>(Reply{build(q, s), {}, true});
  };
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
