// Writers for `mailaudit probe`: mailaudit-probe/1 JSON (DESIGN.md), text, and a Markdown ticket.
#pragma once
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "model/probe.hpp"

namespace mailaudit {

nlohmann::ordered_json probe_json(const probe::ProbeResult& r);
// Labels for people come from the rules (rules/words.toml [probe] label_*), passed in: writers see the model only.
std::string probe_text(const probe::ProbeResult& r, const std::map<std::string, std::string>& words);
std::string probe_markdown(const probe::ProbeResult& r, const std::map<std::string, std::string>& words);

}  // namespace mailaudit
