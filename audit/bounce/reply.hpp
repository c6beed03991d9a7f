// Reading an SMTP reply out of bounce text: unwrapping, the reply code, the RFC 3463 status, and bounded
// regular-expression search (libstdc++'s regex recurses per character, so text is cut before matching).
#pragma once
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace mailaudit::bounce {

constexpr std::size_t kMaxMatchText = 4096;

// Every run of whitespace (line breaks and the indentation of wrapped lines) as one space, trimmed.
std::string unwrap(std::string_view text);
bool search(const std::regex& re, std::string_view text);
std::optional<std::smatch> search_match(const std::regex& re, const std::string& text);

struct Reply {
  int code = 0;         // 0 when none was found
  std::string status;   // "" when none
  std::size_t at = std::string::npos;  // where the reply starts in the text searched
};
// The receiver's reply in unwrapped text: "550 5.1.1 ...", "said: 554 ...", "<<< 550 ...".
// `cues` (rules/bounces.toml reply_cues) are the words after which a code is quoted, tried in order; the cue
// "^" stands for the start of the text.
Reply find_reply(std::string_view text, const std::vector<std::string>& cues);
// The first failure reply (4xx, 5xx): a transcript's "250 2.0.0 Ok" lines are passed over.
Reply find_failure_reply(std::string_view text, const std::vector<std::string>& cues);
// The first RFC 3463 status ("5.7.1") anywhere in the text, or "".
std::string find_status(std::string_view text);

}  // namespace mailaudit::bounce
