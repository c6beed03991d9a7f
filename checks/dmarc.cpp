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
  std::string spf_state = spf ? "SPF " + std::string(auth::to_string(spf->result)) + " for " + ctx.auth.spf_domain()
                                 : "SPF not evaluated (needs --ip and --mail-from)";
  std::string dkim_state;
  for (const auto& s : ctx.auth.dkim())
    dkim_state += (dkim_state.empty() ? "" : ", ") + std::string("DKIM d=") + s.domain + " " + std::string(auth::to_string(s.result));
  if (dkim_state.empty()) dkim_state = "no DKIM signature";
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
            {"notes", notes.empty() ? "" : " Note: " + notes + "."},
            {"tree_domain", o.tree_domain.empty() ? "no record" : "_dmarc." + o.tree_domain}};
  std::vector<Finding> out;
  std::string id = o.result == "offline" ? "dmarc.not_checked" : "dmarc." + o.result;
  if (o.result == "offline") args.emplace_back("why", "_dmarc." + from_domain + " is outside the loaded zones and was not looked up offline");
  if (o.result == "not_checked")
    args.emplace_back("why", "no DKIM signature passes aligned with " + from_domain + " (" + dkim_state +
                                 "), so the verdict depends on SPF of the envelope sender, which " +
                                 (spf ? "could not be evaluated offline" : "needs --ip and --mail-from"));
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
