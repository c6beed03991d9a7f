#include <map>

#include "output/json_out.hpp"
#include "output/probe_writer.hpp"
#include "output/writers.hpp"

namespace mailaudit {

using json = nlohmann::ordered_json;

namespace {

void write_answer(JsonOut& w, const dns::Answer& a) {
  w.begin_object().member("query", a.name).member("type", to_string(a.type)).member("status", to_string(a.status));
  w.key("answers").begin_array();
  for (const auto& rec : a.records) w.value(dns::presentation(rec));
  w.end_array().member("server", a.server);
  w.key("ttl");
  if (a.ttl) w.value(*a.ttl);
  else w.null();
  w.member("time_ms", a.elapsed_ms);
  if (!a.cnames.empty()) w.member("cnames", a.cnames);
  if (!a.note.empty()) w.member("note", a.note);
  // Live lookups: every packet exchange, so a report shows which server said what, and when.
  if (!a.tries.empty()) {
    w.key("tries").begin_array();
    for (const auto& t : a.tries) {
      w.begin_object().member("query", t.query).member("server", t.server).member("transport", t.transport);
      w.member("edns", t.edns).member("at", t.at).member("result", t.result).key("time_ms");
      if (t.rtt_ms) w.value(*t.rtt_ms);
      else w.null();
      if (t.late) w.member("late", true);
      if (!t.note.empty()) w.member("note", t.note);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

void write_finding(JsonOut& w, const Finding& f) {
  w.begin_object().member("id", f.id).member("check", f.check).member("stage", to_string(f.stage));
  w.member("severity", to_string(f.severity)).member("title", f.title).member("detail", f.detail);
  w.key("evidence").begin_array();
  for (const auto& a : f.evidence) write_answer(w, a);
  w.end_array().member("remedy", f.remedy).member("references", f.references);
  // Set by the config, --ignore and --baseline only, so reports without them keep their shape.
  if (f.ignored) w.member("ignored", true);
  if (f.severity_was) w.member("severity_was", to_string(*f.severity_was));
  if (!f.change.empty()) w.member("change", f.change);
  w.end_object();
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

void write_summary(JsonOut& w, const Summary& s) {
  w.begin_object().member("verdict", to_string(s.verdict)).key("first_stage");
  if (s.first_stage) w.value(to_string(*s.first_stage));
  else w.null();
  w.key("counts").begin_object();
  for (Severity sv : all_severities) w.member(to_string(sv), s.counts.at(sv));
  w.end_object().member("incomplete", s.incomplete).member("incomplete_checks", s.incomplete_checks).end_object();
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

}  // namespace

void write_url(JsonOut& w, const urls::Url& u) {
  w.begin_object().member("url", u.url).member("host", u.host).key("domain").string_or_null(u.domain);
  w.member("part", u.part).member("source", u.source).member("flags", u.flags).member("raw", u.raw);
  w.member("link", u.link);
  if (!u.via.empty()) w.member("via", u.via);
  if (!u.anchor_text.empty()) w.member("anchor_text", u.anchor_text);
  w.end_object();
}

void write_report(JsonOut& w, const Report& r, const WriterOptions& o) {
  w.begin_object().member("schema", "mailaudit-report/1");
  w.key("tool").begin_object().member("name", "mailaudit").member("version", o.version).end_object();
  w.member("generated_at", o.generated_at);
  w.key("message").begin_object().member("source", r.message.source).member("index", r.message.index);
  w.member("sha256", r.message.sha256).member("size", r.message.size).member("message_id", r.message.message_id);
  w.member("from", r.message.from).member("subject", r.message.subject).member("is_bounce", r.message.is_bounce);
  w.end_object();
  w.key("context").begin_object().key("ip").string_or_null(r.context.ip).key("helo").string_or_null(r.context.helo);
  w.key("mail_from").string_or_null(r.context.mail_from).member("rcpt", r.context.rcpt).end_object();
  w.key("summary");
  write_summary(w, summarise(r));
  w.key("findings").begin_array();
  for (const auto& f : r.findings) write_finding(w, f);
  w.end_array();
  w.key("urls").begin_array();
  for (const auto& u : r.urls) write_url(w, u);
  w.end_array();
  if (!r.receivers.empty()) w.member("receivers", receivers_json(r.receivers));  // after "urls" (DESIGN.md)
  if (!r.content.empty()) {
    w.key("content").begin_array();
    for (const auto& v : r.content) w.value(content_json(v));
    w.end_array();
  }
  w.key("dns").begin_object().member("mode", r.dns.mode).member("servers", r.dns.servers);
  w.key("queries").begin_array();
  for (const auto& q : r.dns.queries) write_answer(w, q);
  w.end_array().end_object();
  if (r.baseline) w.member("baseline", baseline_json(*r.baseline));
  if (o.config) w.member("config", config_json(*o.config));
  if (r.probe) w.member("probe", probe_check_json(*r.probe));
  if (!r.not_run.empty()) w.member("not_run", r.not_run);
  if (!r.error.empty()) w.member("error", r.error);
  w.end_object();
}

std::string report_json_text(const Report& r, const WriterOptions& o, bool pretty, std::size_t indent) {
  std::string out;
  JsonOut w(out, pretty, indent);
  write_report(w, r, o);
  return out;
}

json report_json(const Report& r, const WriterOptions& o) { return json::parse(report_json_text(r, o, false)); }

json url_json(const urls::Url& u) {
  std::string out;
  JsonOut w(out, false);
  write_url(w, u);
  return json::parse(out);
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
