#include "links/follow.hpp"


#include <chrono>
#include <mutex>
#include <set>

#include "util/curl_api.hpp"
#include "util/names.hpp"
#include "urls/normalise.hpp"
#include "util/text.hpp"

namespace mailaudit::links {

namespace {

// Response bodies are never read: the headers say where a link leads.
std::size_t discard_body(char*, std::size_t, std::size_t, void*) { return 0; }

struct Target {
  std::string host, ip;
  long port = 0;
  bool ok = false;
};

const rules::IpRange* special_range(const dns::IpAddress& ip, const rules::Rules& rules) {
  for (const auto& r : rules.ip_ranges())
    if (auto net = dns::parse_cidr(r.cidr); net && dns::in_cidr(ip, *net)) return &r;
  return nullptr;
}

// Where a hop would connect: the host's first address through our resolver.
Target resolve(const urls::UrlParts& parts, Chain& chain, const FollowOptions& o, dns::Resolver& dns,
               const rules::Rules& rules) {
  Target t;
  urls::Host h = urls::normalise_host(parts.host);
  t.host = h.name;
  bool https = text::iequals(parts.scheme, "https");
  t.port = parts.port.empty() ? (https ? 443 : 80) : std::strtol(parts.port.c_str(), nullptr, 10);
  if (t.host.empty() || t.port <= 0 || t.port > 65535) {
    chain.outcome = Outcome::broken;
    chain.why = "the URL has no usable host or port";
    return t;
  }
  std::optional<dns::IpAddress> ip = h.ip ? dns::parse_ip(t.host) : std::nullopt;
  if (!ip) {
    for (auto type : {dns::RRType::A, dns::RRType::AAAA}) {
      dns::Answer a = dns.lookup(t.host, type);
      chain.evidence.push_back(a);
      if (a.status == dns::Status::NXDOMAIN) {
        chain.outcome = Outcome::broken;
        chain.why = t.host + " does not exist (NXDOMAIN)";
        return t;
      }
      if (a.status == dns::Status::OFFLINE) {
        chain.outcome = Outcome::offline;
        chain.why = t.host + " was not resolved offline";
        return t;
      }
      if (a.unknown()) {
        chain.outcome = Outcome::unknown;
        chain.why = t.host + ": DNS " + std::string(dns::to_string(a.status));
        return t;
      }
      for (const auto& rec : a.records)
        if ((ip = dns::parse_ip(rec.value))) break;
      if (ip) break;
    }
  }
  if (!ip) {
    chain.outcome = Outcome::broken;
    chain.why = t.host + " has no address";
    return t;
  }
  if (const rules::IpRange* r = special_range(*ip, rules); r && !o.allow_private) {
    chain.outcome = Outcome::refused_private;
    chain.why = t.host + " is " + ip->to_string() + " (" + r->name + "): not fetched";
    return t;
  }
  t.ip = ip->to_string();
  t.ok = true;
  return t;
}

Hop request(const std::string& url, const Target& t, bool head, long timeout_ms, const FollowOptions& o) {
  Hop hop;
  hop.url = url;
  hop.ip = t.ip;
  hop.method = head ? "HEAD" : "GET";
  const CurlApi* curl = curl_api();
  CURL* h = curl ? curl->easy_init() : nullptr;
  if (!h) {
    hop.error = "libcurl could not start";
    return hop;
  }
  std::string pin = t.host + ":" + std::to_string(t.port) + ":" + (t.ip.find(':') != std::string::npos ? "[" + t.ip + "]" : t.ip);
  curl_slist* resolve = curl->slist_append(nullptr, pin.c_str());
  char errbuf[CURL_ERROR_SIZE] = {};
  curl->easy_setopt(h, CURLOPT_URL, url.c_str());
  curl->easy_setopt(h, CURLOPT_RESOLVE, resolve);
  curl->easy_setopt(h, CURLOPT_NOBODY, head ? 1L : 0L);
  curl->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // every hop is checked here before it is requested
  curl->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl->easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl->easy_setopt(h, CURLOPT_USERAGENT, o.user_agent.c_str());
  curl->easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_body);
  curl->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl->easy_perform(h);
  curl->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &hop.status);
  char* location = nullptr;
  if (curl->easy_getinfo(h, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) hop.location = location;
  // A GET aborted after the headers is a response, not an error.
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && hop.status > 0)) {
    hop.error = errbuf[0] ? errbuf : curl->easy_strerror(rc);
    hop.tls_problem = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ||
                      rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CACERT_BADFILE;
    if (rc == CURLE_OPERATION_TIMEDOUT) hop.error = "timed out after " + std::to_string(timeout_ms) + " ms";
    hop.status = 0;
  }
  curl->slist_free_all(resolve);
  curl->easy_cleanup(h);
  return hop;
}

}  // namespace

