// Check "dmarc": the From domain's DMARC record (found both ways: RFC 7489 with the public suffix list and
// the RFC 9989 tree walk), its tags, SPF and DKIM alignment, and the policy the receiver applies.
#include "auth/dmarc.hpp"
#include "checks.hpp"

namespace mailaudit::checks {

std::vector<Finding> run_dmarc(const Context& ctx) {
  const auth::DmarcOutcome* dm = ctx.auth.dmarc();
  if (!dm) return {};
  const auth::DmarcOutcome& o = *dm;
  const std::string& from_domain = ctx.auth.from_domain();
  const auth::SpfOutcome* spf = ctx.auth.spf();
  const auth::DmarcRecord* rec = o.discovery.record ? &*o.discovery.record : nullptr;
  std::string problems, notes;
  if (rec) {
    for (const auto& p : rec->problems) problems += (problems.empty() ? "" : "; ") + p;
    for (const auto& n : rec->notes) notes += (notes.empty() ? "" : "; ") + n;
  }
  if (problems.empty()) problems = o.discovery.problem;
  std::string spf_state = spf ? ctx.word("dmarc.spf", {{"result", std::string(auth::to_string(spf->result))},
                                                       {"domain", ctx.auth.spf_domain()}})
                              : ctx.word("dmarc.spf_not_evaluated");
  std::string dkim_state;
  for (const auto& s : ctx.auth.dkim())
    dkim_state += (dkim_state.empty() ? "" : ", ") +
                  ctx.word("dmarc.dkim", {{"domain", s.domain}, {"result", std::string(auth::to_string(s.result))}});
  if (dkim_state.empty()) dkim_state = ctx.word("dmarc.no_dkim");
  Args args{{"domain", from_domain},
            {"record_domain", rec ? rec->domain : ""},
            {"record", rec ? rec->text : ""},
            {"policy", o.policy},
            {"policy_tag", o.policy_tag},
            {"aligned_by", o.aligned_by},
            {"spf", spf_state},
            {"dkim", dkim_state},
            {"aspf", rec ? rec->aspf : "r"},
            {"adkim", rec ? rec->adkim : "r"},
            {"problems", problems},
            {"notes", notes.empty() ? "" : ctx.word("dmarc.notes", {{"notes", notes}})},
            {"tree_domain", o.tree_domain.empty() ? ctx.word("dmarc.no_tree_record")
                                                  : ctx.word("dmarc.tree_record", {{"domain", o.tree_domain}})}};
  std::vector<Finding> out;
  std::string id = o.result == "offline" ? "dmarc.not_checked" : "dmarc." + o.result;
  if (o.result == "offline") args.emplace_back("why", ctx.word("dmarc.offline", {{"domain", from_domain}}));
  if (o.result == "not_checked")
    args.emplace_back("why", ctx.word("dmarc.not_checked", {{"domain", from_domain}, {"dkim", dkim_state},
                                                            {"spf", ctx.word(spf ? "dmarc.spf_offline" : "dmarc.spf_needs_context")}}));
  Finding f = ctx.make(id, args);
  if (o.result == "fail") {
    f.severity = o.policy == "reject" ? Severity::error : Severity::warning;
  }
  f.evidence = o.discovery.evidence;
  out.push_back(std::move(f));
  if (rec && rec->valid() && rec->p == "none" && o.result != "invalid") out.push_back(ctx.make("dmarc.policy_none", args));
  std::string psl_domain = rec ? rec->domain : "";
  if (!o.discovery.temperror && psl_domain != o.tree_domain)
    out.push_back(ctx.make("dmarc.discovery_differs", args));
  return out;
}

}  // namespace mailaudit::checks
