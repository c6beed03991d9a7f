#include "setup.hpp"

#include <filesystem>

#include "registry.hpp"

namespace mailaudit::cli {

rules::Rules load_rules(const std::string& dir) {
  rules::Rules r = dir.empty() ? rules::Rules::builtin() : rules::Rules::from_dir(dir);
  std::string file = dir.empty() ? std::string("findings.toml")
                                 : (std::filesystem::path(dir) / "findings.toml").string();
  // The runner's own finding first: without it a failing check would have no words.
  for (const auto& id : rules::missing_findings(r, {"check.failed"}))
    throw rules::RulesError(file + ": no entry for finding " + id + " (the check runner reports with it)");
  for (const auto& check : checks::registry())
    for (const auto& id : rules::missing_findings(r, check.finding_ids))
      throw rules::RulesError(file + ": no entry for finding " + id + " (check " + std::string(check.id) + ")");
  for (const auto& check : checks::registry())
    if (!r.words().count("checks." + std::string(check.id)))
      throw rules::RulesError((dir.empty() ? std::string("words.toml") : (std::filesystem::path(dir) / "words.toml").string()) +
                              ": no summary checks." + std::string(check.id) + " (check " + std::string(check.id) + ")");
  return r;
}

}  // namespace mailaudit::cli
