#include "urls/normalise.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <unordered_map>

#include "util/names.hpp"
#include "util/public_suffix.hpp"
#include "util/text.hpp"

namespace mailaudit::urls {

namespace {

bool is_special(std::string_view scheme) {
  return text::iequals(scheme, "http") || text::iequals(scheme, "https") || text::iequals(scheme, "ftp");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s, bool printable_only, std::string_view keep = "") {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    // The run up to the next '%' as it is.
    std::size_t pct = s.find('%', i);
    if (pct == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    out.append(s.substr(i, pct - i));
    i = pct;
    if (i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      auto byte = static_cast<unsigned char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      const bool kept = keep.find(static_cast<char>(byte)) != std::string_view::npos;
      if (!printable_only || (byte > 0x20 && byte < 0x7f && byte != '%' && !kept)) {
        out += static_cast<char>(byte);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// One part of a WHATWG-style IPv4 host: decimal, 0x hex or 0-prefixed octal.
std::optional<std::uint64_t> ipv4_number(std::string_view part) {
  if (part.empty()) return std::nullopt;
  int base = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    base = 16;
    part.remove_prefix(2);
    if (part.empty()) return 0;
  } else if (part.size() >= 2 && part[0] == '0') {
    base = 8;
    part.remove_prefix(1);
  }
  if (part.size() > 12) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : part) {
    int d = hex_value(c);
    if (d < 0 || d >= base) return std::nullopt;
    v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
  }
  return v;
}

// "1113515555", "0x42.0x5e.230.35", "0102.94.230.35", "66.94.59427" -> dotted quad; nullopt if not numeric.
std::optional<std::string> numeric_ipv4(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  auto parts = text::split(host, '.');
  if (parts.empty() || parts.size() > 4) return std::nullopt;
  std::vector<std::uint64_t> nums;
  for (auto p : parts) {
    auto n = ipv4_number(p);
    if (!n) return std::nullopt;
    nums.push_back(*n);
  }
  for (std::size_t i = 0; i + 1 < nums.size(); ++i)
    if (nums[i] > 255) return std::nullopt;
  std::uint64_t last_limit = std::uint64_t{1} << (8 * (5 - nums.size()));
  if (nums.back() >= last_limit) return std::nullopt;
  std::uint64_t v = nums.back();
  for (std::size_t i = 0; i + 1 < nums.size(); ++i) v += nums[i] << (8 * (3 - i));
  return std::to_string((v >> 24) & 255) + "." + std::to_string((v >> 16) & 255) + "." +
         std::to_string((v >> 8) & 255) + "." + std::to_string(v & 255);
}

// Fullwidth and ideographic full stops that browsers and IDNA map to '.'.
std::string map_dots(std::string_view s, bool& changed) {
  static const std::string_view dots[] = {"\xE3\x80\x82", "\xEF\xBC\x8E", "\xEF\xBD\xA1"};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool hit = false;
    for (auto d : dots)
      if (s.substr(i, d.size()) == d) {
        out += '.';
        i += d.size();
        hit = changed = true;
        break;
      }
    if (!hit) out += s[i++];
  }
  return out;
}

bool label_ok(std::string_view label, bool allow_underscore) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '-' && !(allow_underscore && c == '_')) return false;
  }
  return true;
}

}  // namespace

std::string percent_decode_printable(std::string_view s) { return percent_decode(s, true); }
std::string percent_decode_printable(std::string_view s, std::string_view keep) { return percent_decode(s, true, keep); }
std::string percent_decode_all(std::string_view s) { return percent_decode(s, false); }

