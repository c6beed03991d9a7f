// `mailaudit bounce` output: the diagnosis of one bounce, JSON (mailaudit-bounce/1) or text.
#include "output/bounce_writer.hpp"

#include "util/text.hpp"

namespace mailaudit {

using json = nlohmann::ordered_json;

namespace {

json stage_json(const std::optional<Stage>& s) { return s ? json(std::string(to_string(*s))) : json(nullptr); }

}  // namespace

json bounce_json(const bounce::Bounce& b) {
  json recipients = json::array();
  for (const auto& r : b.recipients) {
    json sig = nullptr;
    if (r.signature) sig = {{"id", r.signature->id}, {"meaning", r.signature->meaning}, {"look_at", r.signature->look_at}};
    recipients.push_back({{"address", r.address},
                          {"action", r.action},
                          {"status", r.status.empty() ? json(nullptr) : json(r.status)},
                          {"status_inferred", r.status_inferred},
                          {"reply_code", r.reply_code ? json(r.reply_code) : json(nullptr)},
                          {"stage", stage_json(r.stage)},
                          {"cause_stage", stage_json(r.cause_stage)},
                          {"remote_mta", r.remote_mta},
                          {"diagnostic", r.diagnostic},
                          {"temporary", r.temporary},
                          {"provider", r.provider.empty() ? json(nullptr) : json(r.provider)},
                          {"signature", sig}});
  }
  return {{"schema", "mailaudit-bounce/1"},
          {"source", b.source},
          {"is_bounce", b.is_bounce},
          {"kind", b.kind},
          {"format", b.format},
          {"summary", b.summary},
          {"reporting_mta", b.reporting_mta},
          {"recipients", recipients},
          {"original", {{"present", b.original_present}, {"message_id", b.original_message_id}}}};
}

std::string bounce_text(const bounce::Bounce& b) {
  std::string out = b.source + ": " + b.summary + "\n";
  out += "  " + b.kind + " (" + b.format + ")";
  if (!b.reporting_mta.empty()) out += ", reported by " + b.reporting_mta;
  out += "\n";
  for (const auto& r : b.recipients) {
    out += "  " + (r.address.empty() ? std::string("(recipient not named)") : r.address) + ": " + r.action;
    if (!r.status.empty()) out += ", status " + r.status + (r.status_inferred ? " (inferred from the words)" : "");
    if (r.reply_code) out += ", reply " + std::to_string(r.reply_code);
    out += r.temporary ? ", temporary" : ", permanent";
    out += "\n";
    out += "      stage: " + (r.stage ? std::string(to_string(*r.stage)) : std::string("not stated"));
    if (r.cause_stage && r.cause_stage != r.stage) out += ", cause at " + std::string(to_string(*r.cause_stage));
    out += "\n";
    if (!r.remote_mta.empty()) out += "      remote MTA: " + r.remote_mta + "\n";
    if (!r.diagnostic.empty()) out += "      said: " + text::printable(r.diagnostic, 400) + "\n";
    if (r.signature) {
      out += "      known reply " + r.signature->id + ": " + r.signature->meaning + "\n      look at:";
      for (const auto& id : r.signature->look_at) out += " " + id;
      out += "\n";
    }
  }
  if (b.original_present)
    out += "  original message attached" + (b.original_message_id.empty() ? std::string() : ": " + b.original_message_id) + "\n";
  return out;
}

void order_by_stage(Report& r, Stage first) {
  std::stable_partition(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.stage == first; });
}

}  // namespace mailaudit
