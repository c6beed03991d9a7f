#include "dns/public_suffix.hpp"

#include <libpsl.h>

#include "dns/names.hpp"

namespace mailaudit::dns {

std::string registered_domain(std::string_view host) {
  std::string h = normalise_name(host);
  if (h.empty() || parse_ip(h)) return "";
  // The newest of the built-in list and Debian's publicsuffix file.
  static const psl_ctx_t* psl = psl_latest(nullptr);
  const char* rd = psl ? psl_registrable_domain(psl, h.c_str()) : nullptr;
  return rd ? std::string(rd) : std::string();
}

}  // namespace mailaudit::dns
