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
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <tuple>

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

struct LiveResolver::Attempt {
  std::size_t server = 0;
  std::uint64_t serial = 0;  // unique per attempt: a poll event for a reused descriptor number is not ours
  std::uint16_t id = 0;
  int fd = -1;
  bool tcp = false, tcp_connected = false, edns = true;
  std::vector<std::uint8_t> wire;  // the query as sent (with its ID)
  std::size_t tcp_sent = 0;
  std::vector<std::uint8_t> tcp_buf;
  Clock::time_point sent, deadline;
  bool timed_out = false;  // past its deadline; its socket still listens until the lookup ends
  bool closed = false;     // a reply was handled or the exchange failed
  std::size_t log = 0;     // index into Job::log

  bool live() const { return !closed && !timed_out; }
  void close_fd() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

struct LiveResolver::Job {
  std::string name;     // as asked
  std::string current;  // name being queried now (differs after a CNAME chase)
  RRType type = RRType::A;
  std::promise<Answer> promise;
  std::vector<std::string> cnames;
  int hops = 0;
  // The current question:
  std::vector<Attempt> attempts;
  int timeouts = 0;                // of `tries`
  std::vector<int> asked;          // per server
  std::vector<char> excluded;      // per server: answered unusably, not asked again for this question
  std::vector<char> failing;       // per server: had failures before this question began
  Answer best_error;               // the most telling unusable outcome so far
  int best_rank = 0;
  std::vector<std::string> faults; // "127.0.0.1:53 REFUSED", for the note
  bool any_unusable = false;       // a reply (or a failed exchange) other than a timeout
  // The whole lookup:
  std::vector<Try> log;
  Clock::time_point started;
  bool done = false;

  void close_all() {
    for (auto& a : attempts) a.close_fd();
  }
};

namespace {

std::string utc_now_ms() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

bool at_or_below(const std::string& name, const std::string& apex) {
  if (apex.empty()) return true;  // the root is above every name
  return name == apex || (name.size() > apex.size() && name.compare(name.size() - apex.size(), apex.size(), apex) == 0 &&
                          name[name.size() - apex.size() - 1] == '.');
}

std::string rcode_name(int rcode) {
  switch (rcode) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    case 16: return "BADVERS";
    default: return "RCODE" + std::to_string(rcode);
  }
}

// The query for `name`/`type` with `id`, with or without an EDNS0 OPT record; empty and `error` set when
// the name cannot be encoded.
std::vector<std::uint8_t> encode_query(const std::string& name, RRType type, std::uint16_t id, bool edns, std::string& error) {
  ldns_rdf* qname = ldns_dname_new_frm_str((name + ".").c_str());
  if (!qname) {
    error = "the name cannot be encoded";
    return {};
  }
  ldns_pkt* pkt = ldns_pkt_query_new(qname, static_cast<ldns_rr_type>(type), LDNS_RR_CLASS_IN, LDNS_RD);
  ldns_pkt_set_id(pkt, id);
  if (edns) ldns_pkt_set_edns_udp_size(pkt, kEdnsSize);
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  ldns_status st = ldns_pkt2wire(&wire, pkt, &size);
  ldns_pkt_free(pkt);
  if (st != LDNS_STATUS_OK || !wire) {
    error = ldns_get_errorstr_by_id(st);
    std::free(wire);
    return {};
  }
  std::vector<std::uint8_t> out(wire, wire + size);
  std::free(wire);
  return out;
}

}  // namespace

