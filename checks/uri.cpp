// Check "uri": every distinct host and registered domain found in the message (audit/urls) against the
// domain blocklists, each with its own query rule (Spamhaus DBL: the host and its registered domain; URIBL, SURBL: the registered
// domain), and hosts written as IP addresses against the IP lists. Plus what receivers' filters score in
// URLs without any list: shorteners, IP literals, obfuscated hosts, link text naming another site, and
// domains that do not exist.
#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "checks.hpp"
#include "lists/blocklist.hpp"
#include "lists/list_findings.hpp"

namespace mailaudit::checks {

namespace {

std::string where(const Context& ctx, const urls::Url& u) {
  return u.part.empty() ? ctx.word("uri.header", {{"source", u.source}})
                        : ctx.word("uri.part", {{"part", u.part}, {"source", u.source}});
}

// The first `shown` URLs (rules/urls.toml [limits]) and how many more there are.
std::string url_list(const Context& ctx, const std::vector<const urls::Url*>& us, std::size_t shown) {
  std::string s;
  for (std::size_t i = 0; i < us.size() && i < shown; ++i)
    s += (i ? ", " : "") + ctx.word("uri.url_in", {{"url", us[i]->url}, {"where", where(ctx, *us[i])}});
  if (us.size() > shown) s += ctx.word("uri.more", {{"count", std::to_string(us.size() - shown)}});
  return s;
}

// Records whose host the check judges: not Message-ID (the sender's own machine name) and not From
// (the domain_lists check asks about the author domain as from.listed).
bool judged(const urls::Url& u) {
  return !u.host.empty() && !u.url.starts_with("mid:") && u.source != "header:From";
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

std::vector<Finding> run_uri(const Context& ctx) {
  const rules::UrlRules& lim = ctx.rules.urls();
  std::vector<Finding> out;
  // Distinct hosts in order of first appearance, each with the first record naming it.
  std::vector<std::string> hosts, ips, linked;
  std::map<std::string, const urls::Url*> first;
  std::vector<const urls::Url*> shorteners, literals, mismatched, obfuscated;
  // Body URLs first, so a finding points at the link a reader sees rather than at a header.
  std::vector<const urls::Url*> ordered;
  for (const auto& u : ctx.urls)
    if (!u.source.starts_with("header:")) ordered.push_back(&u);
  for (const auto& u : ctx.urls)
    if (u.source.starts_with("header:")) ordered.push_back(&u);
  for (const urls::Url* up : ordered) {
    const urls::Url& u = *up;
    if (!judged(u)) continue;
    if (u.has("shortener")) shorteners.push_back(&u);
    if (u.has("ip_literal")) literals.push_back(&u);
    if (u.has("display_mismatch")) mismatched.push_back(&u);
    if (u.has("obfuscated")) obfuscated.push_back(&u);
    if (first.count(u.host)) continue;
    first[u.host] = &u;
    if (u.has("ip_literal")) {
      if (ips.size() < lim.max_ips) ips.push_back(u.host);
    } else if (hosts.size() < lim.max_hosts) {
      hosts.push_back(u.host);
      // Existence is asked of links only: header addresses have their own checks (sender, from_domain).
      if (!u.source.starts_with("header:")) linked.push_back(u.host);
    }
    if (!u.domain.empty() && !first.count(u.domain)) first[u.domain] = &u;
  }
  if (hosts.empty() && ips.empty()) return out;

  if (!shorteners.empty()) out.push_back(ctx.make("uri.shortener", {{"count", std::to_string(shorteners.size())}, {"urls", url_list(ctx, shorteners, lim.shown)}}));
  if (!literals.empty()) out.push_back(ctx.make("uri.ip_literal", {{"count", std::to_string(literals.size())}, {"urls", url_list(ctx, literals, lim.shown)}}));
  if (!obfuscated.empty()) out.push_back(ctx.make("uri.obfuscated", {{"count", std::to_string(obfuscated.size())}, {"urls", url_list(ctx, obfuscated, lim.shown)}}));
  for (std::size_t i = 0; i < mismatched.size() && i < lim.shown; ++i)
    out.push_back(ctx.make("uri.display_mismatch", {{"shown", mismatched[i]->anchor_text},
                                                    {"url", mismatched[i]->url},
                                                    {"host", mismatched[i]->host},
                                                    {"where", where(ctx, *mismatched[i])}}));

  // Every list lookup and every existence lookup in flight together.
  const auto& domain_lists = dns::active_lists(ctx.rules, false, ctx.options.blocklist_keys);
  const auto& ip_lists = dns::active_lists(ctx.rules, true, ctx.options.blocklist_keys);
  std::vector<std::shared_future<dns::Answer>> existence;
  for (const auto& h : linked) existence.push_back(ctx.dns.lookup_async(h, dns::RRType::A));
  std::vector<dns::ListResult> results = dns::query_domain_lists(ctx.dns, domain_lists, hosts);
  for (const auto& ip : ips)
    if (auto addr = dns::parse_ip(ip))
      for (auto& r : dns::query_ip_lists(ctx.dns, ip_lists, *addr)) results.push_back(std::move(r));
  std::vector<dns::Answer> exist;
  for (auto& f : existence) exist.push_back(f.get());

  std::set<std::string> reported_lists;
  std::vector<std::string> clear_lists, offline_lists;
  std::vector<dns::Answer> clear_evidence;
  std::size_t listed = 0, problems = 0;
  for (auto& r : results) {
    const urls::Url* u = first.count(r.item) ? first[r.item] : nullptr;
    // The placeholders only a listing or a failing list puts into a finding.
    auto args = [&] { return list_args(r, {{"url", u ? u->url : r.item}, {"where", u ? where(ctx, *u) : ctx.word("uri.the_message")}}); };
    switch (r.state) {
      case dns::ListState::listed:
        ++listed;
        out.push_back(list_finding(ctx.rules, "uri.listed", std::move(r), args()));
        break;
      case dns::ListState::unusable:
      case dns::ListState::unknown: {
        ++problems;
        // A list that cannot be used fails for every host alike: say it once per list.
        if (!reported_lists.insert(r.list->id).second) break;
        bool unusable = r.state == dns::ListState::unusable;
        out.push_back(list_finding(ctx.rules, unusable ? "uri.unusable" : "uri.temperror", std::move(r), args()));
        break;
      }
      case dns::ListState::clear:
        if (std::find(clear_lists.begin(), clear_lists.end(), r.list->name) == clear_lists.end())
          clear_lists.push_back(r.list->name);
        if (clear_evidence.size() < 20) clear_evidence.insert(clear_evidence.end(), r.evidence.begin(), r.evidence.end());
        break;
      case dns::ListState::offline:
        if (std::find(offline_lists.begin(), offline_lists.end(), r.list->name) == offline_lists.end())
          offline_lists.push_back(r.list->name);
        break;
    }
  }

  std::vector<std::string> missing;
  std::vector<dns::Answer> missing_evidence;
  for (const auto& a : exist)
    if (a.status == dns::Status::NXDOMAIN) {
      missing.push_back(a.name);
      missing_evidence.push_back(a);
    }
  if (!missing.empty()) {
    std::vector<const urls::Url*> us;
    for (const auto& h : missing) us.push_back(first[h]);
    Finding f = ctx.make("uri.nxdomain", {{"count", std::to_string(missing.size())}, {"hosts", joined(missing)}, {"urls", url_list(ctx, us, lim.shown)}});
    f.evidence = std::move(missing_evidence);
    out.push_back(std::move(f));
  }
  if (!offline_lists.empty()) out.push_back(ctx.make("uri.not_checked", {{"lists", joined(offline_lists)}}));
  if (listed == 0 && problems == 0 && offline_lists.empty() && !clear_lists.empty()) {
    std::vector<std::string> all = hosts;
    all.insert(all.end(), ips.begin(), ips.end());
    Finding f = ctx.make("uri.clear", {{"count", std::to_string(all.size())},
                                       {"hosts", all.size() <= 10 ? joined(all) : joined({all.begin(), all.begin() + 10}) + ", ..."},
                                       {"lists", joined(clear_lists)}});
    f.evidence = std::move(clear_evidence);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace mailaudit::checks
