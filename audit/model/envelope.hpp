// The SMTP sending context. Anything not given is absent, and checks that need it say so.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace mailaudit {

struct Envelope {
  std::optional<std::string> ip;         // client address as given
  std::optional<std::string> helo;       // HELO/EHLO argument
  std::optional<std::string> mail_from;  // "" is the null sender <>
  std::vector<std::string> rcpt;
};

}  // namespace mailaudit
