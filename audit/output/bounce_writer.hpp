// Writers for `mailaudit bounce`: a diagnosed bounce as JSON (mailaudit-bounce/1) or text, and the audit of
// its original message ordered by the bounce's stage.
#pragma once
#include <algorithm>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "model/bounce.hpp"
#include "model/report.hpp"
#include "output/writers.hpp"

namespace mailaudit {

// Both write b.summary as the lead sentence: set it (bounce::lead_sentence) before writing.
nlohmann::ordered_json bounce_json(const bounce::Bounce& b);
std::string bounce_text(const bounce::Bounce& b);
// Words for people come from the rules (rules/bounces.toml [words]), passed in: writers see the model only.
using Words = std::map<std::string, std::string>;

// A ticket for the receiver's postmaster: the reply verbatim with its server, time and queue id, the stage,
// what it means, the sending context with where each value came from, the audit of the original ordered by
// that stage (or a note that it was not run), and the DNS evidence with times.
std::string bounce_markdown(const bounce::Bounce& b, const Report* audit, const WriterOptions& o, const Words& words);
std::string bounce_html(const bounce::Bounce& b, const Report* audit, const WriterOptions& o, const Words& words);

// A folder of bounces: counts by stage, provider and signature (and the three together), temporary vs
// permanent, the top reply texts and the recipients affected.
nlohmann::ordered_json bounce_summary_json(const bounce::Summary& s);
std::string bounce_summary_text(const bounce::Summary& s, const Words& words);
std::string bounce_summary_markdown(const bounce::Summary& s, const Words& words);

// Findings at `first` (the stage the bounce points at) come first, the rest keep their order.
void order_by_stage(Report& r, Stage first);

}  // namespace mailaudit
