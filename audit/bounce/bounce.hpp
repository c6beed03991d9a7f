// A bounce, diagnosed: per failed recipient the status, the reply, and the SMTP stage at which the receiver
// answered, kept apart from the stage the cause belongs to (Postfix delays client, HELO and sender
// rejections to RCPT TO).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "message/message.hpp"
#include "model/bounce.hpp"
#include "rules/rules.hpp"

namespace mailaudit::bounce {

// Diagnose a parsed message (a DSN, a non-standard NDR, a feedback report or an auto-reply).
Bounce diagnose(const Message& m, const rules::Rules& rules);
// Diagnose pasted text that is not a message: a reply line from a log, or the diagnostic part of an NDR.
Bounce diagnose_text(std::string_view text, const std::string& source, const rules::Rules& rules);

// The lead sentence: "Rejected after end of DATA by AOL: the receiver saw the content; look at ...".
std::string lead_sentence(const Bounce& b, const rules::Rules& rules);

}  // namespace mailaudit::bounce
