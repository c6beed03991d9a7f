// What the authentication checks (dkim, dmarc, unsubscribe, bulk) share: the From domain, DKIM results and,
// when the context allows, SPF of the MAIL FROM identity. Each check computes them again (DNS answers come
// from the run's cache), so checks stay independent.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "auth/dkim.hpp"
#include "auth/spf.hpp"
#include "check.hpp"

namespace mailaudit::checks {

struct AuthInputs {
  std::string from_domain;
  std::vector<auth::DkimSignature> dkim;
  std::optional<auth::SpfOutcome> spf;  // set when --ip and --mail-from are given
  std::string spf_domain;               // the MAIL FROM domain (the HELO name for the null sender)
};

AuthInputs auth_inputs(const Context& ctx, bool with_spf);

// RFC 8058 §4: a passing DKIM signature covers List-Unsubscribe and List-Unsubscribe-Post.
bool unsubscribe_signed(const std::vector<auth::DkimSignature>& dkim);

}  // namespace mailaudit::checks