LiveResolver::LiveResolver(LiveOptions options) : options_(std::move(options)) {
  health_.resize(options_.servers.size());
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

std::vector<ServerStats> LiveResolver::server_stats() const {
  std::lock_guard lock(health_mu_);
  std::vector<ServerStats> out;
  for (std::size_t i = 0; i < options_.servers.size(); ++i) {
    ServerStats s;
    s.label = options_.servers[i].label;
    s.packets = health_[i].packets;
    s.failures = health_[i].failures;
    s.no_edns = health_[i].no_edns;
    if (health_[i].srtt_ms >= 0) s.srtt_ms = health_[i].srtt_ms;
    out.push_back(std::move(s));
  }
  return out;
}

void LiveResolver::record_success(std::size_t server, double rtt_ms) {
  std::lock_guard lock(health_mu_);
  Health& h = health_[server];
  h.failures = 0;
  h.srtt_ms = h.srtt_ms < 0 ? rtt_ms : 0.7 * h.srtt_ms + 0.3 * rtt_ms;
}

void LiveResolver::record_failure(std::size_t server) {
  std::lock_guard lock(health_mu_);
  Health& h = health_[server];
  if (h.failures < 1000) ++h.failures;
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

void LiveResolver::finish_unanswered(Job& job) {
  for (auto& at : job.attempts) {
    at.close_fd();
    if (job.log[at.log].result.empty()) job.log[at.log].result = "UNANSWERED";
  }
}

void LiveResolver::finish(Job& job, Answer a) {
  finish_unanswered(job);
  a.name = job.name;
  a.type = job.type;
  if (a.cnames.empty()) a.cnames = job.cnames;
  a.elapsed_ms = ms_since(job.started);
  a.tries = std::move(job.log);
  job.done = true;
  job.promise.set_value(std::move(a));
}

// A new question (the name asked, or the next name of a CNAME chain): fresh tries, all servers eligible.
void LiveResolver::launch(Job& job) {
  finish_unanswered(job);
  job.attempts.clear();
  job.timeouts = 0;
  job.asked.assign(options_.servers.size(), 0);
  job.excluded.assign(options_.servers.size(), 0);
  job.failing.assign(options_.servers.size(), 0);
  {
    std::lock_guard lock(health_mu_);
    for (std::size_t i = 0; i < health_.size(); ++i) job.failing[i] = health_[i].failures > 0;
  }
  job.best_error = Answer{};
  job.best_rank = 0;
  job.faults.clear();
  job.any_unusable = false;
  std::string error;
  if (encode_query(job.current, job.type, 0, true, error).empty()) {
    Answer a;
    a.status = Status::NXDOMAIN;
    a.note = "not queried: " + error;
    finish(job, std::move(a));
    return;
  }
  ++questions_;
  next_try(job);
}

// Start the next try of the question unless one is still out; end the lookup when none is left.
void LiveResolver::next_try(Job& job) {
  if (job.done) return;
  for (const auto& at : job.attempts)
    if (at.live()) return;
  std::optional<std::size_t> pick;
  if (job.timeouts < options_.tries) {
    std::lock_guard lock(health_mu_);
    auto key = [&](std::size_t s) {
      // Servers not asked yet first; then the healthy; then the fast (400 ms bands, as unbound's); then
      // the configured order.
      int band = health_[s].srtt_ms < 0 ? 0 : static_cast<int>(health_[s].srtt_ms / 400);
      return std::tuple(job.asked[s], health_[s].failures, band, s);
    };
    for (std::size_t s = 0; s < options_.servers.size(); ++s) {
      if (job.excluded[s]) continue;
      // A server that was failing before this question gets one try of it, not every try.
      if (job.asked[s] > 0 && job.failing[s]) continue;
      if (!pick || key(s) < key(*pick)) pick = s;
    }
  }
  if (!pick) {
    Answer a;
    if (job.best_rank > 0) {
      a = job.best_error;
    } else {
      a.status = Status::TIMEOUT;
    }
    if (!job.any_unusable) {
      a.note = "no answer after " + std::to_string(job.timeouts) + " tries of " + std::to_string(options_.timeout_ms) + " ms (timed out)";
    } else {
      std::string faults;
      for (const auto& f : job.faults) faults += (faults.empty() ? "" : "; ") + f;
      a.note = "no usable answer: " + faults;
    }
    finish(job, std::move(a));
    return;
  }
  bool edns = true;
  {
    std::lock_guard lock(health_mu_);
    edns = !health_[*pick].no_edns;
  }
  send_try(job, *pick, edns, false);
}

void LiveResolver::send_try(Job& job, std::size_t server_index, bool edns, bool tcp) {
  const ServerAddress& server = options_.servers[server_index];
  Attempt at;
  at.server = server_index;
  at.serial = next_serial_++;
  at.tcp = tcp;
  at.edns = edns;
  at.id = random_id();
  std::string error;
  at.wire = encode_query(job.current, job.type, at.id, edns, error);
  at.sent = Clock::now();
  at.deadline = at.sent + std::chrono::milliseconds(options_.timeout_ms);
  Try t;
  t.query = job.current;
  t.server = server.label;
  t.transport = tcp ? "tcp" : "udp";
  t.edns = edns;
  t.at = utc_now_ms();
  at.log = job.log.size();
  job.log.push_back(std::move(t));
  if (!tcp) ++job.asked[server_index];
  job.attempts.push_back(std::move(at));
  std::size_t k = job.attempts.size() - 1;
  Attempt& a = job.attempts[k];
  a.fd = ::socket(server.addr.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  bool ok = a.fd >= 0;
  if (ok) {
    // A connected UDP socket only accepts datagrams from the server and reports ICMP errors.
    int rc = ::connect(a.fd, reinterpret_cast<const sockaddr*>(&server.addr), server.len);
    ok = rc == 0 || (tcp && errno == EINPROGRESS);
  }
  if (ok && !tcp) ok = ::send(a.fd, a.wire.data(), a.wire.size(), 0) >= 0;
  if (!ok) {
    unusable(job, k, "UNREACHABLE", Status::TIMEOUT, 1,
             std::string("cannot ") + (tcp ? "connect over TCP" : "send") + ": " + std::strerror(errno), true);
    return;
  }
  ++packets_;
  std::lock_guard lock(health_mu_);
  ++health_[server_index].packets;
}

// The attempt's server cannot answer this question: note why, keep the most telling outcome, go on.
void LiveResolver::unusable(Job& job, std::size_t k, const std::string& result, Status status, int rank,
                            const std::string& note, bool held_against_server) {
  Attempt& at = job.attempts[k];
  at.close_fd();
  at.closed = true;
  Try& t = job.log[at.log];
  t.result = result;
  t.note = note;
  job.excluded[at.server] = 1;
  job.any_unusable = true;
  if (held_against_server) record_failure(at.server);
  job.faults.push_back(options_.servers[at.server].label + (at.tcp ? " (tcp) " : " ") + result + (note.empty() ? "" : " (" + note + ")"));
  if (rank > job.best_rank) {
    job.best_rank = rank;
    job.best_error = Answer{};
    job.best_error.status = status;
    job.best_error.server = options_.servers[at.server].label + (at.tcp ? " (tcp)" : "");
  }
  next_try(job);
}

void LiveResolver::on_timeout(Job& job, std::size_t k) {
  Attempt& at = job.attempts[k];
  at.timed_out = true;
  job.log[at.log].result = "TIMEOUT";
  ++job.timeouts;
  record_failure(at.server);
  job.faults.push_back(options_.servers[at.server].label + (at.tcp ? " (tcp)" : "") + " timed out");
  if (job.best_rank < 1) {
    job.best_rank = 1;
    job.best_error = Answer{};
    job.best_error.status = Status::TIMEOUT;
    job.best_error.server = options_.servers[at.server].label + (at.tcp ? " (tcp)" : "");
  }
  next_try(job);
}

void LiveResolver::on_writable(Job& job, std::size_t k) {
  Attempt& at = job.attempts[k];
  if (!at.tcp_connected) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(at.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      unusable(job, k, "UNREACHABLE", Status::TIMEOUT, 1, std::string("TCP connect: ") + std::strerror(err), true);
      return;
    }
    at.tcp_connected = true;
  }
  // RFC 1035 §4.2.2: over TCP the message is prefixed with its length.
  std::vector<std::uint8_t> framed;
  framed.push_back(static_cast<std::uint8_t>(at.wire.size() >> 8));
  framed.push_back(static_cast<std::uint8_t>(at.wire.size() & 0xFF));
  framed.insert(framed.end(), at.wire.begin(), at.wire.end());
  ssize_t n = ::send(at.fd, framed.data() + at.tcp_sent, framed.size() - at.tcp_sent, MSG_NOSIGNAL);
  if (n < 0) {
    if (errno != EAGAIN) unusable(job, k, "UNREACHABLE", Status::TIMEOUT, 1, std::string("TCP send: ") + std::strerror(errno), true);
    return;
  }
  at.tcp_sent += static_cast<std::size_t>(n);
}

void LiveResolver::on_readable(Job& job, std::size_t k) {
  std::uint8_t buf[65536];
  if (!job.attempts[k].tcp) {
    for (;;) {
      Attempt& at = job.attempts[k];
      ssize_t n = ::recv(at.fd, buf, sizeof buf, 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        // ECONNREFUSED: nothing listens there.
        unusable(job, k, "UNREACHABLE", Status::TIMEOUT, 1, std::strerror(errno), true);
        return;
      }
      std::uint64_t serial = at.serial;
      on_reply(job, k, buf, static_cast<std::size_t>(n));
      if (job.done || k >= job.attempts.size() || job.attempts[k].serial != serial || job.attempts[k].closed ||
          job.attempts[k].fd < 0)
        return;
    }
  }
  Attempt& at = job.attempts[k];
  ssize_t n = ::recv(at.fd, buf, sizeof buf, 0);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      unusable(job, k, "UNREACHABLE", Status::TIMEOUT, 1, std::string("TCP receive: ") + std::strerror(errno), true);
    return;
  }
  if (n == 0) {
    unusable(job, k, "CLOSED", Status::SERVFAIL, 3, "TCP connection closed before the reply", true);
    return;
  }
  at.tcp_buf.insert(at.tcp_buf.end(), buf, buf + n);
  if (at.tcp_buf.size() < 2) return;
  std::size_t want = (static_cast<std::size_t>(at.tcp_buf[0]) << 8) | at.tcp_buf[1];
  if (at.tcp_buf.size() < want + 2) return;
  std::vector<std::uint8_t> reply(at.tcp_buf.begin() + 2, at.tcp_buf.begin() + 2 + static_cast<long>(want));
  std::uint64_t serial = at.serial;
  on_reply(job, k, reply.data(), reply.size());
  if (!job.done && k < job.attempts.size() && job.attempts[k].serial == serial && !job.attempts[k].closed)
    unusable(job, k, "MISMATCH", Status::SERVFAIL, 3, "TCP reply did not match the query", true);
}

void LiveResolver::on_reply(Job& job, std::size_t k, const std::uint8_t* data, std::size_t size) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, data, size) != LDNS_STATUS_OK || !pkt) return;  // garbage: keep waiting
  std::unique_ptr<ldns_pkt, void (*)(ldns_pkt*)> holder(pkt, ldns_pkt_free);
  Attempt& at = job.attempts[k];
  // Only a reply to this very question counts (spoofed or stray replies are ignored).
  ldns_rr_list* q = ldns_pkt_question(pkt);
  if (ldns_pkt_id(pkt) != at.id || !ldns_pkt_qr(pkt) || !q || ldns_rr_list_rr_count(q) != 1) return;
  ldns_rr* question = ldns_rr_list_rr(q, 0);
  if (name_from_rdf(ldns_rr_owner(question)) != job.current || ldns_rr_get_type(question) != static_cast<ldns_rr_type>(job.type))
    return;
  double rtt = ms_since(at.sent);
  Try& t = job.log[at.log];
  t.rtt_ms = rtt;
  t.late = at.timed_out;
  const std::size_t server_index = at.server;
  const ServerAddress& server = options_.servers[server_index];
  if (ldns_pkt_tc(pkt)) {
    if (at.tcp) {
      unusable(job, k, "TRUNCATED", Status::SERVFAIL, 3, "TC=1 over TCP: the reply is incomplete", true);
      return;
    }
    t.result = "TRUNCATED";
    at.close_fd();
    at.closed = true;
    send_try(job, server_index, at.edns, true);
    return;
  }
  int rcode = ldns_pkt_get_rcode(pkt);
  if (ldns_pkt_edns(pkt)) rcode |= ldns_pkt_edns_extended_rcode(pkt) << 4;
  if (at.edns && (rcode == LDNS_RCODE_FORMERR || rcode == LDNS_RCODE_NOTIMPL || rcode == 16)) {
    // RFC 6891 §7: a server that does not understand EDNS; ask it again without, and remember.
    t.result = rcode_name(rcode);
    t.note = "EDNS rejected: asked again without EDNS";
    at.close_fd();
    at.closed = true;
    {
      std::lock_guard lock(health_mu_);
      health_[server_index].no_edns = true;
    }
    send_try(job, server_index, false, at.tcp);
    return;
  }
  switch (rcode) {
    case LDNS_RCODE_NOERROR:
    case LDNS_RCODE_NXDOMAIN: break;
    case LDNS_RCODE_REFUSED: unusable(job, k, "REFUSED", Status::REFUSED, 2, "", true); return;
    // SERVFAIL is usually about the name (a broken zone, DNSSEC), not the server: not held against it.
    case LDNS_RCODE_SERVFAIL: unusable(job, k, "SERVFAIL", Status::SERVFAIL, 4, "", false); return;
    default: unusable(job, k, rcode_name(rcode), Status::SERVFAIL, 3, "server answered " + rcode_name(rcode), true); return;
  }
  Answer a;
  a.server = server.label + (at.tcp ? " (tcp)" : "");
  a.status = rcode == LDNS_RCODE_NXDOMAIN ? Status::NXDOMAIN : Status::NOERROR;
  // Walk the CNAME chain in the answer section, from the name asked.
  ldns_rr_list* answer = ldns_pkt_answer(pkt);
  std::string cur = job.current;
  bool chain_grew = false;
  std::vector<std::string> chain = job.cnames;
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
    if (next == job.name || std::find(chain.begin(), chain.end(), next) != chain.end()) {
      chain.push_back(next);
      job.cnames = chain;
      t.result = "NOERROR";
      record_success(server_index, rtt);
      a.records.clear();
      a.status = Status::SERVFAIL;
      a.note = "CNAME loop at " + next;
      finish(job, std::move(a));
      return;
    }
    chain.push_back(next);
    cur = next;
    chain_grew = true;
  }
  if (a.status == Status::NOERROR && !a.records.empty()) {
    t.result = "NOERROR";
    job.cnames = chain;
    record_success(server_index, rtt);
    finish(job, std::move(a));
    return;
  }
  if (a.status == Status::NOERROR && chain_grew) {
    // The server gave the chain but not its end (an authoritative server does): ask for the end.
    t.result = "NOERROR";
    t.note = "CNAME chain to " + cur + " without its end";
    record_success(server_index, rtt);
    job.cnames = chain;
    if (++job.hops > kMaxCnameHops) {
      a.status = Status::SERVFAIL;
      a.note = "CNAME chain longer than " + std::to_string(kMaxCnameHops);
      finish(job, std::move(a));
      return;
    }
    job.current = cur;
    launch(job);
    return;
  }
  // A negative reply. RFC 2308 §2: it is authoritative absence only with the SOA of a zone above the name
  // (or, without SOA, from a server that recurses or is authoritative); NS records without SOA are a referral,
  // which says where to ask, not that nothing is there (§2.2).
  ldns_rr_list* auth = ldns_pkt_authority(pkt);
  std::optional<std::uint32_t> negative_ttl;
  std::string unrelated_soa, ns_owner;
  bool has_ns = false;
  for (std::size_t i = 0; auth && i < ldns_rr_list_rr_count(auth); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(auth, i);
    std::string owner = name_from_rdf(ldns_rr_owner(rr));
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) >= 7) {
      if (at_or_below(cur, owner)) {
        // RFC 2308 §5: the negative TTL is min(SOA TTL, SOA MINIMUM).
        negative_ttl = std::min<std::uint32_t>(ldns_rr_ttl(rr), ldns_rdf2native_int32(ldns_rr_rdf(rr, 6)));
      } else {
        unrelated_soa = owner.empty() ? "." : owner;
      }
    } else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS && !has_ns) {
      has_ns = true;
      ns_owner = owner;
    }
  }
  Status negative = a.status == Status::NXDOMAIN ? Status::NXDOMAIN : Status::NODATA;
  std::string what = a.status == Status::NXDOMAIN ? "NXDOMAIN" : "NOERROR without an answer";
  if (!negative_ttl) {
    std::string why;
    std::string result = "LAME";
    if (has_ns) {
      result = "REFERRAL";
      if (ns_owner.empty()) why = what + " with a referral to the root (an upward referral)";
      else if (at_or_below(cur, ns_owner)) why = what + " with a referral to " + ns_owner + " (not a recursive server)";
      else why = what + " with a referral to the unrelated " + ns_owner;
    } else if (!unrelated_soa.empty()) {
      why = what + " with the SOA of " + unrelated_soa + ", a zone that does not hold " + cur;
    } else if (!ldns_pkt_ra(pkt) && !ldns_pkt_aa(pkt)) {
      why = what + " and no authority from a server that neither recurses (RA=0) nor is authoritative (AA=0)";
    }
    if (!why.empty()) {
      if (chain_grew) job.cnames = chain;  // keep what was learnt of the chain
      unusable(job, k, result, Status::SERVFAIL, 3, why, true);
      return;
    }
  }
  t.result = std::string(to_string(negative));
  job.cnames = chain;
  record_success(server_index, rtt);
  a.status = negative;
  a.records.clear();
  a.ttl = negative_ttl;
  finish(job, std::move(a));
}

