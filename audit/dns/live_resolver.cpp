#include "dns/live_resolver.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "dns/ldns_records.hpp"
#include "util/names.hpp"

namespace mailaudit::dns {

using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint16_t kEdnsSize = 1232;  // DNS flag day 2020: avoids IP fragmentation
constexpr int kMaxCnameHops = 8;

std::uint16_t random_id() {
  std::uint16_t id = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof id) != 1) id = static_cast<std::uint16_t>(Clock::now().time_since_epoch().count());
  return id;
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

std::optional<ServerAddress> parse_server(const std::string& spec, std::string& error) {
  std::string host = spec;
  std::uint16_t port = 53;
  auto parse_port = [&](const std::string& p) {
    if (p.empty() || p.size() > 5 || !std::all_of(p.begin(), p.end(), ::isdigit) || std::stoi(p) == 0 || std::stoi(p) > 65535) {
      error = "bad port \"" + p + "\" in --resolver " + spec;
      return false;
    }
    port = static_cast<std::uint16_t>(std::stoi(p));
    return true;
  };
  if (!spec.empty() && spec.front() == '[') {
    auto close = spec.find(']');
    if (close == std::string::npos) {
      error = "missing ']' in --resolver " + spec;
      return std::nullopt;
    }
    host = spec.substr(1, close - 1);
    if (close + 1 < spec.size()) {
      if (spec[close + 1] != ':' || !parse_port(spec.substr(close + 2))) {
        if (error.empty()) error = "expected [IPv6]:PORT in --resolver " + spec;
        return std::nullopt;
      }
    }
  } else if (std::count(spec.begin(), spec.end(), ':') == 1) {
    auto colon = spec.find(':');
    host = spec.substr(0, colon);
    if (!parse_port(spec.substr(colon + 1))) return std::nullopt;
  }
  auto ip = parse_ip(host);
  if (!ip) {
    error = "--resolver needs an IP address, got \"" + host + "\"";
    return std::nullopt;
  }
  ServerAddress s;
  if (ip->v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&s.addr);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    std::memcpy(&a->sin6_addr, ip->bytes.data(), 16);
    s.len = sizeof(sockaddr_in6);
    s.label = "[" + ip->to_string() + "]:" + std::to_string(port);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&s.addr);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    std::memcpy(&a->sin_addr, ip->bytes.data(), 4);
    s.len = sizeof(sockaddr_in);
    s.label = ip->to_string() + ":" + std::to_string(port);
  }
  return s;
}

std::vector<ServerAddress> servers_from_resolv_conf(const std::string& path) {
  std::vector<ServerAddress> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string key, value;
    ss >> key >> value;
    if (key != "nameserver") continue;
    value = value.substr(0, value.find('%'));  // drop an IPv6 zone id
    std::string err;
    auto ip = parse_ip(value);
    if (!ip) continue;
    auto s = parse_server(ip->v6 ? "[" + value + "]" : value, err);
    if (s) out.push_back(*s);
  }
  return out;
}

struct LiveResolver::Job {
  std::string name;     // as asked
  std::string current;  // name being queried now (differs after a CNAME chase)
  RRType type = RRType::A;
  std::promise<Answer> promise;
  std::vector<std::string> cnames;
  int hops = 0;
  int tries_done = 0;
  std::size_t server = 0;
  int fd = -1;
  bool tcp = false, tcp_connected = false;
  std::uint16_t id = 0;
  std::vector<std::uint8_t> wire;      // the query as sent
  std::size_t tcp_sent = 0;
  std::vector<std::uint8_t> tcp_buf;   // reply bytes received over TCP
  Clock::time_point started, deadline;
  std::string last_error;
  bool done = false;

  void close_fd() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

LiveResolver::LiveResolver(LiveOptions options) : options_(std::move(options)) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  thread_ = std::thread([this] { loop(); });
}

LiveResolver::~LiveResolver() {
  stopping_ = true;
  std::uint64_t one = 1;
  if (::write(wake_fd_, &one, sizeof one) < 0) { /* the loop also polls with a timeout */ }
  thread_.join();
  ::close(wake_fd_);
}

std::vector<std::string> LiveResolver::servers() const {
  std::vector<std::string> out;
  for (const auto& s : options_.servers) out.push_back(s.label);
  return out;
}

