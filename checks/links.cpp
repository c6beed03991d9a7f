// Check "links": where the links of the message really lead. Offline it reports the redirect chains that
// URL extraction unwrapped from tracking URLs; with --follow-links it follows each link's redirects over
// HTTP (audit/links), reports the landing host, broken links and TLS problems, and asks the domain
// blocklists about landing domains the message does not name itself.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "checks.hpp"
#include "lists/blocklist.hpp"
#include "util/public_suffix.hpp"
#include "links/follow.hpp"
#include "lists/list_findings.hpp"
#include "urls/normalise.hpp"

namespace mailaudit::checks {

namespace {

bool clickable(const urls::Url& u) {
  static const std::set<std::string, std::less<>> sources = {"text", "html:text", "html:a@href", "html:area@href",
                                                              "html:meta@refresh", "html:form@action"};
  return sources.count(u.source) && (u.url.starts_with("http://") || u.url.starts_with("https://"));
}

std::string chain_text(const links::Chain& c) {
  std::string s;
  for (const auto& h : c.hops) {
    s += (s.empty() ? "" : " -> ") + h.url;
    s += h.status ? " [" + std::to_string(h.status) + "]" : " [" + h.error + "]";
  }
  return s.empty() ? c.start : s;
}

std::string registered(const std::string& host) {
  std::string d = dns::registered_domain(host);
  return d.empty() ? host : d;
}

std::vector<Finding> offline_chains(const Context& ctx) {
  std::vector<Finding> out;
  // The same tracked link in the text and the HTML part is one link: one finding.
  std::set<std::string> seen;
  for (const auto& u : ctx.urls) {
    if (!u.has("unwrapped") || out.size() >= ctx.rules.urls().shown || !seen.insert(u.via + "\n" + u.url).second) continue;
    out.push_back(ctx.make("links.redirect", {{"start", u.via}, {"chain", u.via + " -> " + u.url}, {"final", u.host},
                                              {"how", ctx.word("links.unwrapped")}}));
  }
  return out;
}

}  // namespace

std::vector<Finding> run_links(const Context& ctx) {
  std::vector<Finding> out = offline_chains(ctx);
  if (!ctx.options.follow_links) return out;

  std::set<std::string> unsubscribe_targets;
  for (const auto& u : ctx.urls)
    if (u.source == "header:List-Unsubscribe") unsubscribe_targets.insert(u.url);
  std::vector<const urls::Url*> todo;
  std::vector<std::string> skipped;
  std::set<std::string> seen;
  for (const auto& u : ctx.urls) {
    if (!clickable(u) || !seen.insert(u.url).second) continue;
    if (unsubscribe_targets.count(u.url) || links::looks_like_unsubscribe(u.url, ctx.rules.urls())) {
      skipped.push_back(u.url);
      continue;
    }
    if (todo.size() < ctx.rules.urls().max_links) todo.push_back(&u);
  }
  links::FollowOptions fo;
  fo.allow_private = ctx.options.allow_private_links;
  fo.request_timeout_ms = ctx.options.link_timeout_ms;
  fo.total_timeout_ms = 3 * ctx.options.link_timeout_ms;
  if (!ctx.options.user_agent.empty()) fo.user_agent = ctx.options.user_agent;

  std::vector<links::Chain> chains(todo.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < std::min<std::size_t>(ctx.rules.urls().link_concurrency, todo.size()); ++w)
    workers.emplace_back([&] {
      for (std::size_t i; (i = next++) < todo.size();) {
        // An exception must not leave a worker thread (std::terminate): it becomes "cannot tell".
        try {
          chains[i] = links::follow(todo[i]->url, fo, ctx.dns, ctx.rules);
        } catch (const std::exception& e) {
          chains[i].start = todo[i]->url;
          chains[i].outcome = links::Outcome::unknown;
          chains[i].why = ctx.word("links.internal_error", {{"what", e.what()}});
        }
      }
    });
  for (auto& t : workers) t.join();

  // Landing hosts the message does not name: they get the domain blocklists too.
  std::set<std::string> named;
  for (const auto& u : ctx.urls) named.insert(u.host);
  std::vector<std::string> landing;
  std::map<std::string, const links::Chain*> landed_at;
  for (const auto& c : chains)
    if (c.outcome == links::Outcome::landed && !named.count(c.final_host) && !landed_at.count(c.final_host)) {
      landing.push_back(c.final_host);
      landed_at[c.final_host] = &c;
    }
  const auto& lists = dns::active_lists(ctx.rules, false, ctx.options.blocklist_keys);
  for (auto& r : dns::query_domain_lists(ctx.dns, lists, landing)) {
    if (r.state != dns::ListState::listed) continue;
    const links::Chain* c = nullptr;
    for (const auto& [host, chain] : landed_at)
      if (host == r.item || registered(host) == r.item) c = chain;
    Args args = list_args(r, {{"start", c ? c->start : ""}, {"chain", c ? chain_text(*c) : ""}, {"final", r.item}});
    out.push_back(list_finding(ctx.rules, "links.redirect_listed", std::move(r), args));
  }

  std::size_t landed = 0;
  for (auto& c : chains) {
    Args args{{"start", c.start}, {"chain", chain_text(c)}, {"final", c.final_host}, {"why", c.why}};
    Finding f;
    switch (c.outcome) {
      case links::Outcome::landed: {
        ++landed;
        auto parts = urls::split_url(c.start);
        std::string start_host = parts ? urls::normalise_host(parts->host).name : "";
        std::string hops = std::to_string(c.hops.size() - 1);
        if (c.hops.size() > 1 && registered(c.final_host) != registered(start_host)) {
          out.push_back(ctx.make("links.redirect", {{"start", c.start}, {"chain", chain_text(c)}, {"final", c.final_host},
                                                    {"how", ctx.word("links.redirects", {{"hops", hops}})}}));
        } else {
          // Also a link that stays on its own site names where it landed: that is what a click shows.
          std::string status = c.hops.empty() ? "" : std::to_string(c.hops.back().status);
          out.push_back(ctx.make("links.landed", {{"start", c.start}, {"chain", chain_text(c)}, {"final", c.final_host},
                                                  {"final_url", c.final_url.empty() ? c.start : c.final_url},
                                                  {"status", status}, {"hops", hops}}));
        }
        break;
      }
      case links::Outcome::broken: f = ctx.make("links.broken", args); break;
      case links::Outcome::unknown: f = ctx.make("links.temperror", args); break;
      case links::Outcome::refused_private: f = ctx.make("links.private", args); break;
      case links::Outcome::unsubscribe: skipped.push_back(c.start); break;
      case links::Outcome::offline: f = ctx.make("links.not_checked", args); break;
    }
    if (!f.id.empty()) {
      f.evidence = std::move(c.evidence);
      out.push_back(std::move(f));
    }
    if (c.tls_problem) out.push_back(ctx.make("links.tls", args));
  }
  if (!skipped.empty()) {
    std::string list;
    for (std::size_t i = 0; i < skipped.size() && i < ctx.rules.urls().shown; ++i) list += (i ? ", " : "") + skipped[i];
    out.push_back(ctx.make("links.skipped_unsubscribe", {{"count", std::to_string(skipped.size())}, {"urls", list}}));
  }
  if (!todo.empty())
    out.push_back(ctx.make("links.followed", {{"count", std::to_string(todo.size())}, {"landed", std::to_string(landed)}}));
  return out;
}

}  // namespace mailaudit::checks
