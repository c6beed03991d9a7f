#include <map>

#include "output/probe_writer.hpp"
#include "output/writers.hpp"

namespace mailaudit {

using json = nlohmann::ordered_json;

namespace {

json answer_json(const dns::Answer& a) {
  json answers = json::array();
  for (const auto& rec : a.records) answers.push_back(dns::presentation(rec));
  json j = {{"query", a.name},
            {"type", std::string(to_string(a.type))},
            {"status", std::string(to_string(a.status))},
            {"answers", answers},
            {"server", a.server},
            {"ttl", a.ttl ? json(*a.ttl) : json(nullptr)},
            {"time_ms", a.elapsed_ms}};
  if (!a.cnames.empty()) j["cnames"] = a.cnames;
  if (!a.note.empty()) j["note"] = a.note;
  // Live lookups: every packet exchange, so a report shows which server said what, and when.
  if (!a.tries.empty()) {
    json tries = json::array();
    for (const auto& t : a.tries) {
      json tj = {{"query", t.query},     {"server", t.server}, {"transport", t.transport}, {"edns", t.edns},
                 {"at", t.at},           {"result", t.result},
                 {"time_ms", t.rtt_ms ? json(*t.rtt_ms) : json(nullptr)}};
      if (t.late) tj["late"] = true;
      if (!t.note.empty()) tj["note"] = t.note;
      tries.push_back(std::move(tj));
    }
    j["tries"] = std::move(tries);
  }
  return j;
}

json finding_json(const Finding& f) {
  json evidence = json::array();
  for (const auto& a : f.evidence) evidence.push_back(answer_json(a));
  json j = {{"id", f.id},
            {"check", f.check},
            {"stage", std::string(to_string(f.stage))},
            {"severity", std::string(to_string(f.severity))},
            {"title", f.title},
            {"detail", f.detail},
            {"evidence", evidence},
            {"remedy", f.remedy},
            {"references", f.references}};
  // Set by the config, --ignore and --baseline only, so reports without them keep their shape.
  if (f.ignored) j["ignored"] = true;
  if (f.severity_was) j["severity_was"] = std::string(to_string(*f.severity_was));
  if (!f.change.empty()) j["change"] = f.change;
  return j;
}

json baseline_json(const BaselineInfo& b) {
  json resolved = json::array(), details = json::array(), dns = json::array();
  for (const auto& f : b.resolved) {
    resolved.push_back(f.id);
    details.push_back({{"id", f.id}, {"stage", std::string(to_string(f.stage))},
                       {"severity", std::string(to_string(f.severity))}, {"title", f.title}});
  }
  for (const auto& d : b.changed_dns) dns.push_back({{"query", d.query}, {"type", d.type}, {"was", d.was}, {"now", d.now}});
  return {{"file", b.file}, {"matched", b.matched}, {"resolved", resolved}, {"resolved_findings", details},
          {"new_domains", b.new_domains}, {"changed_dns", dns}};
}

json config_json(const ConfigUsed& c) {
  json severity = json::object();
  for (const auto& [id, sv] : c.severity) severity[id] = sv;
  return {{"file", c.file.empty() ? json(nullptr) : json(c.file)},
          {"stream", c.stream.empty() ? json(nullptr) : json(c.stream)},
          {"ignore", c.ignore},
          {"severity", severity}};
}

json optional_string(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

json summary_json(const Summary& s) {
  json counts = json::object();
  for (Severity sv : all_severities) counts[std::string(to_string(sv))] = s.counts.at(sv);
  return {{"verdict", std::string(to_string(s.verdict))},
          {"first_stage", s.first_stage ? json(std::string(to_string(*s.first_stage))) : json(nullptr)},
          {"counts", counts},
          {"incomplete", s.incomplete},
          {"incomplete_checks", s.incomplete_checks}};
}

json content_json(const ContentVerdict& v) {
  json j = {{"engine", v.engine}, {"available", v.available}};
  if (!v.available) {
    j["reason"] = v.reason;
    if (!v.reason_detail.empty()) j["reason_detail"] = v.reason_detail;
    return j;
  }
  json symbols = json::array();
  for (const auto& s : v.symbols) {
    json sj = {{"name", s.name}, {"score", s.score}, {"description", s.description}};
    sj["finding"] = s.finding.empty() ? json(nullptr) : json(s.finding);
    symbols.push_back(std::move(sj));
  }
  j["action"] = v.action;
  j["score"] = v.score;
  j["threshold"] = v.threshold;
  j["symbols"] = std::move(symbols);
  j["fix_to_pass"] = v.fix_to_pass;
  j["fix_enough"] = v.fix_enough;
  return j;
}

json urls_array(const std::vector<urls::Url>& us) {
  json a = json::array();
  for (const auto& u : us) a.push_back(url_json(u));
  return a;
}

}  // namespace

json url_json(const urls::Url& u) {
  json j = {{"url", u.url},
            {"host", u.host},
            {"domain", u.domain.empty() ? json(nullptr) : json(u.domain)},
            {"part", u.part},
            {"source", u.source},
            {"flags", u.flags},
            {"raw", u.raw},
            {"link", u.link}};
  if (!u.via.empty()) j["via"] = u.via;
  if (!u.anchor_text.empty()) j["anchor_text"] = u.anchor_text;
  return j;
}

json report_json(const Report& r, const WriterOptions& o) {
  json findings = json::array();
  for (const auto& f : r.findings) findings.push_back(finding_json(f));
  json queries = json::array();
  for (const auto& q : r.dns.queries) queries.push_back(answer_json(q));
  json j = {
      {"schema", "mailaudit-report/1"},
      {"tool", {{"name", "mailaudit"}, {"version", o.version}}},
      {"generated_at", o.generated_at},
      {"message",
       {{"source", r.message.source},
        {"index", r.message.index},
        {"sha256", r.message.sha256},
        {"size", r.message.size},
        {"message_id", r.message.message_id},
        {"from", r.message.from},
        {"subject", r.message.subject},
        {"is_bounce", r.message.is_bounce}}},
      {"context",
       {{"ip", optional_string(r.context.ip)},
        {"helo", optional_string(r.context.helo)},
        {"mail_from", optional_string(r.context.mail_from)},
        {"rcpt", r.context.rcpt}}},
      {"summary", summary_json(summarise(r))},
      {"findings", findings},
      {"urls", urls_array(r.urls)},
  };
  if (!r.content.empty()) {
    json content = json::array();
    for (const auto& v : r.content) content.push_back(content_json(v));
    j["content"] = std::move(content);
  }
  j["dns"] = {{"mode", r.dns.mode}, {"servers", r.dns.servers}, {"queries", queries}};
  if (r.baseline) j["baseline"] = baseline_json(*r.baseline);
  if (o.config) j["config"] = config_json(*o.config);
  if (!r.receivers.empty()) {  // after "urls" (DESIGN.md), only when receivers were selected
    json with;
    for (auto& [k, v] : j.items()) {
      with[k] = v;
      if (k == "urls") with["receivers"] = receivers_json(r.receivers);
    }
    j = std::move(with);
  }
  if (r.probe) j["probe"] = probe_check_json(*r.probe);
  if (!r.not_run.empty()) j["not_run"] = r.not_run;
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

json batch_json(const BatchSummary* b, const WriterOptions& o, json reports) {
  json j = {{"schema", "mailaudit-batch/1"},
            {"tool", {{"name", "mailaudit"}, {"version", o.version}}},
            {"generated_at", o.generated_at},
            {"reports", std::move(reports)}};
  if (!b) return j;
  json findings = json::array();
  for (const auto& [id, c] : b->by_id)
    findings.push_back({{"id", id}, {"stage", std::string(to_string(c.stage))}, {"messages", c.messages}});
  j["summary"] = {{"messages", b->messages},
                  {"unreadable", b->unreadable},
                  {"verdicts", {{"pass", b->verdicts.at(Verdict::pass)}, {"warn", b->verdicts.at(Verdict::warn)},
                                {"fail", b->verdicts.at(Verdict::fail)}}},
                  {"findings", findings}};
  return j;
}

std::string dump_json(const json& j, bool pretty) {
  return j.dump(pretty ? 2 : -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace mailaudit
