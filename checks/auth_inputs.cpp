#include "auth_inputs.hpp"

#include <algorithm>
#include <ctime>

#include "message/envelope_address.hpp"
#include "message/rfc5322.hpp"

namespace mailaudit::checks {

AuthInputs auth_inputs(const Context& ctx, bool with_spf) {
  AuthInputs in;
  in.from_domain = rfc5322::author_domain(ctx.message);
  in.dkim = auth::verify_dkim(ctx.message, ctx.dns, std::time(nullptr));
  if (!with_spf || !ctx.envelope.ip || !ctx.envelope.mail_from) return in;
  auto ip = dns::parse_ip(*ctx.envelope.ip);
  if (!ip) return in;
  auth::SpfRequest req;
  req.ip = *ip;
  req.helo = ctx.envelope.helo.value_or("");
  if (ctx.envelope.mail_from->empty()) {
    if (req.helo.empty()) return in;
    req.domain = req.helo;
    req.sender = "postmaster@" + req.helo;
  } else {
    EnvelopeAddress a = parse_envelope_address(*ctx.envelope.mail_from);
    if (!a.problem.empty() || a.domain.empty()) return in;
    req.domain = a.domain;
    req.sender = *ctx.envelope.mail_from;
  }
  in.spf_domain = req.domain;
  in.spf = auth::check_host(ctx.dns, req);
  return in;
}

bool unsubscribe_signed(const std::vector<auth::DkimSignature>& dkim) {
  return std::any_of(dkim.begin(), dkim.end(), [](const auth::DkimSignature& s) {
    auto has = [&](const char* h) { return std::find(s.signed_headers.begin(), s.signed_headers.end(), h) != s.signed_headers.end(); };
    return s.result == auth::DkimResult::pass && has("list-unsubscribe") && has("list-unsubscribe-post");
  });
}

}  // namespace mailaudit::checks