std::shared_future<Answer> LiveResolver::start(const std::string& name, RRType type) {
  auto job = std::make_unique<Job>();
  job->name = job->current = name;
  job->type = type;
  job->started = Clock::now();
  auto future = job->promise.get_future().share();
  if (options_.servers.empty()) {
    Answer a;
    a.name = name;
    a.type = type;
    a.status = Status::TIMEOUT;
    a.note = "no DNS server configured (no nameserver in /etc/resolv.conf and no --resolver)";
    job->promise.set_value(std::move(a));
    return future;
  }
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(job));
  }
  std::uint64_t one = 1;
  if (::write(wake_fd_, &one, sizeof one) < 0) { /* poll timeout picks it up */ }
  return future;
}

void LiveResolver::finish(Job& job, Answer a) {
  job.close_fd();
  a.name = job.name;
  a.type = job.type;
  if (a.cnames.empty()) a.cnames = job.cnames;
  a.elapsed_ms = ms_since(job.started);
  job.done = true;
  job.promise.set_value(std::move(a));
}

// Encode the question for job.current and put it on the wire with a fresh ID.
void LiveResolver::launch(Job& job) {
  ldns_rdf* qname = ldns_dname_new_frm_str((job.current + ".").c_str());
  if (!qname) {
    Answer a;
    a.status = Status::NXDOMAIN;
    a.note = "not queried: the name cannot be encoded";
    finish(job, std::move(a));
    return;
  }
  ldns_pkt* pkt = ldns_pkt_query_new(qname, static_cast<ldns_rr_type>(job.type), LDNS_RR_CLASS_IN, LDNS_RD);
  job.id = random_id();
  ldns_pkt_set_id(pkt, job.id);
  ldns_pkt_set_edns_udp_size(pkt, kEdnsSize);
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  ldns_status st = ldns_pkt2wire(&wire, pkt, &size);
  ldns_pkt_free(pkt);
  if (st != LDNS_STATUS_OK || !wire) {
    Answer a;
    a.status = Status::NXDOMAIN;
    a.note = std::string("not queried: ") + ldns_get_errorstr_by_id(st);
    finish(job, std::move(a));
    return;
  }
  job.wire.assign(wire, wire + size);
  std::free(wire);
  job.tries_done = 0;
  ++questions_;
  send_try(job);
}

void LiveResolver::send_try(Job& job) {
  job.close_fd();
  job.tcp = job.tcp_connected = false;
  job.tcp_buf.clear();
  job.tcp_sent = 0;
  const ServerAddress& server = options_.servers[job.server % options_.servers.size()];
  job.deadline = Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  job.fd = ::socket(server.addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  // A connected UDP socket only accepts datagrams from the server and reports ICMP errors.
  if (job.fd < 0 || ::connect(job.fd, reinterpret_cast<const sockaddr*>(&server.addr), server.len) != 0 ||
      ::send(job.fd, job.wire.data(), job.wire.size(), 0) < 0) {
    fail_try(job, std::string("cannot send to ") + server.label + ": " + std::strerror(errno));
    return;
  }
  ++packets_;
}

void LiveResolver::fail_try(Job& job, const std::string& why) {
  job.last_error = why;
  job.close_fd();
  ++job.tries_done;
  ++job.server;
  if (job.tries_done < options_.tries) {
    // A new try is a new query with a new ID, so a late reply to the previous try is ignored.
    job.id = random_id();
    job.wire[0] = static_cast<std::uint8_t>(job.id >> 8);
    job.wire[1] = static_cast<std::uint8_t>(job.id & 0xFF);
    send_try(job);
    return;
  }
  Answer a;
  a.status = Status::TIMEOUT;
  a.server = options_.servers[(job.server - 1) % options_.servers.size()].label;
  a.note = "no answer after " + std::to_string(options_.tries) + " tries of " + std::to_string(options_.timeout_ms) +
           " ms (" + why + ")";
  finish(job, std::move(a));
}

void LiveResolver::start_tcp(Job& job) {
  const ServerAddress& server = options_.servers[job.server % options_.servers.size()];
  job.close_fd();
  job.tcp = true;
  job.tcp_connected = false;
  job.tcp_sent = 0;
  job.tcp_buf.clear();
  job.deadline = Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  job.fd = ::socket(server.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (job.fd < 0) {
    fail_try(job, std::string("TCP socket: ") + std::strerror(errno));
    return;
  }
  if (::connect(job.fd, reinterpret_cast<const sockaddr*>(&server.addr), server.len) != 0 && errno != EINPROGRESS) {
    fail_try(job, std::string("TCP connect to ") + server.label + ": " + std::strerror(errno));
    return;
  }
  ++packets_;
}

void LiveResolver::on_writable(Job& job) {
  if (!job.tcp_connected) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(job.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      fail_try(job, std::string("TCP connect: ") + std::strerror(err));
      return;
    }
    job.tcp_connected = true;
  }
  // RFC 1035 §4.2.2: over TCP the message is prefixed with its length.
  std::vector<std::uint8_t> framed;
  framed.push_back(static_cast<std::uint8_t>(job.wire.size() >> 8));
  framed.push_back(static_cast<std::uint8_t>(job.wire.size() & 0xFF));
  framed.insert(framed.end(), job.wire.begin(), job.wire.end());
  ssize_t n = ::send(job.fd, framed.data() + job.tcp_sent, framed.size() - job.tcp_sent, MSG_NOSIGNAL);
  if (n < 0) {
    if (errno != EAGAIN) fail_try(job, std::string("TCP send: ") + std::strerror(errno));
    return;
  }
  job.tcp_sent += static_cast<std::size_t>(n);
}

void LiveResolver::on_readable(Job& job) {
  std::uint8_t buf[65536];
  if (!job.tcp) {
    for (;;) {
      ssize_t n = ::recv(job.fd, buf, sizeof buf, 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        fail_try(job, std::strerror(errno));  // ECONNREFUSED: nothing listens there
        return;
      }
      on_reply(job, buf, static_cast<std::size_t>(n));
      if (job.done || job.tcp || job.fd < 0) return;
    }
  }
  ssize_t n = ::recv(job.fd, buf, sizeof buf, 0);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) fail_try(job, std::string("TCP receive: ") + std::strerror(errno));
    return;
  }
  if (n == 0) {
    fail_try(job, "TCP connection closed before the reply");
    return;
  }
  job.tcp_buf.insert(job.tcp_buf.end(), buf, buf + n);
  if (job.tcp_buf.size() < 2) return;
  std::size_t want = (static_cast<std::size_t>(job.tcp_buf[0]) << 8) | job.tcp_buf[1];
  if (job.tcp_buf.size() < want + 2) return;
  std::vector<std::uint8_t> reply(job.tcp_buf.begin() + 2, job.tcp_buf.begin() + 2 + static_cast<long>(want));
  on_reply(job, reply.data(), reply.size());
  if (!job.done && job.tcp) fail_try(job, "TCP reply did not match the query");
}

