#include "model/stage.hpp"

namespace mailaudit {

std::string_view to_string(Stage s) {
  switch (s) {
    case Stage::connect: return "connect";
    case Stage::helo: return "helo";
    case Stage::mail: return "mail";
    case Stage::rcpt: return "rcpt";
    case Stage::data: return "data";
    case Stage::end_of_data: return "end_of_data";
  }
  return "?";
}

std::string_view stage_label(Stage s) {
  switch (s) {
    case Stage::connect: return "connect";
    case Stage::helo: return "HELO";
    case Stage::mail: return "MAIL FROM";
    case Stage::rcpt: return "RCPT TO";
    case Stage::data: return "DATA";
    case Stage::end_of_data: return "end of DATA";
  }
  return "?";
}

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "info";
    case Severity::pass: return "pass";
  }
  return "?";
}

std::optional<Stage> parse_stage(std::string_view s) {
  for (Stage st : all_stages)
    if (to_string(st) == s) return st;
  return std::nullopt;
}

std::optional<Severity> parse_severity(std::string_view s) {
  for (Severity sv : all_severities)
    if (to_string(sv) == s) return sv;
  return std::nullopt;
}

}  // namespace mailaudit
