// Small string helpers shared by the core and the checks (no mail knowledge here).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace mailaudit::text {

std::string lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
// Replace every invalid UTF-8 sequence with U+FFFD so the result is safe for JSON and terminals.
std::string valid_utf8(std::string_view s);
bool is_valid_utf8(std::string_view s);
// ISO-8859-1 to UTF-8 (the last-resort reading of undeclared 8-bit text).
std::string latin1_to_utf8(std::string_view s);
// Make untrusted text printable on one line: control characters become '?', length is bounded.
std::string printable(std::string_view s, std::size_t max_len = 200);
// `s` made printable (at most `max` bytes) and escaped for HTML text and attribute values.
std::string html_escape(std::string_view s, std::size_t max = 2000);
// `s` made printable (at most `max` bytes) for a Markdown table cell: Markdown's active characters escaped,
// "–" for an empty value.
std::string markdown_cell(std::string_view s, std::size_t max);
// Replace {name} placeholders from the pairs given; unknown placeholders are kept.
std::string fill(std::string_view templ, const std::vector<std::pair<std::string, std::string>>& args);

}  // namespace mailaudit::text
