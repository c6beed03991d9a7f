// run_checks (engine/check.hpp): every check's findings, tagged with its id, sorted by stage then severity;
// a check that throws becomes one check.failed finding and the others still report. Both ways of running:
// one after another when nothing can wait (answers from zones or none), on the pool otherwise.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "dns/zone_resolver.hpp"
#include "engine/check.hpp"
#include "rules/rules.hpp"
#include "check_rows.hpp"
#include "test_support.hpp"

using namespace mailaudit;

namespace {

Finding finding(const char* id, Stage stage, Severity severity) {
  Finding f;
  f.id = id;
  f.stage = stage;
  f.severity = severity;
  return f;
}

std::vector<Finding> late_info(const Context&) { return {finding("size.ok", Stage::end_of_data, Severity::info)}; }
std::vector<Finding> early_error(const Context&) { return {finding("rdns.missing", Stage::connect, Severity::error)}; }

std::vector<Finding> throws(const Context&) { throw std::runtime_error("boom"); }

}  // namespace

TEST_CASE("run_checks: findings tagged and sorted, a throwing check reported, inline and on the pool", "[unit]") {
  const rules::Rules rules = rules::Rules::builtin();
  const Message m = parse_message("From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n", "run-checks-test", 0);
  const Envelope env;
  const CheckOptions options;
  const std::vector<urls::Url> no_urls;
  const std::vector<Check> checks = {{"late", Stage::end_of_data, {"size.ok"}, late_info},
                                     {"thrower", Stage::data, {}, throws},
                                     {"early", Stage::connect, {"rdns.missing"}, early_error}};
  dns::ZoneResolver zones(std::make_shared<dns::ZoneSet>(), nullptr);
  dns::Resolver& live = test::failing_resolver();  // mode "live": run_checks must use its pool
  struct Row {
    const char* label;
    dns::Resolver& resolver;
  };
  for (const Row& row : {Row{"zones: one after another", zones}, Row{"live: on the pool", live}}) {
    auth::AuthResults auth(m, env, row.resolver, 0, 0);
    Context ctx(m, env, rules, row.resolver, options, no_urls, auth);
    std::vector<Finding> got = run_checks(checks, ctx);
    std::string order;
    for (const auto& f : got) order += (order.empty() ? "" : " ") + f.check + ":" + f.id;
    INFO(row.label << ": got \"" << order << "\"");
    CHECK(order == "early:rdns.missing thrower:check.failed late:size.ok");
  }
}
