// What a check is and what it gets. A check reads the message, the envelope, the rules and DNS, and
// returns findings: no printing, no global state. Checks run concurrently and never include each other.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/auth_results.hpp"
#include "dns/resolver.hpp"
#include "model/envelope.hpp"
#include "message/message.hpp"
#include "model/finding.hpp"
#include "rules/make_finding.hpp"
#include "rules/rules.hpp"
#include "model/url.hpp"

namespace mailaudit {

// Settings of a run that checks read.
struct CheckOptions {
  std::map<std::string, std::string> blocklist_keys;  // list id -> key (Spamhaus DQS, Abusix)
  bool follow_links = false;          // --follow-links: HTTP requests to where the links lead
  bool allow_private_links = false;   // --allow-private-links: let them reach special-purpose addresses
  std::string user_agent;             // --user-agent for those requests ("" = a browser-like default)
  int link_timeout_ms = 5000;         // --link-timeout per request
};

class Context {
 public:
  Context(const Message& m, const Envelope& e, const rules::Rules& r, dns::Resolver& d, const CheckOptions& o,
          const std::vector<urls::Url>& u, auth::AuthResults& a)
      : message(m), envelope(e), rules(r), dns(d), options(o), urls(u), auth(a) {}

  const Message& message;
  const Envelope& envelope;
  const rules::Rules& rules;
  dns::Resolver& dns;
  const CheckOptions& options;
  const std::vector<urls::Url>& urls;  // every URL and domain in the message (audit/urls), extracted once
  auth::AuthResults& auth;             // SPF, DKIM, DMARC of the message, computed once on first use

  // A finding with the words of rules/findings.toml for `id`, placeholders filled from `args`
  // (make_finding: throws std::logic_error when the id has no entry).
  Finding make(std::string_view id, const Args& args = {}) const { return make_finding(rules, id, args); }
  // A phrase of rules/words.toml ("section.key") with its placeholders filled from `args`, for a
  // finding's placeholder values: checks hold no sentences of their own.
  std::string word(std::string_view key, const Args& args = {}) const;
};

struct Check {
  std::string_view id;       // "headers", "rdns", ...: the `check` field of its findings
  Stage stage;               // the stage its findings are mostly about
  // Its one-line summary for `mailaudit checks` is rules/words.toml "checks.<id>".
  std::vector<std::string_view> finding_ids;  // every id it may emit
  std::vector<Finding> (*run)(const Context&);
  // Parts of the sending context it cannot run without: "ip", "helo", "mail_from", "rcpt".
  std::vector<std::string_view> needs = {};
};

// "rdns: needs --ip" for a check whose context is missing, or "" when it can run.
std::string missing_context(const Check& check, const Envelope& env);

// Run every check concurrently; a check that throws yields a check.failed finding instead of its own.
// Findings come back sorted by stage, then severity (worst first), then check order.
std::vector<Finding> run_checks(const std::vector<Check>& checks, const Context& ctx);

}  // namespace mailaudit
