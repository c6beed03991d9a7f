// Writers for `mailaudit probe`: mailaudit-probe/1 JSON (DESIGN.md), text, and a Markdown ticket.
#pragma once
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "model/probe.hpp"
#include "output/writers.hpp"

namespace mailaudit {

nlohmann::ordered_json probe_json(const probe::ProbeResult& r);
// Labels for people come from the rules (rules/words.toml [probe] label_*), passed in: writers see the model only.
std::string probe_text(const probe::ProbeResult& r, const std::map<std::string, std::string>& words);
std::string probe_markdown(const probe::ProbeResult& r, const std::map<std::string, std::string>& words);

// check --probe: the per-stage comparison and the probe itself, inside a report (JSON "probe"), and as a
// section of the text and Markdown reports.
nlohmann::ordered_json probe_check_json(const probe::Check& c);
std::string probe_check_text(const probe::Check& c, const WriterOptions& o);
std::string probe_check_markdown(const probe::Check& c, const WriterOptions& o);

}  // namespace mailaudit
