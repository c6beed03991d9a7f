#include "lists/blocklist.hpp"

#include <algorithm>
#include <set>

#include "util/public_suffix.hpp"
#include "util/text.hpp"

namespace mailaudit::dns {

namespace {

std::string join_values(const Answer& a) {
  std::string out;
  for (const auto& r : a.records) out += (out.empty() ? "" : ", ") + r.value;
  return out;
}

const std::string* lookup_meaning(const std::vector<std::pair<std::string, std::string>>& pairs,
                                  const std::string& value) {
  for (const auto& [v, m] : pairs)
    if (v == value) return &m;
  return nullptr;
}

const rules::ListCode* lookup_code(const std::vector<rules::ListCode>& codes, const std::string& value) {
  for (const auto& c : codes)
    if (c.value == value) return &c;
  return nullptr;
}

void add_unique(std::string& joined, const std::string& s, std::string_view sep) {
  if (s.empty() || joined.find(s) != std::string::npos) return;
  joined += (joined.empty() ? "" : std::string(sep)) + s;
}

// The name to ask for a test point: an address under the zone (ip lists) or a name under it (domain lists).
std::string test_point_name(const rules::Blocklist& list, const std::string& point) {
  if (list.ip_list) {
    auto ip = parse_ip(point);
    return ip ? blocklist_name(*ip, list.zone) : "";
  }
  return normalise_name(point) + "." + list.zone;
}

// A list that does not answer its RFC 5782 test points cannot be trusted either way.
std::string test_point_problem(const rules::Blocklist& list, const Answer& listed, const Answer& not_listed) {
  if (listed.status == Status::NXDOMAIN || listed.status == Status::NODATA)
    return "the list does not list its test point " + list.test_listed +
           " (RFC 5782 §5): it is dead, renamed, or refuses this resolver";
  if (listed.ok()) {
    ListResult r = interpret(list, listed);
    if (r.state == ListState::unusable) return r.meaning;
  }
  if (not_listed.ok() && !not_listed.records.empty())
    return "the list answers " + join_values(not_listed) + " for its not-listed test point " + list.test_not_listed +
           ": it (or the resolver) answers everything";
  return "";
}

std::vector<ListResult> run(Resolver& dns, const std::vector<std::pair<const rules::Blocklist*, std::string>>& asks,
                            const std::vector<std::string>& items) {
  // Round 1: every query name and both test points of every list, together. A list's test points are
  // asked once however many names are asked of it (a newsletter asks a dozen hosts of each list).
  std::vector<Query> queries;
  std::vector<const rules::Blocklist*> tested;  // the lists whose test points follow the query names
  std::vector<std::size_t> test_at(asks.size());
  for (std::size_t i = 0; i < asks.size(); ++i) {
    queries.push_back({asks[i].second, RRType::A});
    auto it = std::find(tested.begin(), tested.end(), asks[i].first);
    test_at[i] = static_cast<std::size_t>(it - tested.begin());
    if (it == tested.end()) tested.push_back(asks[i].first);
  }
  for (const rules::Blocklist* list : tested) {
    queries.push_back({test_point_name(*list, list->test_listed), RRType::A});
    queries.push_back({test_point_name(*list, list->test_not_listed), RRType::A});
  }
  std::vector<Answer> answers = dns.lookup_all(queries);
  std::vector<ListResult> out;
  std::vector<Query> reasons;
  for (std::size_t i = 0; i < asks.size(); ++i) {
    const Answer& main = answers[i];
    const Answer& listed_point = answers[asks.size() + 2 * test_at[i]];
    const Answer& clear_point = answers[asks.size() + 2 * test_at[i] + 1];
    ListResult r = interpret(*asks[i].first, main);
    r.item = items[i];
    r.evidence = {main};
    if (r.state == ListState::listed || r.state == ListState::clear) {
      std::string why = test_point_problem(*asks[i].first, listed_point, clear_point);
      if (!why.empty()) {
        r.state = ListState::unusable;
        r.meaning = why;
        r.evidence.push_back(listed_point);
        r.evidence.push_back(clear_point);
      }
    }
    if (r.state == ListState::listed) reasons.push_back({r.query, RRType::TXT});
    out.push_back(std::move(r));
  }
  // Round 2: the lists' TXT reasons for the listings (Postfix quotes them in its reply).
  std::vector<Answer> txts = dns.lookup_all(reasons);
  std::size_t t = 0;
  for (auto& r : out) {
    if (r.state != ListState::listed) continue;
    const Answer& txt = txts[t++];
    if (txt.ok() && !txt.records.empty()) r.txt = text::printable(txt.records.front().value, 300);
    r.evidence.push_back(txt);
  }
  return out;
}

}  // namespace

namespace {
std::vector<rules::Blocklist> choose_lists(const rules::Rules& rules, bool ip_lists,
                                           const std::map<std::string, std::string>& keys) {
  std::vector<rules::Blocklist> out;
  for (const auto& l : rules.blocklists()) {
    if (l.ip_list != ip_lists || !l.default_on) continue;
    rules::Blocklist copy = l;
    if (l.needs_key) {
      auto k = keys.find(l.id);
      if (k == keys.end() || k->second.empty()) continue;
      copy.zone = text::fill(l.zone, {{"key", k->second}});
    }
    copy.zone = normalise_name(copy.zone);
    out.push_back(std::move(copy));
  }
  // A key-based list replaces its public twin (which refuses many resolvers anyway).
  std::vector<std::string> replaced;
  for (const auto& l : out)
    if (!l.replaces.empty()) replaced.push_back(l.replaces);
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const rules::Blocklist& l) {
                             return std::find(replaced.begin(), replaced.end(), l.id) != replaced.end();
                           }),
            out.end());
  return out;
}
}  // namespace

