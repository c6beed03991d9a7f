// Check "domain_lists": the HELO name, the envelope sender domain, the From domain and the DKIM signing (d=)
// domains against the domain blocklists, each as rules/blocklists.toml says (Spamhaus DBL: the host and its registered domain; URIBL,
// SURBL: the registered domain). Each distinct domain is asked once; a listing is reported at the stage of
// the role it plays.
#include <algorithm>
#include <set>

#include "checks.hpp"
#include "auth/dkim.hpp"
#include "lists/blocklist.hpp"
#include "lists/list_findings.hpp"
#include "message/envelope_address.hpp"
#include "message/rfc5322.hpp"

namespace mailaudit::checks {

namespace {

struct Role {
  std::string_view listed_id;  // "helo.listed", ...
  Stage stage;
  std::string host;
};

std::vector<Role> roles(const Context& ctx) {
  std::vector<Role> out;
  const Envelope& env = ctx.envelope;
  if (env.helo && !env.helo->empty() && env.helo->front() != '[' && !dns::parse_ip(*env.helo))
    out.push_back({"helo.listed", Stage::helo, dns::normalise_name(*env.helo)});
  if (env.mail_from && !env.mail_from->empty()) {
    EnvelopeAddress a = parse_envelope_address(*env.mail_from);
    if (a.problem.empty() && a.domain.front() != '[') out.push_back({"sender.listed", Stage::mail, a.domain});
  }
  std::string author = rfc5322::author_domain(ctx.message);
  if (!author.empty()) out.push_back({"from.listed", Stage::end_of_data, author});
  // Receivers ask the domain lists about signing domains too (SpamAssassin every d=, rspamd the verified
  // ones): every d= is asked, since a listed one costs the message whether its signature verifies or not.
  std::vector<std::string> signers = auth::signing_domains(ctx.message);
  if (signers.size() > ctx.rules.urls().max_signing_domains) signers.resize(ctx.rules.urls().max_signing_domains);
  for (auto& d : signers) out.push_back({"dkim.listed", Stage::end_of_data, std::move(d)});
  return out;
}

}  // namespace

std::vector<Finding> run_domain_lists(const Context& ctx) {
  std::vector<Role> rs = roles(ctx);
  if (rs.empty()) return {};
  const auto& lists = dns::active_lists(ctx.rules, false, ctx.options.blocklist_keys);
  std::vector<Finding> out;
  std::vector<std::string> clear_lists, offline_lists, domains;
  std::vector<dns::Answer> clear_evidence;
  std::set<std::string> unusable_lists;
  std::size_t problems = 0;
  for (const auto& role : rs) {
    if (std::find(domains.begin(), domains.end(), role.host) == domains.end()) domains.push_back(role.host);
    // The cache makes a domain that plays two roles cost one set of lookups.
    for (auto& r : dns::query_domain_lists(ctx.dns, lists, role.host)) {
      const auto& list = *r.list;
      // The placeholders only a listing or a failing list puts into a finding.
      auto args = [&] { return list_args(r, {{"host", role.host}}); };
      auto note_list = [](std::vector<std::string>& v, const std::string& name) {
        if (std::find(v.begin(), v.end(), name) == v.end()) v.push_back(name);
      };
      switch (r.state) {
        case dns::ListState::listed: out.push_back(list_finding(ctx.rules, role.listed_id, std::move(r), args())); break;
        case dns::ListState::unusable:
        case dns::ListState::unknown: {
          ++problems;
          // A list that cannot be asked fails alike for every role: one finding per list, at the first
          // role's stage, not one per stage.
          if (!unusable_lists.insert(list.id).second) break;
          bool unusable = r.state == dns::ListState::unusable;
          Finding f = list_finding(ctx.rules, unusable ? "lists.unusable" : "lists.temperror", std::move(r), args());
          f.stage = role.stage;
          out.push_back(std::move(f));
          break;
        }
        case dns::ListState::clear:
          note_list(clear_lists, list.name);
          clear_evidence.insert(clear_evidence.end(), r.evidence.begin(), r.evidence.end());
          break;
        case dns::ListState::offline: note_list(offline_lists, list.name); break;
      }
    }
  }
  auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (!offline_lists.empty()) {
    Finding f = ctx.make("lists.not_checked", {{"lists", joined(offline_lists)}});
    f.stage = rs.front().stage;
    out.push_back(std::move(f));
  }
  bool any_listed = std::any_of(out.begin(), out.end(), [](const Finding& f) { return f.id.ends_with(".listed"); });
  if (!clear_lists.empty() && !any_listed && problems == 0 && offline_lists.empty()) {
    Finding f = ctx.make("lists.clear", {{"domains", joined(domains)},
                                         {"count", std::to_string(clear_lists.size())},
                                         {"lists", joined(clear_lists)}});
    f.stage = rs.front().stage;
    f.evidence = std::move(clear_evidence);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace mailaudit::checks