std::optional<UrlParts> split_url(std::string_view url) {
  UrlParts p;
  std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  for (std::size_t i = 0; i < colon; ++i) {
    auto c = static_cast<unsigned char>(url[i]);
    if (!(std::isalpha(c) || (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.')))) return std::nullopt;
  }
  p.scheme = std::string(url.substr(0, colon));
  std::string_view rest = url.substr(colon + 1);
  std::string slashed;  // a special scheme's '\\' read as '/', as browsers do; copied only when there is one
  if (is_special(p.scheme) && rest.find('\\') != std::string_view::npos) {
    slashed = rest;
    std::replace(slashed.begin(), slashed.end(), '\\', '/');
    rest = slashed;
  }
  std::size_t pos = 0;
  if (rest.starts_with("//")) {
    p.authority = true;
    pos = 2;
    std::size_t end = rest.find_first_of("/?#", pos);
    if (end == std::string::npos) end = rest.size();
    std::string_view auth(rest.data() + pos, end - pos);
    if (auto at = auth.rfind('@'); at != std::string_view::npos) {
      p.has_userinfo = true;
      p.userinfo = std::string(auth.substr(0, at));
      auth.remove_prefix(at + 1);
    }
    if (!auth.empty() && auth.front() == '[') {
      auto close = auth.find(']');
      if (close == std::string_view::npos) {
        p.host = std::string(auth);
      } else {
        p.host = std::string(auth.substr(0, close + 1));
        auto after = auth.substr(close + 1);
        if (!after.empty() && after.front() == ':') p.port = std::string(after.substr(1));
      }
    } else if (auto c = auth.rfind(':'); c != std::string_view::npos) {
      p.host = std::string(auth.substr(0, c));
      p.port = std::string(auth.substr(c + 1));
    } else {
      p.host = std::string(auth);
    }
    pos = end;
  }
  std::string_view tail(rest.data() + pos, rest.size() - pos);
  if (auto hash = tail.find('#'); hash != std::string_view::npos) {
    p.has_fragment = true;
    p.fragment = std::string(tail.substr(hash + 1));
    tail = tail.substr(0, hash);
  }
  if (auto q = tail.find('?'); q != std::string_view::npos) {
    p.has_query = true;
    p.query = std::string(tail.substr(q + 1));
    tail = tail.substr(0, q);
  }
  p.path = std::string(tail);
  return p;
}

namespace {

Host read_host(std::string_view raw) {
  Host h;
  std::string s = percent_decode_all(raw);
  if (s != raw) h.obfuscated = true;
  s = map_dots(s, h.obfuscated);
  while (!s.empty() && s.back() == '.') s.pop_back();
  if (s.empty()) return h;
  if (s.front() == '[') {
    if (s.back() != ']') return h;
    auto ip = dns::parse_ip(std::string_view(s).substr(1, s.size() - 2));
    if (!ip || !ip->v6) return h;
    h.name = ip->to_string();
    h.ip = true;
    return h;
  }
  if (auto ip = dns::parse_ip(s); ip && !ip->v6) {
    h.name = ip->to_string();
    h.ip = true;
    if (h.name != s) h.obfuscated = true;  // "010.001.002.003"
    return h;
  }
  if (auto quad = numeric_ipv4(s)) {
    h.name = *quad;
    h.ip = true;
    h.obfuscated = true;
    return h;
  }
  // WHATWG URL: a host whose last label is a number but that is no IPv4 address is invalid.
  if (auto last = s.substr(s.rfind('.') == std::string::npos ? 0 : s.rfind('.') + 1); ipv4_number(last)) return h;
  bool ascii = std::all_of(s.begin(), s.end(), [](char c) { return !(static_cast<unsigned char>(c) & 0x80); });
  std::string name;
  if (ascii) {
    name = text::lower(s);
  } else {
    auto a = dns::to_a_label(s);
    if (!a) return h;
    name = *a;
    h.idn = true;
  }
  if (name.size() > 253) return h;
  for (auto label : text::split(name, '.')) {
    if (label.empty() || label.size() > 63) return h;
    for (char c : label) {
      auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u >= 0x7f || std::string_view("/?#@:[]<>\"'\\%").find(c) != std::string_view::npos) return h;
    }
    if (label.starts_with("xn--")) h.idn = true;
  }
  h.name = name;
  return h;
}

}  // namespace

Host normalise_host(std::string_view raw) {
  // A message names the same few hosts in most of its links (and each link's host is read again when
  // its redirect target is looked for): this thread's last answers are kept, a bounded number.
  constexpr std::size_t kRemembered = 1024;
  thread_local std::unordered_map<std::string, Host> remembered;
  if (auto it = remembered.find(std::string(raw)); it != remembered.end()) return it->second;
  Host h = read_host(raw);
  if (raw.size() > 255) return h;  // no host name is that long (a hostile one may be): not kept
  if (remembered.size() >= kRemembered) remembered.clear();
  remembered.emplace(raw, h);
  return h;
}

bool is_plausible_domain(std::string_view host) {
  auto labels = text::split(host, '.');
  if (labels.size() < 2 || host.size() > 253) return false;
  std::string_view tld = labels.back();
  bool tld_alpha = std::all_of(tld.begin(), tld.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  if (!(tld_alpha || tld.starts_with("xn--")) || !dns::has_known_tld(host)) return false;
  std::string rd = dns::registered_domain(host);
  if (rd.empty()) return false;
  std::size_t rd_labels = static_cast<std::size_t>(std::count(rd.begin(), rd.end(), '.')) + 1;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    bool in_registered = i + rd_labels >= labels.size();
    if (!label_ok(labels[i], !in_registered)) return false;
  }
  return true;
}

std::optional<Normalised> normalise_url(std::string_view link) {
  auto parts = split_url(link);
  if (!parts) return std::nullopt;
  Normalised n;
  std::string scheme = text::lower(parts->scheme);
  if (scheme == "mailto") {
    std::string_view rest = link.substr(parts->scheme.size() + 1);
    while (rest.starts_with("/")) rest.remove_prefix(1);
    std::string_view addr = rest.substr(0, rest.find('?'));
    std::string decoded = percent_decode_printable(addr);
    auto at = decoded.rfind('@');
    if (at == std::string::npos) return std::nullopt;
    n.host = normalise_host(std::string_view(decoded).substr(at + 1));
    if (n.host.name.empty()) return std::nullopt;
    n.url = "mailto:" + decoded.substr(0, at) + "@" + n.host.name;
    if (auto q = rest.find('?'); q != std::string_view::npos) n.url += std::string(rest.substr(q));
    return n;
  }
  if (!parts->authority) return std::nullopt;
  n.host = normalise_host(parts->host);
  if (n.host.name.empty()) return std::nullopt;
  n.url = scheme + "://";
  if (parts->has_userinfo) {
    n.url += parts->userinfo + "@";
    // Only the part before ':' could pass for a host ("bank.test:pw@evil.test").
    std::string user = percent_decode_all(parts->userinfo.substr(0, parts->userinfo.find(':')));
    n.userinfo_trick = user.find('.') != std::string::npos;
  }
  n.url += n.host.ip && n.host.name.find(':') != std::string::npos ? "[" + n.host.name + "]" : n.host.name;
  bool default_port = (scheme == "http" && parts->port == "80") || (scheme == "https" && parts->port == "443") ||
                      (scheme == "ftp" && parts->port == "21");
  if (!parts->port.empty() && !default_port) n.url += ":" + parts->port;
  // Not the delimiters whose decoding would move a boundary: an encoded '?' or '#' in the path, an encoded
  // '&', '#' or '+' in the query (a redirect target's own "%26" would otherwise split it).
  n.url += percent_decode_printable(parts->path, "?#");
  if (parts->has_query) n.url += "?" + percent_decode_printable(parts->query, "&#+");
  if (parts->has_fragment) n.url += "#" + parts->fragment;
  return n;
}

}  // namespace mailaudit::urls