void LiveResolver::on_reply(Job& job, const std::uint8_t* data, std::size_t size) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, data, size) != LDNS_STATUS_OK || !pkt) return;  // garbage: keep waiting
  std::unique_ptr<ldns_pkt, void (*)(ldns_pkt*)> holder(pkt, ldns_pkt_free);
  // Only a reply to this very question counts (spoofed or late replies are ignored).
  ldns_rr_list* q = ldns_pkt_question(pkt);
  if (ldns_pkt_id(pkt) != job.id || !ldns_pkt_qr(pkt) || !q || ldns_rr_list_rr_count(q) != 1) return;
  ldns_rr* question = ldns_rr_list_rr(q, 0);
  if (name_from_rdf(ldns_rr_owner(question)) != job.current || ldns_rr_get_type(question) != static_cast<ldns_rr_type>(job.type))
    return;
  if (ldns_pkt_tc(pkt) && !job.tcp) {
    start_tcp(job);
    return;
  }
  const ServerAddress& server = options_.servers[job.server % options_.servers.size()];
  Answer a;
  a.server = server.label + (job.tcp ? " (tcp)" : "");
  ldns_pkt_rcode rcode = ldns_pkt_get_rcode(pkt);
  switch (rcode) {
    case LDNS_RCODE_NOERROR: a.status = Status::NOERROR; break;
    case LDNS_RCODE_NXDOMAIN: a.status = Status::NXDOMAIN; break;
    case LDNS_RCODE_REFUSED: a.status = Status::REFUSED; break;
    case LDNS_RCODE_SERVFAIL: a.status = Status::SERVFAIL; break;
    default: {
      a.status = Status::SERVFAIL;
      char* s = ldns_pkt_rcode2str(rcode);
      a.note = std::string("server answered ") + (s ? s : "an error");
      std::free(s);
    }
  }
  // Walk the CNAME chain in the answer section, from the name asked.
  ldns_rr_list* answer = ldns_pkt_answer(pkt);
  std::string cur = job.current;
  bool chain_grew = false;
  for (int guard = 0; guard < 32; ++guard) {
    bool found_data = false;
    std::string next;
    for (std::size_t i = 0; answer && i < ldns_rr_list_rr_count(answer); ++i) {
      ldns_rr* rr = ldns_rr_list_rr(answer, i);
      if (name_from_rdf(ldns_rr_owner(rr)) != cur) continue;
      if (ldns_rr_get_type(rr) == static_cast<ldns_rr_type>(job.type)) {
        if (auto rec = record_from_ldns(rr)) {
          a.records.push_back(*rec);
          a.ttl = a.ttl ? std::min(*a.ttl, rec->ttl) : rec->ttl;
        }
        found_data = true;
      } else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && job.type != RRType::CNAME) {
        next = name_from_rdf(ldns_rr_rdf(rr, 0));
      }
    }
    if (found_data || next.empty()) break;
    if (next == job.name || std::find(job.cnames.begin(), job.cnames.end(), next) != job.cnames.end()) {
      job.cnames.push_back(next);
      a.status = Status::SERVFAIL;
      a.note = "CNAME loop at " + next;
      finish(job, std::move(a));
      return;
    }
    job.cnames.push_back(next);
    cur = next;
    chain_grew = true;
  }
  if (a.status == Status::NOERROR && a.records.empty()) {
    if (chain_grew) {
      // The server gave the chain but not its end (an authoritative server does): ask for the end.
      if (++job.hops > kMaxCnameHops) {
        a.status = Status::SERVFAIL;
        a.note = "CNAME chain longer than " + std::to_string(kMaxCnameHops);
        finish(job, std::move(a));
        return;
      }
      job.current = cur;
      job.close_fd();
      launch(job);
      return;
    }
    a.status = Status::NODATA;
  }
  if (a.status == Status::NXDOMAIN || a.status == Status::NODATA) {
    // RFC 2308 §5: the negative TTL is min(SOA TTL, SOA MINIMUM) from the authority section.
    ldns_rr_list* auth = ldns_pkt_authority(pkt);
    for (std::size_t i = 0; auth && i < ldns_rr_list_rr_count(auth); ++i) {
      ldns_rr* rr = ldns_rr_list_rr(auth, i);
      if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) >= 7)
        a.ttl = std::min<std::uint32_t>(ldns_rr_ttl(rr), ldns_rdf2native_int32(ldns_rr_rdf(rr, 6)));
    }
  }
  finish(job, std::move(a));
}

