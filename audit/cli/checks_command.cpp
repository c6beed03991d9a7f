// `mailaudit checks`: every registered check with its stage and the finding ids it may emit.
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "output.hpp"
#include "registry.hpp"
#include "output/writers.hpp"
#include "setup.hpp"

namespace mailaudit::cli {

std::function<int()> add_checks_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("checks", "List the checks, their stage and finding ids");
  auto format = std::make_shared<std::string>("text");
  cmd->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
  return [format] {
    Output out("");
    const auto& checks = checks::registry();
    const rules::Rules rules = load_rules("");
    auto summary = [&](const Check& c) { return rules.word("checks." + std::string(c.id)); };
    if (*format == "json") {
      nlohmann::ordered_json j = nlohmann::ordered_json::array();
      for (const auto& c : checks) {
        std::vector<std::string> ids(c.finding_ids.begin(), c.finding_ids.end());
        j.push_back({{"id", std::string(c.id)}, {"stage", std::string(to_string(c.stage))},
                     {"summary", summary(c)}, {"finding_ids", ids}});
      }
      out.write(dump_json(j, true) + "\n");
      return 0;
    }
    std::string s;
    for (const auto& c : checks) {
      s += std::string(c.id) + " (" + std::string(to_string(c.stage)) + "): " + summary(c) + "\n";
      for (auto id : c.finding_ids) s += "    " + std::string(id) + "\n";
    }
    out.write(s);
    return 0;
  };
}

}  // namespace mailaudit::cli
