#include "auth/auth_results.hpp"

#include <algorithm>

#include "message/rfc5322.hpp"

namespace mailaudit::auth {

std::string AuthResults::compute_from_domain() const { return rfc5322::author_domain(message_); }

const std::vector<DkimSignature>& AuthResults::dkim() {
  std::call_once(dkim_once_, [&] { dkim_ = verify_dkim(message_, dns_, now_, dkim_future_slack_); });
  return dkim_;
}

void AuthResults::evaluate_spf() {
  if (!envelope_.ip || !envelope_.mail_from) return;
  auto ip = dns::parse_ip(*envelope_.ip);
  if (!ip) return;
  SpfRequest req;
  req.ip = *ip;
  req.helo = envelope_.helo.value_or("");
  const std::string& from = *envelope_.mail_from;
  if (from.empty()) {
    if (req.helo.empty()) {
      spf_problem_ = "the null sender is checked as postmaster@<HELO name>, and no --helo was given";
      return;
    }
    req.domain = req.helo;
    req.sender = "postmaster@" + req.helo;
    spf_identity_ = "the null sender, checked as postmaster@" + req.helo;
  } else {
    // Every MAIL FROM a receiver might be handed gets SPF, valid RFC 5321 or not (RFC 7208 §4.3): a
    // malformed domain (empty or over-long label, a domain literal) is check_host()'s "none", an empty
    // local part is "postmaster"; the sender check reports the syntax on its own.
    std::string_view addr = from;
    if (addr.size() >= 2 && addr.front() == '<' && addr.back() == '>') addr = addr.substr(1, addr.size() - 2);
    std::size_t at = addr.rfind('@');
    req.domain = std::string(at == std::string_view::npos ? addr : addr.substr(at + 1));
    req.sender = at == std::string_view::npos ? "postmaster@" + req.domain
                 : at == 0                    ? "postmaster" + std::string(addr)
                                              : std::string(addr);
    spf_identity_ = "MAIL FROM " + from;
  }
  spf_domain_ = req.domain;
  spf_ = check_host(dns_, req);
}

const SpfOutcome* AuthResults::spf() {
  std::call_once(spf_once_, [&] { evaluate_spf(); });
  return spf_ ? &*spf_ : nullptr;
}
const std::string& AuthResults::spf_identity() {
  spf();
  return spf_identity_;
}
const std::string& AuthResults::spf_domain() {
  spf();
  return spf_domain_;
}
const std::string& AuthResults::spf_problem() {
  spf();
  return spf_problem_;
}

const DmarcOutcome* AuthResults::dmarc() {
  std::call_once(dmarc_once_, [&] {
    if (!from_domain_.empty()) dmarc_ = evaluate_dmarc(dns_, from_domain_, spf(), spf_domain(), dkim());
  });
  return dmarc_ ? &*dmarc_ : nullptr;
}

bool unsubscribe_signed(const std::vector<DkimSignature>& dkim) {
  return std::any_of(dkim.begin(), dkim.end(), [](const DkimSignature& s) {
    auto has = [&](const char* h) { return std::find(s.signed_headers.begin(), s.signed_headers.end(), h) != s.signed_headers.end(); };
    return s.result == DkimResult::pass && has("list-unsubscribe") && has("list-unsubscribe-post");
  });
}

}  // namespace mailaudit::auth
