#include "setup.hpp"

#include <filesystem>

#include "registry.hpp"

namespace mailaudit::cli {

rules::Rules load_rules(const std::string& dir) {
  if (dir.empty()) return rules::Rules::builtin();  // complete: tests/unit/rules_test.cpp checks it, not each run
  rules::Rules r = rules::Rules::from_dir(dir);
  std::string file = (std::filesystem::path(dir) / "findings.toml").string();
  // The runner's own finding first: without it a failing check would have no words.
  for (const auto& id : rules::missing_findings(r, {"check.failed"}))
    throw rules::RulesError(file + ": no entry for finding " + id + " (the check runner reports with it)");
  for (const auto& check : checks::registry())
    for (const auto& id : rules::missing_findings(r, check.finding_ids))
      throw rules::RulesError(file + ": no entry for finding " + id + " (check " + std::string(check.id) + ")");
  for (const auto& check : checks::registry())
    if (!r.words().count("checks." + std::string(check.id)))
      throw rules::RulesError((std::filesystem::path(dir) / "words.toml").string() +
                              ": no summary checks." + std::string(check.id) + " (check " + std::string(check.id) + ")");
  return r;
}

bool split_host_port(const std::string& spec, std::string& host, int& port) {
  std::string h = spec, p;
  if (!h.empty() && h.front() == '[') {
    auto close = h.find(']');
    if (close == std::string::npos) return false;
    if (close + 1 < h.size()) {
      if (h[close + 1] != ':') return false;
      p = h.substr(close + 2);
    }
    h = h.substr(1, close - 1);
  } else if (auto colon = h.rfind(':'); colon != std::string::npos && h.find(':') == colon) {
    p = h.substr(colon + 1);
    h = h.substr(0, colon);
  }
  if (h.empty()) return false;
  if (!p.empty()) {
    if (p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
    port = std::stoi(p);
    if (port < 1 || port > 65535) return false;
  }
  host = h;
  return true;
}

}  // namespace mailaudit::cli
