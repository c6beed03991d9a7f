#include "engine/baseline.hpp"

#include <algorithm>
#include <set>

namespace mailaudit {

const PreviousReport* previous_for(const Report& r, const std::vector<PreviousReport>& previous) {
  for (const auto& p : previous)
    if (p.source == r.message.source && p.index == r.message.index) return &p;
  return previous.size() == 1 ? &previous.front() : nullptr;
}

std::string fact_of(const dns::Answer& a) {
  std::vector<std::string> records;
  for (const auto& rec : a.records) records.push_back(dns::presentation(rec));
  std::sort(records.begin(), records.end());  // the same set in another order is the same answer
  std::string s(to_string(a.status));
  for (const auto& rec : records) s += " " + rec;
  return s;
}

void compare_with(Report& r, const PreviousReport* prev, const std::string& file) {
  BaselineInfo info;
  info.file = file;
  info.matched = prev != nullptr;
  std::set<std::string> now_ids;
  for (auto& f : r.findings) {
    now_ids.insert(f.id);
    if (!prev) {
      f.change = "new";
      continue;
    }
    bool same = false, same_id = false;
    for (const auto& p : prev->findings) {
      if (p.id != f.id) continue;
      same_id = true;
      if (p.title == f.title) same = true;
    }
    f.change = same ? "unchanged" : same_id ? "updated" : "new";
  }
  if (prev) {
    for (const auto& p : prev->findings)
      if (p.severity != Severity::pass && !p.ignored && !now_ids.count(p.id) &&
          std::none_of(info.resolved.begin(), info.resolved.end(), [&](const Finding& x) { return x.id == p.id; }))
        info.resolved.push_back(p);
    std::set<std::string> before(prev->domains.begin(), prev->domains.end());
    for (const auto& d : r.domains)
      if (!before.count(d)) info.new_domains.push_back(d);
    for (const auto& q : r.dns.queries) {
      std::string now = fact_of(q);
      std::string type(to_string(q.type));
      auto was = std::find_if(prev->dns.begin(), prev->dns.end(),
                              [&](const BaselineInfo::Fact& f) { return f.query == q.name && f.type == type; });
      bool listed = std::any_of(info.changed_dns.begin(), info.changed_dns.end(),
                                [&](const BaselineInfo::Fact& f) { return f.query == q.name && f.type == type; });
      // An answer that could not tell (timeout, offline...) is no fact: unknown is not a change.
      auto could_not_tell = [](const std::string& fact) {
        for (const char* s : {"SERVFAIL", "REFUSED", "TIMEOUT", "OFFLINE"})
          if (fact.starts_with(s)) return true;
        return false;
      };
      if (was != prev->dns.end() && was->now != now && !listed && !q.unknown() && !could_not_tell(was->now))
        info.changed_dns.push_back({q.name, type, was->now, now});
    }
  }
  r.baseline = std::move(info);
}

}  // namespace mailaudit