const std::vector<rules::Blocklist>& active_lists(const rules::Rules& rules, bool ip_lists,
                                                  const std::map<std::string, std::string>& keys) {
  // Every message of a batch asks with the same keys: chosen once per rules and key set.
  std::string key = ip_lists ? "active_lists:ip" : "active_lists:domain";
  for (const auto& [id, k] : keys) key += "\n" + id + "=" + k;
  auto lists = rules.derived(key, [&] {
    return std::static_pointer_cast<const void>(
        std::make_shared<const std::vector<rules::Blocklist>>(choose_lists(rules, ip_lists, keys)));
  });
  return *static_cast<const std::vector<rules::Blocklist>*>(lists.get());
}

ListResult interpret(const rules::Blocklist& list, const Answer& answer) {
  ListResult r;
  r.list = &list;
  r.query = answer.name;
  r.answer = join_values(answer);
  switch (answer.status) {
    case Status::NXDOMAIN:
    case Status::NODATA:
      r.state = ListState::clear;
      return r;
    case Status::OFFLINE:
      r.state = ListState::offline;
      return r;
    case Status::TIMEOUT:
    case Status::SERVFAIL:
    case Status::REFUSED:
      r.state = ListState::unknown;
      r.meaning = std::string(to_string(answer.status)) + (answer.note.empty() ? "" : " (" + answer.note + ")");
      return r;
    case Status::NOERROR: break;
  }
  if (answer.records.empty()) {
    r.state = ListState::clear;
    return r;
  }
  std::vector<std::string> meanings;
  std::vector<const rules::ListCode*> matched;
  bool undocumented = false;
  for (const auto& rec : answer.records) {
    if (const std::string* err = lookup_meaning(list.errors, rec.value)) {
      r.state = ListState::unusable;
      r.meaning = "the list answered " + rec.value + ": " + *err;
      return r;
    }
    auto ip = parse_ip(rec.value);
    if (!ip || ip->v6 || ip->bytes[0] != 127) {
      r.state = ListState::unusable;
      r.meaning = "the answer " + rec.value +
                  " is outside 127.0.0.0/8: the resolver rewrites answers or the list is gone (domain parked or "
                  "wildcarded)";
      return r;
    }
    if (!list.bits.empty()) {
      unsigned last = ip->bytes[3];
      bool any = false;
      for (const auto& b : list.bits)
        if (last & b.bit) {
          matched.push_back(&b);
          any = true;
        }
      if (!any) {
        meanings.push_back("listed (" + rec.value + ", no documented bit set)");
        undocumented = true;
      }
    } else if (const rules::ListCode* c = lookup_code(list.codes, rec.value)) {
      matched.push_back(c);
    } else {
      meanings.push_back("listed with " + rec.value + ", a code the list does not document");
      undocumented = true;
    }
  }
  r.state = ListState::listed;
  // An undocumented code is judged as the list itself; documented ones by their own severity.
  bool have = undocumented;
  r.severity = undocumented ? list.severity : Severity::info;
  for (const rules::ListCode* c : matched) {
    Severity sv = c->severity.value_or(list.severity);
    if (!have || worse(sv, r.severity)) r.severity = sv;
    have = true;
    meanings.push_back(c->meaning);
    add_unique(r.advice, c->advice, " ");
    add_unique(r.rejects, c->rejects, " ");
  }
  if (r.rejects.empty()) r.rejects = list.rejects;
  for (const auto& m : meanings) add_unique(r.meaning, m, "; ");
  return r;
}

std::vector<ListResult> query_ip_lists(Resolver& dns, const std::vector<rules::Blocklist>& lists, const IpAddress& ip) {
  std::vector<std::pair<const rules::Blocklist*, std::string>> asks;
  std::vector<std::string> items;
  for (const auto& l : lists) {
    if (!l.ip_list) continue;
    asks.emplace_back(&l, blocklist_name(ip, l.zone));
    items.push_back(ip.to_string());
  }
  return run(dns, asks, items);
}

std::vector<ListResult> query_domain_lists(Resolver& dns, const std::vector<rules::Blocklist>& lists,
                                           const std::string& host) {
  return query_domain_lists(dns, lists, std::vector<std::string>{host});
}

std::vector<ListResult> query_domain_lists(Resolver& dns, const std::vector<rules::Blocklist>& lists,
                                           const std::vector<std::string>& hosts) {
  std::vector<std::pair<const rules::Blocklist*, std::string>> asks;
  std::vector<std::string> items;
  std::set<std::string> asked;
  for (const auto& host : hosts) {
    std::string h = to_a_label(host).value_or("");
    if (h.empty() || parse_ip(h) || !name_problem(h).empty()) continue;  // domain lists never get an IP
    for (const auto& l : lists) {
      if (l.ip_list) continue;
      // The host as found and/or its registered domain, as the list wants (the DBL lists both kinds);
      // each query name once per call.
      std::vector<std::string> wanted;
      if (l.ask_host) wanted.push_back(h);
      if (l.ask_registered) wanted.push_back(registered_domain(h));
      for (const auto& item : wanted) {
        if (item.empty() || !asked.insert(item + "." + l.zone).second) continue;
        asks.emplace_back(&l, item + "." + l.zone);
        items.push_back(item);
      }
    }
  }
  return run(dns, asks, items);
}

}  // namespace mailaudit::dns
