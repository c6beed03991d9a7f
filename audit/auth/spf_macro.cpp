// SPF macro expansion (RFC 7208 §7.2-7.4).
#include <cctype>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "auth/spf.hpp"
#include "util/text.hpp"

namespace mailaudit::auth {

namespace {

std::string ip_dotted(const dns::IpAddress& ip) {
  if (!ip.v6) return ip.to_string();
  std::string out;
  static const char* hex = "0123456789ABCDEF";  // as the openspf suite expects; DNS ignores case
  for (std::size_t i = 0; i < 16; ++i) {
    if (i) out += '.';
    out += hex[ip.bytes[i] >> 4];
    out += '.';
    out += hex[ip.bytes[i] & 15];
  }
  return out;
}

std::string url_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
    else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::optional<std::string> letter_value(char letter, const MacroContext& ctx) {
  const SpfRequest& r = *ctx.request;
  std::string local = r.sender.substr(0, r.sender.rfind('@'));
  std::string sender_domain = r.sender.substr(r.sender.rfind('@') + 1);
  switch (std::tolower(static_cast<unsigned char>(letter))) {
    case 's': return r.sender;
    case 'l': return local.empty() ? std::string("postmaster") : local;
    case 'o': return sender_domain;
    case 'd': return ctx.domain;
    case 'i': return ip_dotted(r.ip);
    case 'p': return ctx.validated_name.empty() ? std::string("unknown") : ctx.validated_name;
    case 'v': return std::string(r.ip.v6 ? "ip6" : "in-addr");
    case 'h': return r.helo;
    case 'c': if (ctx.explanation) return r.ip.to_string(); break;
    case 'r': if (ctx.explanation) return r.receiver; break;
    case 't': if (ctx.explanation) return std::to_string(ctx.now); break;
    default: break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> expand_macros(std::string_view spec, const MacroContext& ctx) {
  std::string out;
  for (std::size_t i = 0; i < spec.size(); ++i) {
    char c = spec[i];
    if (c != '%') {
      if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) {
        if (!(ctx.explanation && c == ' ')) return std::nullopt;
      }
      out += c;
      continue;
    }
    if (++i >= spec.size()) return std::nullopt;
    char n = spec[i];
    if (n == '%') out += '%';
    else if (n == '_') out += ' ';
    else if (n == '-') out += "%20";
    else if (n == '{') {
      std::size_t close = spec.find('}', i);
      if (close == std::string_view::npos || close == i + 1) return std::nullopt;
      std::string_view body = spec.substr(i + 1, close - i - 1);
      i = close;
      char letter = body[0];
      auto value = letter_value(letter, ctx);
      if (!value) return std::nullopt;
      std::size_t j = 1;
      std::size_t keep = 0;
      while (j < body.size() && std::isdigit(static_cast<unsigned char>(body[j]))) keep = keep * 10 + static_cast<std::size_t>(body[j++] - '0');
      if (j > 1 && keep == 0) return std::nullopt;  // "0" parts is a syntax error
      bool reverse = false;
      if (j < body.size() && (body[j] == 'r' || body[j] == 'R')) {
        reverse = true;
        ++j;
      }
      std::string delims(body.substr(j));
      for (char d : delims)
        if (std::string_view(".-+,/_=").find(d) == std::string_view::npos) return std::nullopt;
      if (delims.empty()) delims.push_back('.');
      std::vector<std::string> parts{""};
      for (char ch : *value) {
        if (delims.find(ch) != std::string::npos) parts.emplace_back();
        else parts.back() += ch;
      }
      if (reverse) std::reverse(parts.begin(), parts.end());
      if (keep && keep < parts.size()) parts.erase(parts.begin(), parts.end() - static_cast<long>(keep));
      std::string joined;
      for (std::size_t k = 0; k < parts.size(); ++k) {
        if (k) joined += '.';
        joined += parts[k];
      }
      out += std::isupper(static_cast<unsigned char>(letter)) ? url_escape(joined) : joined;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace mailaudit::auth
