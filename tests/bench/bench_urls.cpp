// URL extraction benchmark: every file given (messages) parsed and extracted in this one process, ROUNDS
// times; prints MB/s and messages/s, and writes each file's hosts (one JSON object per line) to HOSTS_OUT
// for scripts/bench to compare with rspamd and SpamAssassin, with the DKIM signing domains the domain_lists
// check asks the blocklists about (not URLs, so not in `urls`; SpamAssassin lists them among its URIs).
//   bench_urls HOSTS_OUT ROUNDS FILE...
#include <time.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "auth/dkim.hpp"
#include "message/message.hpp"
#include "rules/rules.hpp"
#include "urls/extract.hpp"

using namespace mailaudit;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench_urls HOSTS_OUT ROUNDS FILE...\n");
    return 2;
  }
  int rounds = std::max(1, std::atoi(argv[2]));
  std::vector<std::pair<std::string, std::string>> files;
  std::size_t bytes = 0;
  for (int i = 3; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    files.emplace_back(argv[i], ss.str());
    bytes += files.back().second.size();
  }
  rules::Rules rules = rules::Rules::builtin();
  ParseLimits limits;
  limits.decode_binary = false;  // as `mailaudit urls` reads messages
  std::ofstream hosts_out(argv[1]);
  std::size_t urls_found = 0;
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  const double cpu_start = cpu_now();
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (const auto& [path, raw] : files) {
      Message m = parse_message(raw, path, 0, limits);
      auto found = urls::extract_urls(m, rules.urls());
      urls_found += found.size();
      if (r > 0) continue;
      std::set<std::string> hosts;
      for (const auto& u : found)
        if (!u.host.empty()) hosts.insert(u.host);
      hosts_out << nlohmann::json{{"file", path}, {"hosts", hosts}, {"signing_domains", auth::signing_domains(m)}}.dump()
                << "\n";
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_now() - cpu_start;
  double total_mb = static_cast<double>(bytes) * rounds / 1e6;
  std::printf("mailaudit: %zu messages x %d rounds, %.1f MB, %zu URLs in %.3f s: %.1f MB/s, %.0f messages/s, %.3f ms/message\n",
              files.size(), rounds, total_mb, urls_found / static_cast<std::size_t>(rounds), secs, total_mb / secs,
              static_cast<double>(files.size()) * rounds / secs, 1000.0 * secs / (static_cast<double>(files.size()) * rounds));
  std::printf("mailaudit: %.3f s CPU: %.1f MB/s per core (CPU time)\n", cpu, total_mb / cpu);
  return 0;
}
