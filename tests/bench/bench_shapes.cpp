// Hostile-shape benchmark: each shape of tests/perf/shapes.hpp at 1 MB and 8 MB through the whole audit
// (parse, URLs, every check against the fixture zones, as `check --zones`), the best of ROUNDS runs; prints
// MB/s per core (process CPU time) for each, and the 8 MB / 1 MB time ratio.
//   bench_shapes [ROUNDS=3] [FILTER]   (FILTER: only the shapes whose label holds it)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/audit.hpp"
#include "nsd_server.hpp"
#include "registry.hpp"
#include "shapes.hpp"

using namespace mailaudit;

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const std::string filter = argc > 2 ? argv[2] : "";
  const rules::Rules rules = rules::Rules::builtin();
  auto zones = test::fixture_zone_resolver();
  AuditSettings settings{rules, *zones, checks::registry(), {}, {}};
  const Envelope env = test::newsletter_envelope();
  auto best_cpu = [&](const std::string& bytes) {
    double best = 1e9;
    for (int r = 0; r < rounds; ++r) {
      double t0 = test::process_cpu_seconds();
      Report rep = audit_message({"shape.eml", 0, bytes, ""}, env, settings);
      best = std::min(best, test::process_cpu_seconds() - t0);
      if (!rep.error.empty()) std::fprintf(stderr, "bench_shapes: %s\n", rep.error.c_str());
    }
    return best;
  };
  bool all_fast = true;
  for (const auto& s : test::shapes()) {
    if (std::string(s.label).find(filter) == std::string::npos) continue;
    double t[2];
    double mb[2];
    const std::size_t sizes[2] = {1u << 20, 8u << 20};
    for (int k = 0; k < 2; ++k) {
      const std::string bytes = s.make(sizes[k]);
      mb[k] = static_cast<double>(bytes.size()) / 1e6;
      t[k] = best_cpu(bytes);
    }
    const double slowest = std::min(mb[0] / t[0], mb[1] / t[1]);
    all_fast = all_fast && slowest >= 50.0;
    std::printf("shape %-55s 1 MB %7.1f MB/s, 8 MB %7.1f MB/s per core, 8 MB / 1 MB time %.1fx\n", s.label,
                mb[0] / t[0], mb[1] / t[1], t[1] / t[0]);
  }
  std::printf("shapes: every one at >= 50 MB/s per core: %s\n", all_fast ? "yes" : "no");
  return 0;
}
