#include "urls/unwrap.hpp"

#include <algorithm>
#include <cctype>

#include "urls/normalise.hpp"
#include "util/text.hpp"

namespace mailaudit::urls {

namespace {

bool is_web_url(std::string_view v) {
  return (text::istarts_with(v, "http://") || text::istarts_with(v, "https://")) && v.size() > 10;
}

// Decode %XX repeatedly (targets are sometimes encoded twice), at most three rounds.
std::string fully_decoded(std::string_view v) {
  std::string cur(v);
  for (int i = 0; i < 3 && cur.find('%') != std::string::npos; ++i) {
    std::string next = percent_decode_all(cur);
    if (next == cur) break;
    cur = std::move(next);
  }
  return cur;
}

std::string base64_decoded(std::string_view v) {
  static const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : v) {
    if (c == '=') break;
    if (c == '-') c = '+';  // URL-safe alphabet
    if (c == '_') c = '/';
    auto p = alphabet.find(c);
    if (p == std::string_view::npos) return "";
    buf = (buf << 6) | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

// A web URL whose scheme and host are written out: no more decoding to do.
bool plain_web_url(std::string_view v) {
  if (!is_web_url(v)) return false;
  std::string_view rest = v.substr(v.find("//") + 2);
  return rest.substr(0, rest.find_first_of("/?#")).find('%') == std::string_view::npos;
}

// Decode %XX until the value is a plain web URL (targets are sometimes encoded twice), at most three rounds,
// and no further: the target's own %26 or %3D stays, or its query would be cut at the '&'.
std::string target_decoded(std::string_view v) {
  std::string cur(v);
  for (int i = 0; i < 3 && cur.find('%') != std::string::npos && !plain_web_url(cur); ++i) {
    std::string next = percent_decode_all(cur);
    if (next == cur) break;
    cur = std::move(next);
  }
  return cur;
}

// A value that is, or encodes, a web URL.
std::string as_target(std::string_view value) {
  if (value.find('%') == std::string_view::npos) {
    if (is_web_url(value)) return std::string(value);  // nothing to decode: no copy for the common token
  } else if (std::string v = target_decoded(value); is_web_url(v)) {
    return v;
  }
  // Only a value whose first 8 characters decode to "http" (any case) can encode a web URL: most tokens
  // of tracked links are not decoded whole.
  if (value.size() >= 16 && text::istarts_with(base64_decoded(value.substr(0, 8)), "http")) {
    std::string b = base64_decoded(value);
    bool printable = std::all_of(b.begin(), b.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20; });
    if (printable && is_web_url(b)) return b;
  }
  return "";
}

// Calls `f` on each piece of `s` between `sep`s (empty ones too), in order, until it returns true; says
// whether one did. The pieces of a tracked link's query and path, without a vector for them.
template <typename F>
bool any_piece(std::string_view s, char sep, F&& f) {
  for (std::size_t start = 0;;) {
    const std::size_t pos = s.find(sep, start);
    if (f(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start))) return true;
    if (pos == std::string_view::npos) return false;
    start = pos + 1;
  }
}

std::string query_value(std::string_view query, std::string_view name) {
  std::string out;
  any_piece(query, '&', [&](std::string_view pair) {
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) return false;
    out = std::string(pair.substr(eq + 1));
    return true;
  });
  return out;
}

}  // namespace

std::string embedded_target(std::string_view url, const rules::UrlRules& rules) {
  auto parts = split_url(url);
  if (!parts || !parts->authority) return "";
  std::string host = normalise_host(parts->host).name;
  for (const auto& r : rules.redirectors) {
    if (!rules::host_within(host, r.host) || !text::istarts_with(parts->path, r.path_prefix)) continue;
    if (!r.param.empty()) {
      std::string t = as_target(query_value(parts->query, r.param));
      if (!t.empty()) return t;
      continue;
    }
    std::string rest = fully_decoded(std::string_view(parts->path).substr(r.path_prefix.size()));
    if (parts->has_query) rest += "?" + fully_decoded(parts->query);
    if (is_web_url(rest)) return rest;
    std::string_view first = std::string_view(rest).substr(0, rest.find_first_of("/?#"));
    Host h = normalise_host(first);
    if (!h.name.empty() && (h.ip || is_plausible_domain(h.name))) return "http://" + rest;
  }
  std::string target;
  if (parts->has_query && any_piece(parts->query, '&', [&](std::string_view pair) {
        auto eq = pair.find('=');
        if (eq == std::string_view::npos) return false;
        target = as_target(pair.substr(eq + 1));
        return !target.empty();
      }))
    return target;
  // A path that carries a whole URL: /redirect/https://target/... or /r/aHR0cHM6Ly8... (base64). Both
  // written forms hold a ':' once decoded, so a path with neither ':' nor '%' holds none.
  if (parts->path.find_first_of(":%") != std::string::npos) {
    std::string path = fully_decoded(parts->path);
    const std::string low = text::lower(path);
    for (std::string_view scheme : {"/http:/", "/https:/"}) {
      auto p = low.find(scheme);
      if (p == std::string::npos) continue;
      std::string t = path.substr(p + 1);
      auto colon = t.find(':');
      if (t.compare(colon + 1, 2, "//") != 0) t.insert(colon + 1, "/");  // proxies collapse "//" to "/"
      if (parts->has_query) t += "?" + parts->query;
      return t;
    }
  }
  any_piece(parts->path, '/', [&](std::string_view seg) {
    if (seg.size() < 16) return false;
    target = as_target(seg);
    if (!target.empty() && !text::istarts_with(fully_decoded(seg), "http")) return true;
    target.clear();
    return false;
  });
  return target;
}

}  // namespace mailaudit::urls
