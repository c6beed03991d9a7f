// Following a link's redirect chain over HTTP(S) with libcurl, one hop at a time so every hop is checked
// before it is requested: host names resolve through our own resolver (so --zone and --resolver apply, and
// curl is pinned to that address), special-purpose addresses (private, loopback, link-local, reserved) are
// refused unless allowed, and URLs that look like unsubscribe endpoints are never requested.
#pragma once
#include <string>
#include <vector>

#include "model/answer.hpp"
#include "dns/resolver.hpp"
#include "rules/rules.hpp"

namespace mailaudit::links {

struct FollowOptions {
  int max_hops = 10;
  int request_timeout_ms = 5000;   // per request
  int total_timeout_ms = 15000;    // per chain
  bool allow_private = false;      // --allow-private-links (our own tests)
  std::string user_agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
};

struct Hop {
  std::string url;
  long status = 0;        // HTTP status, 0 when no response
  std::string location;   // the next URL (absolute), for redirects
  std::string ip;         // the address connected to
  std::string method;     // "HEAD" or "GET"
  std::string error;      // transport error for people, "" when a response came
  bool tls_problem = false;
};

enum class Outcome {
  landed,          // a final non-redirect answer below 400
  broken,          // 4xx/5xx, no such domain, connection refused, redirect loop, too many hops
  unknown,         // timeout or temporary DNS failure: cannot tell
  refused_private, // a hop would reach a special-purpose address
  unsubscribe,     // a hop looks like an unsubscribe endpoint: not requested
  offline          // DNS offline: not fetched
};

struct Chain {
  std::string start;
  std::vector<Hop> hops;
  Outcome outcome = Outcome::unknown;
  std::string final_url, final_host;
  std::string why;  // for people, when not landed
  std::vector<dns::Answer> evidence;  // DNS answers used
  bool tls_problem = false;
};

// True when the URL's path or query holds one of rules/urls.toml's unsubscribe words.
bool looks_like_unsubscribe(const std::string& url, const rules::UrlRules& rules);

Chain follow(const std::string& url, const FollowOptions& options, dns::Resolver& dns, const rules::Rules& rules);

std::string to_string(Outcome o);

}  // namespace mailaudit::links
