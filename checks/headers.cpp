// Check "headers": the RFC 5322 fields receivers test after end of DATA (Date, Message-ID, fields that may
// occur once, MIME-Version).
#include <ctime>
#include <map>

#include "checks.hpp"
#include "message/rfc5322.hpp"
#include "util/text.hpp"

namespace mailaudit::checks {

namespace {

std::string duration_words(const Context& ctx, long seconds) {
  if (seconds >= 2 * 86400) return ctx.word("headers.days", {{"count", std::to_string(seconds / 86400)}});
  if (seconds >= 2 * 3600) return ctx.word("headers.hours", {{"count", std::to_string(seconds / 3600)}});
  return ctx.word("headers.minutes", {{"count", std::to_string(seconds / 60)}});
}

void check_date(const Context& ctx, std::vector<Finding>& out) {
  const HeaderField* date = ctx.message.field("Date");
  if (!date) {
    out.push_back(ctx.make("headers.date_missing"));
    return;
  }
  auto parsed = rfc5322::parse_date(date->value);
  std::string value = text::printable(date->value, 120);
  if (!parsed.when) {
    out.push_back(ctx.make("headers.date_invalid", {{"value", value}, {"why", parsed.problem}}));
    return;
  }
  long ahead = static_cast<long>(*parsed.when - std::time(nullptr));
  if (ahead > ctx.rules.headers().future_date_slack_seconds)
    out.push_back(ctx.make("headers.date_future", {{"value", value}, {"ahead", duration_words(ctx, ahead)}}));
}

void check_message_id(const Context& ctx, std::vector<Finding>& out) {
  const HeaderField* mid = ctx.message.field("Message-ID");
  if (!mid) {
    out.push_back(ctx.make("headers.message_id_missing"));
    return;
  }
  std::string why = rfc5322::msg_id_problem(mid->raw_value);
  if (!why.empty())
    out.push_back(ctx.make("headers.message_id_invalid", {{"value", text::printable(mid->raw_value, 120)}, {"why", why}}));
}

void check_duplicates(const Context& ctx, std::vector<Finding>& out) {
  for (const auto& name : ctx.rules.headers().singular) {
    auto fields = ctx.message.fields(name);
    if (fields.size() > 1)
      out.push_back(ctx.make("headers.duplicate", {{"field", name}, {"count", std::to_string(fields.size())}}));
  }
}

void check_mime_version(const Context& ctx, std::vector<Finding>& out) {
  if (ctx.message.field("MIME-Version")) return;
  std::string why;
  if (ctx.message.field("Content-Type")) why = ctx.word("headers.content_type");
  else if (ctx.message.field("Content-Transfer-Encoding")) why = ctx.word("headers.transfer_encoding");
  if (!why.empty()) out.push_back(ctx.make("headers.mime_version_missing", {{"why", why}}));
}

}  // namespace

std::vector<Finding> run_headers(const Context& ctx) {
  std::vector<Finding> out;
  check_date(ctx, out);
  check_message_id(ctx, out);
  check_duplicates(ctx, out);
  check_mime_version(ctx, out);
  if (out.empty()) out.push_back(ctx.make("headers.ok"));
  return out;
}

}  // namespace mailaudit::checks
