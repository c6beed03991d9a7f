#include "urls/extract.hpp"

#include <algorithm>
#include <set>

#include "util/public_suffix.hpp"
#include "message/rfc5322.hpp"
#include "urls/html_urls.hpp"
#include "urls/normalise.hpp"
#include "urls/text_urls.hpp"
#include "urls/unwrap.hpp"
#include "util/text.hpp"

namespace mailaudit::urls {

namespace {

// The host or one of its parent domains is a shortener (as rules::host_within matches them).
bool is_shortener(const std::string& host, const rules::UrlRules& rules) {
  for (std::string_view h = host; !h.empty();) {
    if (rules.shortener_hosts.count(std::string(h))) return true;
    auto dot = h.find('.');
    if (dot == std::string_view::npos) break;
    h.remove_prefix(dot + 1);
  }
  return false;
}

// The site a URL belongs to, for comparing two of them: the registered domain, else the host.
std::string site_of(const Url& u) { return u.domain.empty() ? u.host : u.domain; }

// The anchor text names another site than the href (and than the href's unwrapped target).
bool display_mismatch(const Url& href, const std::string& target_site, const rules::UrlRules& rules) {
  auto shown = find_text_urls(href.anchor_text, rules, 1);
  if (shown.empty() || href.host.empty()) return false;
  auto n = normalise_url(shown.front().link);
  if (!n || n->host.name.empty()) return false;
  Url s;
  s.host = n->host.name;
  s.domain = n->host.ip ? "" : dns::registered_domain(s.host);
  std::string a = site_of(s);
  return a != site_of(href) && a != target_site;
}

void headers_of(std::vector<Url>& out, const std::vector<HeaderField>& headers, const std::string& part,
                const rules::UrlRules& rules) {
  static const std::string_view list_fields[] = {"List-Unsubscribe", "List-Help", "List-Subscribe",
                                                 "List-Post", "List-Archive", "List-Owner"};
  static const std::string_view address_fields[] = {"From", "Sender", "Reply-To", "Return-Path"};
  for (const auto& h : headers) {
    for (auto name : list_fields) {
      if (!text::iequals(h.name, name)) continue;
      // RFC 2369: angle-bracketed URIs, separated by commas.
      for (std::size_t lt = h.value.find('<'); lt != std::string::npos; lt = h.value.find('<', lt + 1)) {
        auto gt = h.value.find('>', lt);
        if (gt == std::string::npos) break;
        std::string v(text::trim(std::string_view(h.value).substr(lt + 1, gt - lt - 1)));
        if (!v.empty()) add_url(out, v, v, part, "header:" + std::string(name), "", rules);
        lt = gt;
      }
    }
    for (auto name : address_fields) {
      if (!text::iequals(h.name, name)) continue;
      for (const auto& mb : rfc5322::parse_addresses(h.raw_value).mailboxes)
        if (!mb.local.empty() && !mb.domain.empty())
          add_url(out, mb.address, "mailto:" + mb.address, part, "header:" + std::string(name), "", rules, 0);
    }
    if (text::iequals(h.name, "Message-ID")) {
      std::string_view v = text::trim(h.value);
      if (v.starts_with("<") && v.ends_with(">")) v = v.substr(1, v.size() - 2);
      auto at = v.rfind('@');
      if (at == std::string_view::npos) continue;
      Host host = normalise_host(v.substr(at + 1));
      Url u;
      u.raw = std::string(h.value);
      u.link = u.url = "mid:" + std::string(v);
      if (!host.name.empty() && (host.ip || is_plausible_domain(host.name))) {
        u.host = host.name;
        u.domain = host.ip ? "" : dns::registered_domain(host.name);
      }
      u.part = part;
      u.source = "header:Message-ID";
      out.push_back(std::move(u));
    }
    if (text::iequals(h.name, "Subject"))
      for (auto& t : find_text_urls(h.value, rules, 100)) add_url(out, t.raw, t.link, part, "header:Subject", "", rules);
  }
}

bool is_html(const Part& p) { return p.media_type == "text/html" || p.media_type == "text/x-amp-html"; }

}  // namespace

void add_url(std::vector<Url>& out, std::string raw, std::string link, std::string part, std::string source,
             std::string anchor_text, const rules::UrlRules& rules, int unwrap_depth, std::size_t max_records) {
  Url u;
  u.raw = std::move(raw);
  u.link = std::move(link);
  u.part = std::move(part);
  u.source = std::move(source);
  u.anchor_text = std::move(anchor_text);
  auto n = normalise_url(u.link);
  if (!n) {
    u.url = u.link;  // a scheme without a host (mailto: without an address, file:, news:): kept as written
    out.push_back(std::move(u));
    return;
  }
  u.url = n->url;
  u.host = n->host.name;
  u.domain = n->host.ip ? "" : dns::registered_domain(u.host);
  if (n->host.idn) u.flag("idn");
  if (n->host.ip) u.flag("ip_literal");
  if (n->host.obfuscated) u.flag("obfuscated");
  if (n->userinfo_trick) {
    u.flag("userinfo");
    u.flag("obfuscated");
  }
  if (is_shortener(u.host, rules)) u.flag("shortener");
  if (u.link.size() > kLongLinkBytes) unwrap_depth = std::min(unwrap_depth, kLongLinkUnwrap);
  bool unwrap = unwrap_depth > 0 && out.size() + 1 < max_records && !u.url.starts_with("mailto:");
  std::string target = unwrap ? embedded_target(u.link, rules) : "";
  std::string target_site;
  if (!target.empty()) {
    if (auto t = normalise_url(target)) target_site = t->host.ip ? t->host.name : dns::registered_domain(t->host.name);
    u.flag("redirect");
  }
  if (!u.anchor_text.empty() && display_mismatch(u, target_site, rules)) u.flag("display_mismatch");
  std::string via = u.url, where = u.part, src = u.source;
  out.push_back(std::move(u));
  if (target.empty()) return;
  std::size_t at = out.size();
  add_url(out, target, target, where, src, "", rules, unwrap_depth - 1, max_records);
  if (out.size() > at) {
    out[at].via = via;
    out[at].flag("unwrapped");
  }
}

std::vector<Url> extract_urls(const Message& m, const rules::UrlRules& rules, const ExtractLimits& limits) {
  std::vector<Url> out;
  headers_of(out, m.headers, "", rules);
  for (const auto& p : m.parts) {
    if (out.size() >= limits.max_urls) break;
    if (p.kind == PartKind::message) {
      headers_of(out, p.headers, p.path, rules);
      continue;
    }
    if (p.kind != PartKind::leaf || !p.is_text()) continue;
    std::size_t room = limits.max_urls - out.size();
    if (is_html(p)) {
      for (auto& h : find_html_urls(p.body, rules, room, limits.max_html_bytes, /*valid_utf8=*/true)) {
        if (h.link.empty()) continue;  // a fragment, cid:, or a relative reference with no base: no host
        add_url(out, std::move(h.raw), std::move(h.link), p.path, std::move(h.source), std::move(h.anchor_text),
                rules, limits.max_unwrap, limits.max_urls);
      }
    } else {
      std::string_view body(p.body);
      if (body.size() > limits.max_text_bytes) body = body.substr(0, limits.max_text_bytes);
      for (auto& t : find_text_urls(body, rules, room))
        add_url(out, std::move(t.raw), std::move(t.link), p.path, "text", "", rules, limits.max_unwrap, limits.max_urls);
    }
  }
  if (out.size() > limits.max_urls) out.resize(limits.max_urls);
  return out;
}

std::vector<std::string> distinct_domains(const std::vector<Url>& urls) {
  std::set<std::string> s;
  for (const auto& u : urls) {
    if (!u.domain.empty()) s.insert(u.domain);
    else if (!u.host.empty()) s.insert(u.host);
  }
  return {s.begin(), s.end()};
}

}  // namespace mailaudit::urls