bool looks_like_unsubscribe(const std::string& url, const rules::UrlRules& rules) {
  auto parts = urls::split_url(url);
  std::string tail = text::lower(url);
  if (parts) tail = text::lower(parts->host + parts->path + "?" + parts->query);
  for (const auto& w : rules.unsubscribe_words)
    if (tail.find(w) != std::string::npos) return true;
  return false;
}

std::string to_string(Outcome o) {
  switch (o) {
    case Outcome::landed: return "landed";
    case Outcome::broken: return "broken";
    case Outcome::unknown: return "unknown";
    case Outcome::refused_private: return "refused_private";
    case Outcome::unsubscribe: return "unsubscribe";
    case Outcome::offline: return "offline";
  }
  return "unknown";
}

Chain follow(const std::string& start, const FollowOptions& o, dns::Resolver& dns, const rules::Rules& rules) {
  Chain chain;
  chain.start = start;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(o.total_timeout_ms);
  std::set<std::string> seen;
  std::string url = start;
  for (int hop_no = 0;; ++hop_no) {
    if (hop_no >= o.max_hops) {
      chain.outcome = Outcome::broken;
      chain.why = "more than " + std::to_string(o.max_hops) + " redirects";
      return chain;
    }
    if (!seen.insert(url).second) {
      chain.outcome = Outcome::broken;
      chain.why = "redirect loop back to " + url;
      return chain;
    }
    if (looks_like_unsubscribe(url, rules.urls())) {
      chain.outcome = Outcome::unsubscribe;
      chain.why = url + " looks like an unsubscribe endpoint: not requested (it could unsubscribe the recipient)";
      return chain;
    }
    auto parts = urls::split_url(url);
    if (!parts || !(text::iequals(parts->scheme, "http") || text::iequals(parts->scheme, "https"))) {
      chain.outcome = Outcome::broken;
      chain.why = "not an http(s) URL: " + url;
      return chain;
    }
    Target t = resolve(*parts, chain, o, dns, rules);
    if (!t.ok) return chain;
    long left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      chain.outcome = Outcome::unknown;
      chain.why = "the chain took longer than " + std::to_string(o.total_timeout_ms) + " ms";
      return chain;
    }
    long timeout = std::min<long>(o.request_timeout_ms, left);
    Hop hop = request(url, t, true, timeout, o);
    // Servers that refuse HEAD (405, 501, some 403/404) or drop it: ask again with GET, headers only.
    if (hop.error.empty() ? (hop.status == 405 || hop.status == 501 || hop.status == 403 || hop.status == 404)
                          : !hop.tls_problem && hop.error.find("timed out") == std::string::npos)
      hop = request(url, t, false, timeout, o);
    chain.tls_problem = chain.tls_problem || hop.tls_problem;
    chain.hops.push_back(hop);
    if (!hop.error.empty()) {
      bool timed_out = hop.error.find("timed out") != std::string::npos;
      chain.outcome = timed_out ? Outcome::unknown : Outcome::broken;
      chain.why = url + ": " + hop.error;
      return chain;
    }
    if (hop.status >= 300 && hop.status < 400 && !hop.location.empty()) {
      url = hop.location;
      continue;
    }
    chain.final_url = url;
    chain.final_host = t.host;
    if (hop.status >= 400) {
      chain.outcome = Outcome::broken;
      chain.why = url + " answered HTTP " + std::to_string(hop.status);
    } else {
      chain.outcome = Outcome::landed;
    }
    return chain;
  }
}

}  // namespace mailaudit::links
