// Asking DNS blocklists (rules/blocklists.toml) about an IP or a domain, and reading their answers.
// An error answer (e.g. Spamhaus 127.255.255.254, URIBL 127.0.0.1) or one outside 127/8 means "this
// resolver cannot use the list", never "listed"; a list that fails its RFC 5782 test points is unusable;
// a timeout or SERVFAIL is "unknown".
#pragma once
#include <map>
#include <string>
#include <vector>

#include "util/names.hpp"
#include "dns/resolver.hpp"
#include "rules/rules.hpp"

namespace mailaudit::dns {

enum class ListState { listed, clear, unusable, unknown, offline };

struct ListResult {
  const rules::Blocklist* list = nullptr;
  ListState state = ListState::unknown;
  std::string item;        // what was asked about: the IP, host or registered domain
  std::string query;       // the query name
  std::string answer;      // the A records, comma-separated ("127.0.0.2")
  std::string meaning;     // listed: what the code means; unusable/unknown: why
  std::string txt;         // the list's TXT reason, when listed
  Severity severity = Severity::info;  // listed: the gravest of the answered codes' severities
  std::string advice;      // listed: the codes' own advice ("" = the finding's remedy)
  std::string rejects;     // listed: who rejects on these codes (the codes' own, else the list's)
  std::vector<Answer> evidence;
};

// Lists in use: default or key given; key-based zones filled in; lists replaced by an active one dropped.
// Chosen once per rules and key set; the vector lives as long as `rules` (and its copies).
const std::vector<rules::Blocklist>& active_lists(const rules::Rules& rules, bool ip_lists,
                                                  const std::map<std::string, std::string>& keys);

// What `answer` (the A lookup of a query name) says, for `list`; state listed/clear/unusable/unknown/offline.
ListResult interpret(const rules::Blocklist& list, const Answer& answer);

// Every active IP list about `ip`, all lookups in flight together (test points included).
std::vector<ListResult> query_ip_lists(Resolver& dns, const std::vector<rules::Blocklist>& lists, const IpAddress& ip);
// Every active domain list about `host` (the host or its registered domain, as each list wants; IPs skipped).
std::vector<ListResult> query_domain_lists(Resolver& dns, const std::vector<rules::Blocklist>& lists,
                                           const std::string& host);
// The same for many hosts, every lookup in flight together; a query name that several hosts share (one
// registered domain) is asked once and reported with the first of them as `item`.
std::vector<ListResult> query_domain_lists(Resolver& dns, const std::vector<rules::Blocklist>& lists,
                                           const std::vector<std::string>& hosts);

}  // namespace mailaudit::dns
