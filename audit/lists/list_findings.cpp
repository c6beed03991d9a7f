#include "lists/list_findings.hpp"

#include "util/text.hpp"

namespace mailaudit {

Args list_args(const dns::ListResult& r, Args extra) {
  const auto& list = *r.list;
  Args args{{"item", r.item}, {"list", list.name}, {"zone", list.zone}, {"query", r.query}, {"answer", r.answer},
            {"meaning", r.meaning}, {"reason", r.meaning}, {"reference", list.reference},
            {"rejects", r.rejects.empty() ? list.rejects : r.rejects},
            {"txt", r.txt.empty() ? "" : " with the reason \"" + r.txt + "\""}};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

Finding list_finding(const rules::Rules& rules, std::string_view id, dns::ListResult&& r, const Args& args) {
  Finding f = make_finding(rules, id, args);
  if (r.state == dns::ListState::listed) {
    f.severity = r.severity;
    // A code with its own advice (a PBL range, say) replaces the generic remedy of a listing.
    if (!r.advice.empty()) f.remedy = text::fill(r.advice, args);
    f.references.push_back(r.list->reference);
  }
  f.evidence = std::move(r.evidence);
  return f;
}

}  // namespace mailaudit