void LiveResolver::loop() {
  std::vector<pollfd> fds;
  struct Owner {
    Job* job;
    std::size_t attempt;
    std::uint64_t serial;
  };
  std::vector<Owner> owners;  // owners[i] has fds[i]; owners[0] is the wake-up descriptor
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
    owners.push_back({nullptr, 0, 0});
    auto now = Clock::now();
    auto next_deadline = now + std::chrono::seconds(1);
    for (auto& j : active_) {
      if (j->done) continue;
      for (std::size_t k = 0; k < j->attempts.size(); ++k) {
        const Attempt& at = j->attempts[k];
        if (at.fd < 0) continue;
        short events = POLLIN;
        if (at.tcp && (!at.tcp_connected || at.tcp_sent < at.wire.size() + 2)) events |= POLLOUT;
        fds.push_back({at.fd, events, 0});
        owners.push_back({j.get(), k, at.serial});
        if (at.live()) next_deadline = std::min(next_deadline, at.deadline);
      }
    }
    int wait_ms = static_cast<int>(std::max<long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline - now).count() + 1));
    ::poll(fds.data(), fds.size(), wait_ms);
    if (fds[0].revents & POLLIN) {
      std::uint64_t v;
      while (::read(wake_fd_, &v, sizeof v) > 0) {
      }
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      Job& job = *owners[i].job;
      std::size_t k = owners[i].attempt;
      // Handling may have closed or replaced attempts since the poll (a retry, TCP, a CNAME): skip stale events.
      auto current = [&] {
        return !job.done && k < job.attempts.size() && job.attempts[k].serial == owners[i].serial &&
               job.attempts[k].fd == fds[i].fd && !job.attempts[k].closed;
      };
      if (!fds[i].revents || !current()) continue;
      if (fds[i].revents & POLLOUT) on_writable(job, k);
      if (current() && (fds[i].revents & (POLLIN | POLLERR | POLLHUP))) {
        if (job.attempts[k].tcp && !job.attempts[k].tcp_connected && (fds[i].revents & (POLLERR | POLLHUP))) on_writable(job, k);
        else on_readable(job, k);
      }
    }
    now = Clock::now();
    for (auto& j : active_) {
      for (std::size_t k = 0; !j->done && k < j->attempts.size(); ++k)
        if (j->attempts[k].live() && now >= j->attempts[k].deadline) on_timeout(*j, k);
    }
    active_.erase(std::remove_if(active_.begin(), active_.end(), [](const auto& j) { return j->done; }), active_.end());
  }
}

}  // namespace mailaudit::dns
