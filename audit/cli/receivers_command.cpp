// `mailaudit receivers`: the receiver profiles (rules/receivers/*.toml), what each models, its sources and
// its rules.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "output.hpp"
#include "output/writers.hpp"
#include "receivers/profile.hpp"
#include "rules/rules.hpp"
#include "setup.hpp"

namespace mailaudit::cli {

namespace {

std::string_view action_name(receivers::Action a) {
  switch (a) {
    case receivers::Action::reject: return "reject";
    case receivers::Action::defer: return "defer";
    case receivers::Action::junk: return "junk";
    case receivers::Action::ignore: return "ignore";
    case receivers::Action::score: return "score";
  }
  return "?";
}

nlohmann::ordered_json profile_json(const receivers::Profile& p) {
  nlohmann::ordered_json answers = nlohmann::ordered_json::object();
  for (const auto& [from, to] : p.answers) answers[std::string(to_string(from))] = to_string(to);
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const auto& r : p.rules) {
    nlohmann::ordered_json j = {{"findings", r.findings}, {"action", action_name(r.action)}};
    if (!r.also.empty()) j["also"] = r.also;
    if (!r.zone.empty()) j["zone"] = r.zone;
    if (r.except_same_net) j["except_same_net"] = r.except_same_net;
    if (r.stage) j["stage"] = to_string(*r.stage);
    if (r.answers_at) j["answers_at"] = to_string(*r.answers_at);
    if (r.reply.code) j["reply"] = {{"code", r.reply.code}, {"status", r.reply.status}, {"text", r.reply.text}};
    if (r.action == receivers::Action::score) j["points"] = r.points;
    if (!r.via.empty()) j["via"] = r.via;
    j["source"] = r.source;
    rules.push_back(j);
  }
  nlohmann::ordered_json j = {{"id", p.id}, {"name", p.name}, {"models", p.models}, {"source", p.source},
                              {"file", p.file}, {"references", p.references}, {"mx", p.mx}, {"domains", p.domains},
                              {"answers", answers}};
  if (p.scoring)
    j["scoring"] = {{"threshold", p.scoring->threshold}, {"stage", to_string(p.scoring->stage)},
                    {"reply", {{"code", p.scoring->reply.code}, {"status", p.scoring->reply.status}, {"text", p.scoring->reply.text}}},
                    {"source", p.scoring->source}};
  if (!p.server_kind.empty()) {
    j["server"] = {{"kind", p.server_kind}, {"config", p.server_config}};
    if (!p.server_master.empty()) j["server"]["master"] = p.server_master;
    if (!p.server_files.empty()) {
      nlohmann::ordered_json files = nlohmann::ordered_json::object();
      for (const auto& [name, contents] : p.server_files) files[name] = contents;
      j["server"]["files"] = files;
    }
  }
  j["rules"] = rules;
  return j;
}

}  // namespace

std::function<int()> add_receivers_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("receivers", "List the receiver profiles, what each models, with sources");
  auto format = std::make_shared<std::string>("text");
  auto rules_dir = std::make_shared<std::string>();
  cmd->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--rules", *rules_dir, "folder whose receivers/*.toml are laid over the built-in profiles");
  return [format, rules_dir] {
    std::vector<receivers::Profile> profiles;
    std::unique_ptr<rules::Rules> rules;
    try {
      profiles = receivers::load_profiles(*rules_dir);
      rules = std::make_unique<rules::Rules>(load_rules(*rules_dir));
    } catch (const std::runtime_error& e) {
      std::cerr << "mailaudit: " << e.what() << "\n";
      return 2;
    }
    Output out("");
    if (*format == "json") {
      nlohmann::ordered_json j = nlohmann::ordered_json::array();
      for (const auto& p : profiles) j.push_back(profile_json(p));
      out.write(dump_json({{"schema", "mailaudit-receivers/1"}, {"receivers", j}}, true) + "\n");
      return 0;
    }
    auto w = [&](const char* key) { return rules->word(std::string("receivers.") + key); };
    std::string s = w("list_intro") + "\n";
    for (const auto& p : profiles) {
      s += "\n" + p.id + ": " + p.name + "\n";
      s += "    " + w("list_models") + ": " + p.models + "\n";
      s += "    " + w("list_source") + ": " + p.source + " (" + p.file + ")\n";
      for (const auto& ref : p.references) s += "      " + ref + "\n";
      if (!p.mx.empty()) {
        std::string mx;
        for (const auto& m : p.mx) mx += (mx.empty() ? "" : ", ") + m;
        s += "    " + w("list_recognised") + ": " + mx + "\n";
      }
      if (!p.server_config.empty()) {
        s += "    " + w("list_config") + " (" + p.server_kind + "):\n";
        for (const auto& line : p.server_config) s += "      " + line + "\n";
        for (const auto& line : p.server_master) s += "      " + line + "\n";
      }
      if (!p.rules.empty()) s += "    " + w("list_rules") + ":\n";
      for (const auto& r : p.rules) {
        std::string ids;
        for (const auto& f : r.findings) ids += (ids.empty() ? "" : " ") + f;
        s += "      " + std::string(action_name(r.action)) + " " + ids;
        for (const auto& group : r.also) {
          std::string g;
          for (const auto& f : group) g += (g.empty() ? "" : " ") + f;
          s += " + (" + g + ")";
        }
        if (!r.zone.empty()) s += " [" + r.zone + "]";
        if (r.reply.code) s += ": " + std::to_string(r.reply.code) + (r.reply.status.empty() ? "" : " " + r.reply.status);
        if (r.action == receivers::Action::score) s += " " + std::to_string(r.points);
        if (!r.via.empty()) s += " (" + r.via + ")";
        s += "\n";
      }
    }
    out.write(s);
    return 0;
  };
}

}  // namespace mailaudit::cli
