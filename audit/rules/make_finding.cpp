#include "rules/make_finding.hpp"

#include <stdexcept>

#include "util/text.hpp"

namespace mailaudit {

Finding make_finding(const rules::Rules& rules, std::string_view id, const Args& args) {
  const rules::FindingText* t = rules.finding(id);
  if (!t) throw std::logic_error("no rules entry for finding " + std::string(id));
  Finding f;
  f.id = t->id;
  f.stage = t->stage;
  f.severity = t->severity;
  f.title = text::fill(t->title, args);
  f.detail = text::fill(t->detail, args);
  f.remedy = text::fill(t->remedy, args);
  f.references = t->references;
  return f;
}

}  // namespace mailaudit