void LiveResolver::loop() {
  std::vector<pollfd> fds;
  std::vector<Job*> owners;  // owners[i] has fds[i]; owners[0] is the wake-up descriptor
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        for (auto& j : queue_) active_.push_back(std::move(j));
        queue_.clear();
      }
      while (!queue_.empty() && active_.size() < options_.max_in_flight) {
        active_.push_back(std::move(queue_.front()));
        queue_.pop_front();
        if (!stopping_) launch(*active_.back());
      }
    }
    if (stopping_) {
      for (auto& j : active_) {
        if (j->done) continue;
        Answer a;
        a.status = Status::TIMEOUT;
        a.note = "resolver stopped before an answer";
        finish(*j, std::move(a));
      }
      active_.clear();
      return;
    }
    fds.clear();
    owners.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    owners.push_back(nullptr);
    auto now = Clock::now();
    auto next_deadline = now + std::chrono::seconds(1);
    for (auto& j : active_) {
      if (j->done || j->fd < 0) continue;
      short events = POLLIN;
      if (j->tcp && (!j->tcp_connected || j->tcp_sent < j->wire.size() + 2)) events |= POLLOUT;
      fds.push_back({j->fd, events, 0});
      owners.push_back(j.get());
      next_deadline = std::min(next_deadline, j->deadline);
    }
    int wait_ms = static_cast<int>(std::max<long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline - now).count() + 1));
    ::poll(fds.data(), fds.size(), wait_ms);
    if (fds[0].revents & POLLIN) {
      std::uint64_t v;
      while (::read(wake_fd_, &v, sizeof v) > 0) {
      }
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      Job& job = *owners[i];
      // Handling may have replaced the job's socket since the poll (a retry, TCP): skip stale events.
      if (!fds[i].revents || job.done || job.fd != fds[i].fd) continue;
      if (fds[i].revents & POLLOUT) on_writable(job);
      if (!job.done && job.fd == fds[i].fd && (fds[i].revents & (POLLIN | POLLERR | POLLHUP))) {
        if (job.tcp && !job.tcp_connected && (fds[i].revents & (POLLERR | POLLHUP))) on_writable(job);
        else on_readable(job);
      }
    }
    now = Clock::now();
    for (auto& j : active_)
      if (!j->done && j->fd >= 0 && now >= j->deadline) fail_try(*j, "timed out");
    active_.erase(std::remove_if(active_.begin(), active_.end(), [](const auto& j) { return j->done; }), active_.end());
  }
}

}  // namespace mailaudit::dns
