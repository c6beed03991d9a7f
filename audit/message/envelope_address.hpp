// RFC 5321 envelope addresses (MAIL FROM, RCPT TO): "local@domain", angle brackets optional.
#pragma once
#include <string>
#include <string_view>

namespace mailaudit {

struct EnvelopeAddress {
  std::string local, domain;  // domain lower-cased
  std::string problem;        // why it is not a valid RFC 5321 mailbox, "" when it is
};

EnvelopeAddress parse_envelope_address(std::string_view text);

}  // namespace mailaudit
