// The human-readable part of a non-standard bounce: which recipients it names and which words belong to
// each (Postfix "<a@b>: host ... said: ...", Exim's indented address then "SMTP error ...", Sendmail
// "a@b... User unknown", Exchange and Gmail addresses on their own line).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "rules/bounce_rules.hpp"
#include "rules/rules.hpp"

namespace mailaudit::bounce {

struct TextRecipient {
  std::string address;
  std::string block;  // the text that belongs to it, as written (wrapped)
};

// The text up to where the copy of the original message begins (rules/bounces.toml original_markers).
std::string_view before_original(std::string_view text, const std::vector<std::string>& markers);
// Recipients named in `text`, in order, without the addresses in `exclude` (the bounce's own From/To,
// postmaster, MAILER-DAEMON).
// The forms that name a recipient are rules/bounces.toml [[recipient_form]].
std::vector<TextRecipient> text_recipients(std::string_view text, const std::vector<std::string>& exclude,
                                           const std::vector<rules::RecipientForm>& forms);
// True when the first non-blank line of `text` names a recipient (a pasted "<a@b>: host ... said:" block,
// which a message parser would take for a header field).
bool starts_with_recipient(std::string_view text, const std::vector<rules::RecipientForm>& forms);
// The words about `address`: from the line naming it to the next recipient, bounded; "" if not named.
std::string block_for(std::string_view text, std::string_view address, const std::vector<rules::RecipientForm>& forms);

}  // namespace mailaudit::bounce
