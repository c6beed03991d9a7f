// The human-readable part of a non-standard bounce: which recipients it names and which words belong to
// each (Postfix "<a@b>: host ... said: ...", Exim's indented address then "SMTP error ...", Sendmail
// "a@b... User unknown", Exchange and Gmail addresses on their own line).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace mailaudit::bounce {

struct TextRecipient {
  std::string address;
  std::string block;  // the text that belongs to it, as written (wrapped)
};

// The text up to where the copy of the original message begins (rules/bounces.toml original_markers).
std::string_view before_original(std::string_view text, const std::vector<std::string>& markers);
// Recipients named in `text`, in order, without the addresses in `exclude` (the bounce's own From/To,
// postmaster, MAILER-DAEMON).
std::vector<TextRecipient> text_recipients(std::string_view text, const std::vector<std::string>& exclude);
// The words about `address`: from the line naming it to the next recipient, bounded; "" if not named.
std::string block_for(std::string_view text, std::string_view address);

}  // namespace mailaudit::bounce
