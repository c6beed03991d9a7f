// Table-driven rows for one check: a message, a sending context and a DNS world (the fixture zone
// files plus zones a test adds, a resolver whose every answer is a temporary failure, or none at all),
// and the ids that check must report, in report order. No server is started: these are unit tests.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "dns/resolver.hpp"
#include "model/envelope.hpp"
#include "model/report.hpp"

namespace mailaudit::test {

enum class World {
  zones,    // fixtures/dns plus the zones given to check_rows
  failing,  // every lookup SERVFAIL: every DNS verdict must be "cannot tell"
  offline,  // no DNS at all: every DNS verdict must be "not checked"
};

struct CheckRow {
  CheckRow(std::string label_, Envelope env_, std::vector<std::string> want_, World world_ = World::zones,
           std::string message_ = {})
      : label(std::move(label_)), env(std::move(env_)), want(std::move(want_)), world(world_), message(std::move(message_)) {}
  std::string label;
  Envelope env;
  std::vector<std::string> want;  // the check's finding ids, in report order
  World world;
  std::string message;  // LF or CRLF text; empty: message_from()
};

Envelope context(std::optional<std::string> ip, std::optional<std::string> helo = {},
                 std::optional<std::string> mail_from = {}, std::vector<std::string> rcpt = {});

// Runs every row and checks, per row: the ids; no placeholder left in a title or detail; every DNS
// verdict other than a pass cites evidence that is in the report's query log (unless listed in
// `syntax_only`: verdicts on the name's form alone).
void check_rows(const std::string& check, const std::vector<CheckRow>& rows,
                const std::vector<std::string>& extra_zones = {},
                const std::vector<std::string>& syntax_only = {});

// The report of one row, for rows that look beyond the ids.
Report audit_row(const CheckRow& row, const std::vector<std::string>& extra_zones = {});

// A resolver whose every answer is SERVFAIL (a dead recursive resolver, as checks see it).
dns::Resolver& failing_resolver();

}  // namespace mailaudit::test
