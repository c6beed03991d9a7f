// Writers for `mailaudit bounce`: a diagnosed bounce as JSON (mailaudit-bounce/1) or text, and the audit of
// its original message ordered by the bounce's stage.
#pragma once
#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "model/bounce.hpp"
#include "model/report.hpp"

namespace mailaudit {

// Both write b.summary as the lead sentence: set it (bounce::lead_sentence) before writing.
nlohmann::ordered_json bounce_json(const bounce::Bounce& b);
std::string bounce_text(const bounce::Bounce& b);
// Findings at `first` (the stage the bounce points at) come first, the rest keep their order.
void order_by_stage(Report& r, Stage first);

}  // namespace mailaudit
