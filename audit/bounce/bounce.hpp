// A bounce, diagnosed: per failed recipient the status, the reply, and the SMTP stage at which the receiver
// answered, kept apart from the stage the cause belongs to (Postfix delays client, HELO and sender
// rejections to RCPT TO).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "message/message.hpp"
#include "model/bounce.hpp"
#include "rules/bounce_rules.hpp"
#include "rules/rules.hpp"

namespace mailaudit::bounce {

// Diagnose a parsed message (a DSN, a non-standard NDR, a feedback report or an auto-reply).
Bounce diagnose(const Message& m, const rules::Rules& rules);
// Diagnose pasted text that is not a message: a reply line from a log, or the diagnostic part of an NDR.
Bounce diagnose_text(std::string_view text, const std::string& source, const rules::Rules& rules);

// True when `bytes` is a message (header fields first), not pasted text: a pasted "<a@b>: host ... said:"
// block has a first line a message parser would take for a header field.
bool reads_as_message(std::string_view bytes, const rules::Rules& rules);
// A file's bytes, whichever it is: diagnose() on a message, diagnose_text() on pasted text.
Bounce diagnose_input(std::string bytes, const std::string& source, const rules::Rules& rules, const ParseLimits& limits = {});

// Count one diagnosed bounce into a folder summary.
void tally(Summary& s, const Bounce& b);
// The reply with what varies between bounces of one kind replaced (addresses, IPs, numbers, ids), bounded.
std::string normalised_reply(std::string_view diagnostic);

// The lead sentence: "Rejected after end of DATA by AOL: the receiver saw the content; look at ...".
std::string lead_sentence(const Bounce& b, const rules::Rules& rules);

}  // namespace mailaudit::bounce
