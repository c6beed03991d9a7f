#include "util/public_suffix.hpp"

#include <libpsl.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

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
  // A message names the same few hosts many times (a newsletter: 150 links over a dozen hosts); the
  // answers of this thread's last lookups are kept, a bounded number.
  constexpr std::size_t kRemembered = 1024;
  thread_local std::unordered_map<std::string, std::string> remembered;
  if (auto it = remembered.find(std::string(host)); it != remembered.end()) return it->second;
  std::string h = normalise_name(host);
  std::string domain;
  if (!h.empty() && !parse_ip(h)) {
    const psl_ctx_t* psl = dns::psl();
    const char* rd = psl ? psl_registrable_domain(psl, h.c_str()) : nullptr;
    if (rd) domain = rd;
  }
  if (host.size() > 255) return domain;  // no host name is that long: not worth keeping
  if (remembered.size() >= kRemembered) remembered.clear();
  remembered.emplace(host, domain);
  return domain;
}

namespace {
// The last label of every rule of Debian's public suffix list: some TLDs ("za", "er") have rules only below
// them, so asking libpsl whether the TLD itself is a suffix would miss them.
// Read once, on first use: the file whole (one read), the distinct last labels (about 1,500 of some 9,000
// rules). The non-ASCII ones are made A-labels only when a host's TLD is one ("xn--..."): IDNA was most
// of the cost of reading the list, and most runs never ask.
struct TldSets {
  std::unordered_set<std::string> ascii;
  std::vector<std::string> non_ascii;  // as written in the list
};

const TldSets& tlds_in_list() {
  static const TldSets tlds = [] {
    TldSets sets;
    std::string all;
    if (std::FILE* f = std::fopen("/usr/share/publicsuffix/public_suffix_list.dat", "rb")) {
      char buf[1 << 16];
      for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) all.append(buf, n);
      std::fclose(f);
    }
    std::unordered_set<std::string_view> last_labels;
    for (std::size_t at = 0; at < all.size();) {
      std::size_t end = all.find('\n', at);
      if (end == std::string::npos) end = all.size();
      std::string_view line(all.data() + at, end - at);
      at = end + 1;
      if (line.empty() || line.starts_with("//")) continue;
      std::string_view rule = line.substr(0, line.find_first_of(" \t\r"));
      auto dot = rule.rfind('.');
      std::string_view last = dot == std::string_view::npos ? rule : rule.substr(dot + 1);
      if (!last.empty() && last != "*") last_labels.insert(last);
    }
    for (std::string_view last : last_labels) {
      bool ascii = std::all_of(last.begin(), last.end(), [](unsigned char c) { return c < 0x80; });
      if (ascii) sets.ascii.insert(normalise_name(last));
      else sets.non_ascii.emplace_back(last);
    }
    return sets;
  }();
  return tlds;
}

const std::unordered_set<std::string>& idn_tlds_in_list() {
  static const std::unordered_set<std::string> tlds = [] {
    std::unordered_set<std::string> out;
    for (const auto& last : tlds_in_list().non_ascii)
      if (auto a = to_a_label(last)) out.insert(*a);
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
  if (tlds_in_list().ascii.count(tld)) return true;
  if (tld.starts_with("xn--") && idn_tlds_in_list().count(tld)) return true;
  return psl() && psl_is_public_suffix2(psl(), tld.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

}  // namespace mailaudit::dns
