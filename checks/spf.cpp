// Checks "spf" and "spf_helo": SPF (RFC 7208) for the MAIL FROM identity (the HELO identity when the envelope
// sender is null) and for the HELO identity, evaluated with audit/auth; the evidence is the path taken.
#include <algorithm>

#include "auth/spf.hpp"
#include "checks.hpp"

namespace mailaudit::checks {

namespace {

constexpr int kNearLimit = 8;

std::string path_text(const auth::SpfOutcome& o) {
  std::string s;
  for (const auto& p : o.path) s += (s.empty() ? "" : "; ") + p;
  return s;
}

std::vector<Finding> report(const Context& ctx, const std::string& prefix, const std::string& identity,
                            const std::string& ip, const auth::SpfOutcome& o) {
  std::string result(auth::to_string(o.result));
  Args args{{"identity", identity},
            {"domain", o.domain},
            {"ip", ip},
            {"record", o.record.empty() ? ctx.word("spf.no_record") : o.record},
            {"mechanism", o.mechanism},
            {"lookups", std::to_string(o.lookups)},
            {"problem", o.problem},
            {"path", path_text(o)},
            {"explanation", o.explanation.empty() ? "" : ctx.word("spf.explanation", {{"text", o.explanation}})}};
  std::vector<Finding> out;
  bool offline = o.result == auth::SpfResult::temperror &&
                 std::any_of(o.evidence.begin(), o.evidence.end(), [](const dns::Answer& a) { return a.status == dns::Status::OFFLINE; });
  Finding f = ctx.make(prefix + "." + (offline ? std::string("not_checked") : result), args);
  f.evidence = o.evidence;
  out.push_back(std::move(f));
  if (o.lookups >= kNearLimit && o.result != auth::SpfResult::permerror)
    out.push_back(ctx.make(prefix + ".lookups_near_limit", args));
  return out;
}

}  // namespace

std::vector<Finding> run_spf(const Context& ctx) {
  // Evaluated once per message (audit/auth/auth_results): dmarc and bulk read the same outcome.
  const auth::SpfOutcome* o = ctx.auth.spf();
  if (!o) {
    if (ctx.auth.spf_problem().empty()) return {};
    return {ctx.make("spf.none", {{"identity", ctx.word("spf.null_sender")}, {"domain", "-"}, {"ip", *ctx.envelope.ip},
                                  {"record", ctx.word("spf.no_record")}, {"mechanism", ""}, {"lookups", "0"},
                                  {"problem", ctx.auth.spf_problem()}, {"path", ""}, {"explanation", ""}})};
  }
  return report(ctx, "spf", ctx.auth.spf_identity(), *ctx.envelope.ip, *o);
}

std::vector<Finding> run_spf_helo(const Context& ctx) {
  auto ip = dns::parse_ip(*ctx.envelope.ip);
  const std::string& helo = *ctx.envelope.helo;
  if (!ip || helo.empty() || helo.front() == '[' || dns::parse_ip(helo)) return {};
  auth::SpfRequest req;
  req.ip = *ip;
  req.helo = helo;
  req.domain = helo;
  req.sender = "postmaster@" + helo;
  return report(ctx, "spf_helo", ctx.word("spf.helo_identity", {{"helo", helo}}), req.ip.to_string(), auth::check_host(ctx.dns, req));
}

}  // namespace mailaudit::checks
