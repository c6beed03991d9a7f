// No input shape is superlinear: each hostile shape (tests/perf/shapes.hpp) generated at 1 MB and at 8 MB and
// audited through the whole pipeline (parse, URLs, every check against the fixture zones); the 8 MB message
// may take at most 12 times the CPU of the 1 MB one (linear work takes 8 times, plus slack for a shared
// machine). A ratio, not a timing: the speed of each shape is scripts/bench shapes' figure.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <string>

#include "engine/audit.hpp"
#include "nsd_server.hpp"
#include "registry.hpp"
#include "shapes.hpp"

using namespace mailaudit;

TEST_CASE("hostile shapes: 8 MB takes at most 12x the CPU of 1 MB through the whole audit", "[perf]") {
  static const rules::Rules rules = rules::Rules::builtin();
  auto zones = test::fixture_zone_resolver();
  AuditSettings settings{rules, *zones, checks::registry(), {}, {}};
  Envelope env = test::newsletter_envelope();
  // The process CPU (the checks run on a pool of threads), best of `rounds`: the least disturbed run.
  auto audit_cpu = [&](const std::string& bytes, int rounds) {
    double best = 1e9;
    for (int r = 0; r < rounds; ++r) {
      double t0 = test::process_cpu_seconds();
      Report rep = audit_message({"shape.eml", 0, bytes, ""}, env, settings);
      best = std::min(best, test::process_cpu_seconds() - t0);
      REQUIRE(rep.error.empty());
    }
    return best;
  };
  for (const auto& s : test::shapes()) {
    const std::string small = s.make(1u << 20), large = s.make(8u << 20);
    double t1 = audit_cpu(small, 2), t8 = audit_cpu(large, 1);
    // Below 10 ms a 1 MB run measures the clock more than the work: compare against that floor.
    double ratio = t8 / std::max(t1, 0.010);
    INFO(s.label << ": 1 MB " << t1 << " s, 8 MB " << t8 << " s CPU: got a ratio of " << ratio << ", want <= 12");
    CHECK(ratio <= 12.0);
    WARN(s.label << ": 1 MB " << t1 << " s, 8 MB " << t8 << " s CPU, ratio " << ratio);
  }
}
