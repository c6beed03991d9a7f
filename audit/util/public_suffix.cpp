#include "util/public_suffix.hpp"

#include <libpsl.h>

#include <fstream>
#include <set>
#include <string>

#include "util/names.hpp"

namespace mailaudit::dns {

namespace {
// The newest of the built-in list and Debian's publicsuffix file.
const psl_ctx_t* psl() {
  static const psl_ctx_t* ctx = psl_latest(nullptr);
  return ctx;
}
}  // namespace

std::string registered_domain(std::string_view host) {
  std::string h = normalise_name(host);
  if (h.empty() || parse_ip(h)) return "";
  const psl_ctx_t* psl = dns::psl();
  const char* rd = psl ? psl_registrable_domain(psl, h.c_str()) : nullptr;
  return rd ? std::string(rd) : std::string();
}

namespace {
// The last label of every rule of Debian's public suffix list: some TLDs ("za", "er") have rules only below
// them, so asking libpsl whether the TLD itself is a suffix would miss them.
const std::set<std::string>& tlds_in_list() {
  static const std::set<std::string> tlds = [] {
    std::set<std::string> out;
    std::ifstream in("/usr/share/publicsuffix/public_suffix_list.dat");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line.starts_with("//")) continue;
      std::string rule = line.substr(0, line.find_first_of(" \t\r"));
      auto dot = rule.rfind('.');
      std::string last = dot == std::string::npos ? rule : rule.substr(dot + 1);
      if (last.empty() || last == "*") continue;
      if (auto a = to_a_label(last)) out.insert(*a);
    }
    return out;
  }();
  return tlds;
}
}  // namespace

bool has_known_tld(std::string_view host) {
  std::string h = normalise_name(host);
  auto dot = h.rfind('.');
  std::string tld = dot == std::string::npos ? h : h.substr(dot + 1);
  if (tld.empty()) return false;
  if (tlds_in_list().count(tld)) return true;
  return psl() && psl_is_public_suffix2(psl(), tld.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

}  // namespace mailaudit::dns
