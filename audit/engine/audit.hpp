// One message through the whole pipeline: parse, run the checks, build the report.
#pragma once
#include <vector>

#include "engine/check.hpp"
#include "engine/content_filters.hpp"
#include "message/input.hpp"
#include "model/report.hpp"

namespace mailaudit {

struct AuditSettings {
  const rules::Rules& rules;
  dns::Resolver& dns;
  const std::vector<Check>& checks;
  ParseLimits limits;
  CheckOptions options = {};
  ContentEngines content = {};  // --rspamd / --spamd: asked after the checks, when set
  bool digest = true;           // the message's SHA-256 (Report::message.sha256): off when no output shows it
};

// A RawMessage with an error gives a Report with only `error` set (and its source).
Report audit_message(RawMessage raw, const Envelope& env, const AuditSettings& settings);

std::string sha256_hex(std::string_view bytes);

}  // namespace mailaudit
