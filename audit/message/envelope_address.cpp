#include "message/envelope_address.hpp"

#include <algorithm>
#include <cctype>

#include "util/names.hpp"
#include "util/text.hpp"

namespace mailaudit {

namespace {
bool is_atext(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}
}  // namespace

EnvelopeAddress parse_envelope_address(std::string_view text_in) {
  EnvelopeAddress a;
  std::string_view t = text::trim(text_in);
  if (t.size() >= 2 && t.front() == '<' && t.back() == '>') t = t.substr(1, t.size() - 2);
  std::size_t at = t.rfind('@');
  if (at == std::string_view::npos) {
    a.problem = "no '@domain'";
    return a;
  }
  a.local = std::string(t.substr(0, at));
  a.domain = dns::normalise_name(t.substr(at + 1));
  a.long_local = a.local.size() > 64;
  if (a.local.empty()) a.problem = "empty local part";
  else if (!(a.local.front() == '"' && a.local.back() == '"' && a.local.size() >= 2)) {
    // Dot-string: atoms separated by single dots.
    bool ok = a.local.front() != '.' && a.local.back() != '.' && a.local.find("..") == std::string::npos &&
              std::all_of(a.local.begin(), a.local.end(), [](char c) { return c == '.' || is_atext(c); });
    if (!ok) a.problem = "the local part \"" + text::printable(a.local, 40) + "\" needs quoting";
  }
  if (!a.problem.empty()) return a;
  if (a.domain.empty()) a.problem = "empty domain";
  else if (a.domain.front() == '[') a.problem = "";  // address literal
  else if (!dns::is_hostname(dns::to_a_label(a.domain).value_or("")))
    a.problem = "\"" + text::printable(a.domain, 60) + "\" is not a valid domain name";
  else if (a.domain.find('.') == std::string::npos)
    a.problem = "\"" + a.domain + "\" is not fully qualified";
  return a;
}

}  // namespace mailaudit
