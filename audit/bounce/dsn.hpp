// The machine-readable part of an RFC 3464 DSN (message/delivery-status, or message/global-delivery-status
// of RFC 6533): a per-message group of fields, then one group per recipient.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace mailaudit::bounce {

struct DsnFields {
  std::vector<std::pair<std::string, std::string>> fields;  // name lower-cased, value unfolded
  // The value of `name`, with an RFC 3464 type prefix ("rfc822;", "dns;", "smtp;") removed; "" if absent.
  std::string get(std::string_view name) const;
};

struct Dsn {
  DsnFields message;
  std::vector<DsnFields> recipients;
};

Dsn parse_dsn(std::string_view body);

}  // namespace mailaudit::bounce
