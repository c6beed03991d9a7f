// The authentication results of one message, computed on first use and shared by every check that needs
// them (spf, dkim, dmarc, unsubscribe, bulk): DKIM is verified once, SPF of the MAIL FROM identity and DMARC
// evaluated once, whatever the order in which the concurrent checks ask. Thread-safe.
#pragma once
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/dkim.hpp"
#include "auth/dmarc.hpp"
#include "auth/spf.hpp"
#include "model/envelope.hpp"

namespace mailaudit::auth {

class AuthResults {
 public:
  // dkim_future_slack: rules/headers.toml dkim_future_slack_seconds.
  AuthResults(const Message& m, const Envelope& env, dns::Resolver& dns, std::time_t now, long dkim_future_slack)
      : message_(m), envelope_(env), dns_(dns), now_(now), dkim_future_slack_(dkim_future_slack) {}

  const std::vector<DkimSignature>& dkim();
  // SPF of the MAIL FROM identity (RFC 7208 §2.4: postmaster@<HELO> for the null sender); nullptr when the
  // context lacks --ip or --mail-from, or the sender has no domain to check.
  const SpfOutcome* spf();
  // What spf() checked, for people ("MAIL FROM a@b", "the null sender, checked as postmaster@h"), and its domain.
  const std::string& spf_identity();
  const std::string& spf_domain();
  // Why spf() is nullptr although --ip and --mail-from were given ("" otherwise).
  const std::string& spf_problem();
  // The author domain (first valid mailbox of From), "" when there is none.
  const std::string& from_domain() const { return from_domain_; }
  // DMARC of the From domain; nullptr without a From domain.
  const DmarcOutcome* dmarc();

 private:
  void evaluate_spf();

  const Message& message_;
  const Envelope& envelope_;
  dns::Resolver& dns_;
  std::time_t now_;
  long dkim_future_slack_;
  std::string from_domain_ = compute_from_domain();
  std::string compute_from_domain() const;

  std::once_flag dkim_once_, spf_once_, dmarc_once_;
  std::vector<DkimSignature> dkim_;
  std::optional<SpfOutcome> spf_;
  std::string spf_identity_, spf_domain_, spf_problem_;
  std::optional<DmarcOutcome> dmarc_;
};

// RFC 8058 §4: a passing DKIM signature covers List-Unsubscribe and List-Unsubscribe-Post.
bool unsubscribe_signed(const std::vector<DkimSignature>& dkim);

}  // namespace mailaudit::auth
