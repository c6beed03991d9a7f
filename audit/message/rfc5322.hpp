// RFC 5322 syntax helpers for header checks: dates, msg-ids, mailboxes.
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailaudit {
struct Message;
}

namespace mailaudit::rfc5322 {

struct DateResult {
  std::optional<std::time_t> when;  // set when the value is a valid date-time (obsolete forms accepted)
  std::string problem;              // why not, for people
};
// RFC 5322 §3.3 date-time, with the §4.3 obsolete forms (2-digit years, named zones) accepted.
DateResult parse_date(std::string_view value);

// Why the value is not one RFC 5322 msg-id, or "" when it is.
std::string msg_id_problem(std::string_view value);

struct Mailbox {
  std::string display_name;  // decoded
  std::string address;       // local@domain as written
  std::string local, domain; // split at the last '@'; empty when absent
};
struct AddressList {
  std::vector<Mailbox> mailboxes;  // groups flattened
  bool had_group = false;
};
// Parse an address-list header value (raw, RFC 2047 words allowed).
AddressList parse_addresses(std::string_view raw_value);
// The domain of the first valid mailbox of the first From field, lower case; "" when there is none or it is
// an address literal (the DNS checks have nothing to ask then; the "from" check says what is wrong).
std::string author_domain(const Message& m);
// Why `m` is not a usable mailbox (no '@', empty local part, domain not a host name), or "".
std::string mailbox_problem(const Mailbox& m);

}  // namespace mailaudit::rfc5322
