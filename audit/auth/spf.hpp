// SPF (RFC 7208): check_host() over our DNS layer, for the MAIL FROM identity and the HELO identity. The
// outcome carries the path taken (which record, which mechanism matched, lookups spent) as evidence.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/answer.hpp"
#include "util/names.hpp"
#include "dns/resolver.hpp"

namespace mailaudit::auth {

enum class SpfResult { none, neutral, pass, fail, softfail, temperror, permerror };
std::string_view to_string(SpfResult r);

struct SpfOutcome {
  SpfResult result = SpfResult::none;
  std::string domain;       // the domain whose record decided
  std::string record;       // that record
  std::string mechanism;    // the term that matched ("ip4:192.0.2.0/24", "default neutral", "-all")
  std::string explanation;  // exp= text on fail, macro-expanded
  std::string problem;      // why permerror / temperror / none, for people
  int lookups = 0;          // DNS-querying terms spent (limit 10)
  int void_lookups = 0;     // lookups that found nothing (limit 2)
  std::vector<std::string> path;     // "example.com: v=spf1 include:_spf.example.net -all", "include:... -> pass"
  std::vector<dns::Answer> evidence; // every DNS answer used
};

struct SpfRequest {
  dns::IpAddress ip;
  std::string domain;  // the identity's domain: MAIL FROM domain, or the HELO name
  std::string sender;  // local@domain; "postmaster@<helo>" for the null sender
  std::string helo;
  std::string receiver = "unknown";  // %{r}
};

// check_host() of RFC 7208 §4 with the §4.6.4 limits.
SpfOutcome check_host(dns::Resolver& dns, const SpfRequest& request);

// Macro expansion (RFC 7208 §7); nullopt on a syntax error (permerror). `explanation` allows c, r, t.
struct MacroContext {
  const SpfRequest* request = nullptr;
  std::string domain;           // %{d}: the current domain
  std::string validated_name;   // %{p}, "unknown" when not validated
  bool explanation = false;
  long now = 0;
};
std::optional<std::string> expand_macros(std::string_view spec, const MacroContext& ctx);

}  // namespace mailaudit::auth
