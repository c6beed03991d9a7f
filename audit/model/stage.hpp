// Stages of an SMTP transaction and finding severities: the axes every report is sorted on.
#pragma once
#include <array>
#include <optional>
#include <string_view>

namespace mailaudit {

// What the receiver has seen when it can act: each stage adds to the previous one.
enum class Stage { connect, helo, mail, rcpt, data, end_of_data };
inline constexpr std::array<Stage, 6> all_stages{Stage::connect, Stage::helo, Stage::mail,
                                                 Stage::rcpt, Stage::data, Stage::end_of_data};

// Ordered worst first so that sorting by the enum value puts errors on top.
enum class Severity { error, warning, info, pass };
inline constexpr std::array<Severity, 4> all_severities{Severity::error, Severity::warning,
                                                        Severity::info, Severity::pass};
// True when `a` is graver than `b` (error over warning over info over pass).
constexpr bool worse(Severity a, Severity b) { return static_cast<int>(a) < static_cast<int>(b); }

std::string_view to_string(Stage s);
std::string_view to_string(Severity s);
// Human label used by the text writer ("MAIL FROM", "end of DATA").
std::string_view stage_label(Stage s);
std::optional<Stage> parse_stage(std::string_view s);
std::optional<Severity> parse_severity(std::string_view s);

}  // namespace mailaudit
