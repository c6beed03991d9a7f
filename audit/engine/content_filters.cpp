#include "engine/content_filters.hpp"

#include <algorithm>
#include <cstdio>

#include "content/rspamd_client.hpp"
#include "content/verdict.hpp"
#include "dns/fcrdns.hpp"
#include "rules/make_finding.hpp"
#include "util/names.hpp"
#include "util/text.hpp"

namespace mailaudit {

namespace {

// Scores as the engines print them: at most two decimals, no trailing zeros ("16.2", "5", "-0.1").
std::string score_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string symbol_text(const ContentSymbol& s, const rules::Rules& rules) {
  const char* key = s.finding.empty() ? (s.description.empty() ? "content.symbol" : "content.symbol_described")
                                      : (s.description.empty() ? "content.symbol_finding_bare" : "content.symbol_finding");
  return text::fill(rules.word(key), {{"name", s.name},
                                      {"score", score_text(s.score)},
                                      {"description", text::printable(s.description, 120)},
                                      {"finding", s.finding}});
}

std::string symbols_text(const ContentVerdict& v, const rules::Rules& rules) {
  if (v.symbols.empty()) return rules.word("content.symbols_none");
  const std::size_t shown = std::min(v.symbols.size(), rules.content().top_symbols);
  std::string out;
  for (std::size_t i = 0; i < shown; ++i) out += (i ? "; " : "") + symbol_text(v.symbols[i], rules);
  if (shown < v.symbols.size())
    out += "; " + text::fill(rules.word("content.symbols_more"), {{"count", std::to_string(v.symbols.size() - shown)}});
  return out;
}

std::string fix_text(const ContentVerdict& v, const rules::Rules& rules) {
  if (v.score < v.threshold) return "";
  double rest = v.score;
  std::string list;
  for (const auto& name : v.fix_to_pass) {
    for (const auto& s : v.symbols)
      if (s.name == name) {
        rest -= s.score;
        break;
      }
    list += (list.empty() ? "" : ", ") + name;
  }
  if (!v.fix_enough) {
    rest = v.score;
    for (const auto& s : v.symbols)
      if (s.score > 0) rest -= s.score;
    return text::fill(rules.word("content.fix_not_enough"),
                      {{"threshold", score_text(v.threshold)}, {"rest", score_text(rest)}});
  }
  return text::fill(rules.word("content.fix"),
                    {{"list", list}, {"rest", score_text(rest)}, {"threshold", score_text(v.threshold)}});
}

}  // namespace

std::vector<ContentVerdict> ask_content_filters(const Message& msg, const Envelope& env, dns::Resolver& dns,
                                                const ContentEngines& engines) {
  std::vector<ContentVerdict> out;
  if (!engines.any()) return out;
  content::ClientContext client;
  client.ip = env.ip.value_or("");
  client.helo = env.helo.value_or("");
  client.mail_from = env.mail_from;
  if (!env.rcpt.empty()) client.rcpt = env.rcpt.front();
  if (env.ip)
    if (auto ip = dns::parse_ip(*env.ip)) client.ptr = dns::forward_confirm(dns, *ip).confirmed;
  if (!engines.rspamd_url.empty()) {
    content::RspamdEnvelope e;
    e.from = env.mail_from.value_or("");
    e.rcpt = env.rcpt;
    out.push_back(content::rspamd_check(engines.rspamd_url, msg.raw, client, e, engines.rspamd_password, engines.options));
    out.back().address = engines.rspamd_url;
  }
  if (!engines.spamd_host.empty()) {
    out.push_back(content::spamd_check(engines.spamd_host, engines.spamd_port, msg.raw, client, "REPORT", "mailaudit",
                                       engines.options));
    out.back().address = engines.spamd_host + ":" + std::to_string(engines.spamd_port);
  }
  return out;
}

void annotate(ContentVerdict& v, const rules::ContentRules& rules) {
  // Heaviest first, as people read a score; the engines list them in their own orders.
  std::stable_sort(v.symbols.begin(), v.symbols.end(),
                   [](const ContentSymbol& a, const ContentSymbol& b) { return a.score > b.score; });
  for (auto& s : v.symbols) s.finding = rules.symbol_finding(v.engine, s.name);
  const content::FixSet fix = content::fix_set(v);
  v.fix_to_pass.clear();
  for (const auto& s : fix.symbols) v.fix_to_pass.push_back(s.name);
  v.fix_enough = fix.enough;
}

Finding content_finding(const ContentVerdict& v, const rules::Rules& rules, const ContentEngines& engines) {
  const rules::ContentEngine* engine = rules.content().engine(v.engine);
  if (!engine) throw std::logic_error("rules/content.toml has no engine " + v.engine);
  Finding f;
  if (!v.available) {
    const std::string reason =
        text::fill(rules.word("content.reason_" + v.reason),
                   {{"detail", v.reason_detail}, {"limit", std::to_string(engines.options.max_message_bytes)}});
    f = make_finding(rules, engine->unavailable, {{"reason", reason}, {"where", v.address}});
  } else {
    std::string id = rules.content().action_finding(v.engine, v.action);
    if (id.empty()) throw std::logic_error("rules/content.toml maps no action of " + v.engine + " to \"" + v.action + "\"");
    f = make_finding(rules, id,
                     {{"engine", engine->name},
                      {"action", text::printable(v.action, 60)},
                      {"score", score_text(v.score)},
                      {"threshold", score_text(v.threshold)},
                      {"symbols", symbols_text(v, rules)},
                      {"fix", fix_text(v, rules)}});
  }
  f.check = v.engine;
  return f;
}

}  // namespace mailaudit
