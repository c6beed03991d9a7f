// RFC 5321 envelope addresses (MAIL FROM, RCPT TO): "local@domain", angle brackets optional.
#pragma once
#include <string>
#include <string_view>

namespace mailaudit {

struct EnvelopeAddress {
  std::string local, domain;  // domain lower-cased
  std::string problem;        // why it is not a valid RFC 5321 mailbox, "" when it is
  // Over RFC 5321's 64 octets (§4.5.3.1.1): not a problem, since receivers accept long VERP local parts
  // in practice, but worth a warning.
  bool long_local = false;
};

EnvelopeAddress parse_envelope_address(std::string_view text);

}  // namespace mailaudit
