// DNS benchmark: N distinct lookups through a loopback proxy that delays every answer by D ms, in front
// of NSD serving fixtures/dns. Prints wall time and the outcome. A serial loop would take N x D.
//   bench_dns [N=1000] [DELAY_MS=20] [MAX_IN_FLIGHT=128]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "dns/live_resolver.hpp"
#include "fake_dns_server.hpp"
#include "nsd_server.hpp"

using namespace mailaudit;

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  int delay_ms = argc > 2 ? std::atoi(argv[2]) : 20;
  std::size_t in_flight = argc > 3 ? static_cast<std::size_t>(std::atoi(argv[3])) : 128;
  auto& nsd = test::fixture_nsd();
  test::FakeDnsServer proxy(test::FakeDnsServer::forward(nsd.address(), std::chrono::milliseconds(delay_ms)));

  std::string err;
  dns::LiveOptions lo;
  lo.servers.push_back(*dns::parse_server(proxy.address(), err));
  lo.timeout_ms = 2000;
  lo.max_in_flight = in_flight;
  dns::LiveResolver resolver(lo);

  std::vector<dns::Query> queries;
  for (int i = 0; i < n; ++i) queries.push_back({"q" + std::to_string(i) + ".bench.example.com", dns::RRType::A});
  auto t0 = std::chrono::steady_clock::now();
  auto answers = resolver.lookup_all(queries);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::map<std::string, int> statuses;
  for (const auto& a : answers) ++statuses[std::string(to_string(a.status))];
  std::printf("dns bench: %d distinct lookups, proxy delay %d ms, max in flight %zu\n", n, delay_ms, in_flight);
  std::printf("dns bench: wall time %.3f s (a serial loop: %.1f s), %.0f lookups/s\n", secs, n * delay_ms / 1000.0, n / secs);
  std::printf("dns bench: questions sent %zu, packets sent %zu, proxy saw %zu;", resolver.questions_sent(),
              resolver.packets_sent(), proxy.queries());
  for (const auto& [s, c] : statuses) std::printf(" %s=%d", s.c_str(), c);
  std::printf("\n");
  return statuses["NOERROR"] == n ? 0 : 1;
}
