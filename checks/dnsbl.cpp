// Check "dnsbl": the sending IP against the IP blocklists of rules/blocklists.toml, each list's answer
// read with its own codes; error answers and failed test points are "unusable", never "listed".
#include <algorithm>

#include "checks.hpp"
#include "lists/blocklist.hpp"
#include "lists/list_findings.hpp"
#include "util/text.hpp"

namespace mailaudit::checks {

std::vector<Finding> run_dnsbl(const Context& ctx) {
  auto ip = dns::parse_ip(*ctx.envelope.ip);
  if (!ip) return {};
  const auto& lists = dns::active_lists(ctx.rules, true, ctx.options.blocklist_keys);
  auto results = dns::query_ip_lists(ctx.dns, lists, *ip);
  std::vector<Finding> out;
  std::string clear, offline;
  std::size_t clear_count = 0;
  std::vector<dns::Answer> clear_evidence, offline_evidence;
  for (auto& r : results) {
    const auto& list = *r.list;
    Args args = list_args(r, {{"ip", ip->to_string()}});
    for (auto& [key, value] : args)
      if (key == "rejects") value = text::fill(value, {{"ip", ip->to_string()}});
    switch (r.state) {
      case dns::ListState::listed: out.push_back(list_finding(ctx.rules, "dnsbl.listed", std::move(r), args)); break;
      case dns::ListState::unusable: out.push_back(list_finding(ctx.rules, "dnsbl.unusable", std::move(r), args)); break;
      case dns::ListState::unknown: out.push_back(list_finding(ctx.rules, "dnsbl.temperror", std::move(r), args)); break;
      case dns::ListState::clear:
        clear += (clear.empty() ? "" : ", ") + list.name;
        ++clear_count;
        clear_evidence.insert(clear_evidence.end(), r.evidence.begin(), r.evidence.end());
        break;
      case dns::ListState::offline:
        offline += (offline.empty() ? "" : ", ") + list.name;
        offline_evidence.insert(offline_evidence.end(), r.evidence.begin(), r.evidence.end());
        break;
    }
  }
  if (!offline.empty()) {
    Finding f = ctx.make("dnsbl.not_checked", {{"ip", ip->to_string()}, {"lists", offline}});
    f.evidence = std::move(offline_evidence);
    out.push_back(std::move(f));
  }
  // A pass next to a listing reads as "mostly fine": the clear lists are in the query log, not a finding.
  bool any_listed = std::any_of(out.begin(), out.end(), [](const Finding& f) { return f.id == "dnsbl.listed"; });
  if (clear_count > 0 && !any_listed) {
    Finding f = ctx.make("dnsbl.clear", {{"ip", ip->to_string()}, {"count", std::to_string(clear_count)}, {"lists", clear}});
    f.evidence = std::move(clear_evidence);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace mailaudit::checks
