// `mailaudit check MESSAGE...`: audit messages and print reports.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>

#include "check_probe.hpp"
#include "engine/audit.hpp"
#include "engine/batch.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "dns/dns_stack.hpp"
#include "util/names.hpp"
#include "util/text.hpp"
#include "output.hpp"
#include "setup.hpp"
#include "registry.hpp"
#include "output/streams.hpp"
#include "output/writers.hpp"
#include "receivers/predict.hpp"
#include "smtp/compare.hpp"
#include "rules/bounce_rules.hpp"
#include "rules/rules.hpp"

namespace mailaudit::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> messages;
  std::string ip, helo, mail_from;
  std::vector<std::string> rcpt;
  std::string format = "text";
  std::string output;
  std::vector<std::string> resolvers, zones;
  bool offline = false;
  int timeout_ms = 2000;
  int tries = 2;
  std::string rules_dir;
  std::vector<std::string> blocklist_keys;
  std::string fail_on = "error";
  bool follow_links = false, allow_private_links = false;
  std::string user_agent;
  int link_timeout_ms = 5000;
  std::string rspamd_url, rspamd_password, spamd;
  int content_timeout_ms = 30000;
  std::size_t jobs = default_jobs();
  ParseLimits limits;
  ContextOptions context;  // --config, --stream, --ignore, --baseline (context.hpp)
  std::vector<std::string> receivers;  // --receiver ID|all|auto; none given: auto
  CheckProbeOptions probe;             // --probe, --probe-server, --probe-timeout, --probe-tls-ca
};

bool fails(const Report& r, const std::string& fail_on) {
  if (!r.error.empty()) return true;
  if (fail_on == "never") return false;
  for (const auto& v : r.receivers)  // a reject (or defer) at a selected receiver is an error
    if (v.outcome == Outcome::reject || v.outcome == Outcome::defer) return true;
  if (r.probe && r.probe->result && r.probe->result->rejected) return true;  // the receiver itself refused
  Severity threshold = fail_on.ends_with("warning") ? Severity::warning : Severity::error;
  const bool only_new = fail_on.starts_with("new-");  // --baseline: what the previous report did not have
  for (const auto& f : r.findings)
    if (!f.ignored && f.severity <= threshold && (!only_new || f.change == "new")) return true;
  return false;
}

int run(const CheckOptions& o, CLI::App& cmd) {
  // mailaudit.toml first: it may set any option the command line left out, --rules among them.
  ContextState context;
  if (int rc = prepare_config(o.context, o.messages, cmd, context)) return rc;
  std::unique_ptr<rules::Rules> rules;
  try {
    rules = std::make_unique<rules::Rules>(load_rules(o.rules_dir));
  } catch (const rules::RulesError& e) {
    std::cerr << "mailaudit: rules: " << e.what() << "\n";
    return 2;
  }
  if (int rc = prepare_findings(o.context, o.fail_on, *rules, context)) return rc;

  std::vector<receivers::Profile> profiles;
  std::vector<std::string> receiver_specs = o.receivers.empty() ? std::vector<std::string>{"auto"} : o.receivers;
  // "auto" picks profiles by the --rcpt domains: a run without recipients, named profiles, a probe or a
  // --rules folder (whose receiver files are checked at start) chooses none, and need not read them.
  const bool profiles_needed = !o.receivers.empty() || !o.rcpt.empty() || o.probe.enabled || !o.rules_dir.empty();
  try {
    if (profiles_needed) profiles = receivers::load_profiles(o.rules_dir);
    receivers::select_profiles(receiver_specs, profiles, Report{});  // unknown ids fail here, before any work
  } catch (const receivers::ProfileError& e) {
    std::cerr << "mailaudit: " << e.what() << "\n";
    return 2;
  }

  Envelope env;
  if (cmd.count("--ip")) {
    if (!dns::parse_ip(o.ip)) {
      std::cerr << "mailaudit: --ip: \"" << o.ip << "\" is not an IPv4 or IPv6 address\n";
      return 2;
    }
    env.ip = o.ip;
  }
  if (cmd.count("--helo")) env.helo = o.helo;
  if (cmd.count("--mail-from")) env.mail_from = (o.mail_from == "<>") ? "" : o.mail_from;
  env.rcpt = o.rcpt;

  std::unique_ptr<Output> out;
  try {
    out = std::make_unique<Output>(o.output);
  } catch (const std::exception& e) {
    std::cerr << "mailaudit: " << e.what() << "\n";
    return 2;
  }

  std::unique_ptr<dns::DnsStack> dns;
  try {
    dns::DnsSettings ds;
    ds.resolvers = o.resolvers;
    ds.zones = o.zones;
    ds.offline = o.offline;
    ds.timeout_ms = o.timeout_ms;
    ds.tries = o.tries;
    dns = std::make_unique<dns::DnsStack>(ds);
  } catch (const std::exception& e) {
    std::cerr << "mailaudit: " << e.what() << "\n";
    return 2;
  }
  AuditSettings settings{*rules, dns->resolver(), checks::registry(), o.limits, {}};
  // Text and JUnit never show the message's digest; hashing every byte of a campaign is not free.
  settings.digest = o.format != "text" && o.format != "junit";
  settings.options.follow_links = o.follow_links;
  settings.options.allow_private_links = o.allow_private_links;
  settings.options.user_agent = o.user_agent;
  settings.options.link_timeout_ms = o.link_timeout_ms;
  for (const auto& spec : blocklist_keys(context, o.blocklist_keys)) {
    auto eq = spec.find('=');
    std::string id = spec.substr(0, eq);
    bool known = std::any_of(rules->blocklists().begin(), rules->blocklists().end(),
                             [&](const rules::Blocklist& b) { return b.id == id && b.needs_key; });
    if (eq == std::string::npos || eq + 1 == spec.size() || !known) {
      std::cerr << "mailaudit: --blocklist-key: expected ID=KEY with ID a list that takes a key, got \"" << spec << "\"\n";
      return 2;
    }
    settings.options.blocklist_keys[id] = spec.substr(eq + 1);
  }
  if (!o.spamd.empty() && !split_host_port(o.spamd, settings.content.spamd_host, settings.content.spamd_port)) {
    std::cerr << "mailaudit: --spamd: expected HOST[:PORT], got \"" << o.spamd << "\"\n";
    return 2;
  }
  if (!o.rspamd_url.empty() && o.rspamd_url.rfind("http://", 0) != 0 && o.rspamd_url.rfind("https://", 0) != 0) {
    std::cerr << "mailaudit: --rspamd: expected an http:// or https:// URL, got \"" << o.rspamd_url << "\"\n";
    return 2;
  }
  settings.content.rspamd_url = o.rspamd_url;
  settings.content.rspamd_password = o.rspamd_password;
  settings.content.options.total_timeout_ms = o.content_timeout_ms;
  settings.content.options.connect_timeout_ms = std::min(o.content_timeout_ms, 3000);
  // --probe: one live probe for the whole run (it depends on the envelope only), before the audit.
  std::shared_ptr<const probe::ProbeResult> probe_result;
  if (o.probe.enabled) {
    std::string error;
    probe_result = run_check_probe(o.probe, env, dns->resolver(), *rules, profiles, error);
    if (!probe_result) {
      std::cerr << "mailaudit: " << error << "\n";
      return 2;
    }
  }
  WriterOptions wo;
  wo.colour = out->is_terminal();
  wo.generated_at = utc_now();
  wo.version = MAILAUDIT_VERSION;
  for (const auto& c : checks::registry()) wo.checks.emplace_back(std::string(c.id), c.stage);
  wo.words = rules->words();
  if (o.fail_on == "never") wo.fail_threshold = std::nullopt;
  else wo.fail_threshold = o.fail_on.ends_with("warning") ? Severity::warning : Severity::error;
  wo.config = config_used(context, o.context);

  // Every format writes each report as it comes (json, junit and sarif keep only what their end needs).
  Sink sink = [&](std::string_view t) { out->write(std::string(t)); };
  std::unique_ptr<ReportStream> stream;
  if (o.format == "json") stream = json_stream(wo, sink);
  else if (o.format == "junit") stream = junit_stream(wo, sink);
  else if (o.format == "sarif") stream = sarif_stream(wo, sink);
  BatchSummary summary;  // text batches: the closing summary
  bool any_unreadable = false, any_fail = false, any_incomplete = false;
  std::size_t count = 0, failing = 0, unreadable = 0;
  // Progress on stderr only when a person watches it: never when piped or in CI logs.
  const bool progress = isatty(STDERR_FILENO) != 0;
  auto last_progress = std::chrono::steady_clock::now();
  auto show_progress = [&](bool final) {
    auto now = std::chrono::steady_clock::now();
    if (!progress || (!final && now - last_progress < std::chrono::milliseconds(100))) return;
    last_progress = now;
    std::cerr << "\r\033[K" << count << " messages audited, " << failing << " failing, " << unreadable << " unreadable"
              << (final ? "\n" : "") << std::flush;
  };
  // Messages are audited on --jobs threads; reports come back here in input order.
  audit_inputs(o.messages, env, settings, o.jobs, [&](Report&& r) {
    finish_report(r, context, o.context);
    if (r.error.empty())
      for (const auto* p : receivers::select_profiles(receiver_specs, profiles, r)) r.receivers.push_back(receivers::predict(*p, r));
    if (probe_result && r.error.empty()) r.probe = smtp::compare(r, probe_result, *rules);
    if (!r.error.empty()) {
      any_unreadable = true;
      ++unreadable;
      if (progress) std::cerr << "\r\033[K";
      std::cerr << "mailaudit: " << r.message.source << ": " << r.error << "\n";
    }
    if (r.message.is_bounce && !settings.rules.bounces().check_hint.empty()) {
      if (progress) std::cerr << "\r\033[K";
      std::cerr << "mailaudit: " << text::fill(settings.rules.bounces().check_hint, {{"file", r.message.source}}) << "\n";
    }
    bool failed = fails(r, o.fail_on);
    any_fail = any_fail || failed;
    // Exit 3: nothing at or above --fail-on, but a lookup a check needed failed, so the verdict is not final.
    any_incomplete = any_incomplete || (o.fail_on != "never" && summarise(r).incomplete);
    // A probe that could not tell (timeout, 4xx, unreachable) leaves the verdict open too.
    any_incomplete = any_incomplete || (o.fail_on != "never" && r.probe && r.probe->result && r.probe->result->could_not_tell);
    failing += failed && r.error.empty();
    if (o.format == "jsonl") {
      out->write(report_json_text(r, wo, false) + "\n");
    } else if (o.format == "text") {
      Report shown = without_ignored(std::move(r));
      out->write((count ? "\n" : "") + report_text(shown, wo));
      summary.add(shown);
    } else if (o.format == "html") {
      // One page per message; a batch with --output gets the pages one after another (use jsonl for tools).
      out->write(report_html(without_ignored(std::move(r)), wo));
    } else if (o.format == "markdown") {
      out->write((count ? "\n---\n\n" : "") + report_markdown(without_ignored(std::move(r)), wo));
    } else if (o.format == "junit") {
      stream->add(without_ignored(std::move(r)));
    } else {
      stream->add(r);
    }
    ++count;
    show_progress(false);
  });
  if (count > 1) show_progress(true);
  if (o.format == "text" && count > 1) out->write(batch_summary_text(summary, wo));
  if (stream) stream->finish();
  if (any_unreadable) return 2;
  return any_fail ? 1 : any_incomplete ? 3 : 0;
}

}  // namespace

std::function<int()> add_check_command(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", "Audit messages: what could make a receiver reject them, stage by stage");
  cmd->add_option("MESSAGE", o->messages, "message file, - for stdin, an mbox file or a Maildir")->required();
  cmd->add_option("--ip", o->ip, "sending IP address (IPv4 or IPv6)");
  cmd->add_option("--helo", o->helo, "HELO/EHLO name the sender uses");
  cmd->add_option("--mail-from", o->mail_from, "envelope sender; '<>' or '' is the null sender");
  cmd->add_option("--rcpt", o->rcpt, "envelope recipient (repeatable)");
  cmd->add_option("--format", o->format, "text, json, jsonl, markdown, junit, html or sarif")
      ->check(CLI::IsMember({"text", "json", "jsonl", "markdown", "junit", "html", "sarif"}));
  cmd->add_option("--output", o->output, "write the report to FILE instead of stdout");
  cmd->add_option("--resolver", o->resolvers, "DNS server HOST[:PORT], IPv6 as [addr]:port (repeatable)");
  cmd->add_option("--zone", o->zones, "zone file or folder of zone files answering first (repeatable)");
  cmd->add_flag("--offline", o->offline, "no network DNS: zone files only, other names are 'not checked'");
  cmd->add_option("--timeout", o->timeout_ms, "DNS timeout per try, milliseconds")
      ->check(CLI::Range(10, 60000))->capture_default_str();
  cmd->add_option("--tries", o->tries, "DNS tries per lookup, each to the next server")
      ->check(CLI::Range(1, 10))->capture_default_str();
  cmd->add_option("--rules", o->rules_dir, "folder of rules files laid over the built-in ones (same id replaces, enabled = false removes)");
  cmd->add_option("--blocklist-key", o->blocklist_keys, "key of a key-based blocklist, ID=KEY (the ids are in rules/blocklists.toml)");
  cmd->add_option("--receiver", o->receivers,
                  "receiver profile to predict (repeatable): an id from `mailaudit receivers`, all, or auto (default: the "
                  "receivers of the --rcpt domains)");
  cmd->add_option("--fail-on", o->fail_on, "exit 1 when a finding is at or above: error, warning, never; "
                                           "with --baseline, new-error or new-warning: only new findings")
      ->check(CLI::IsMember({"error", "warning", "never", "new-error", "new-warning"}));
  cmd->add_flag("--follow-links", o->follow_links, "follow redirect chains of links (HTTP requests)");
  cmd->add_flag("--allow-private-links", o->allow_private_links, "let --follow-links reach private addresses");
  cmd->add_option("--user-agent", o->user_agent, "User-Agent for --follow-links (default: a browser's)");
  cmd->add_option("--link-timeout", o->link_timeout_ms, "--follow-links timeout per request, milliseconds")
      ->check(CLI::Range(100, 60000))->capture_default_str();
  cmd->add_option("--rspamd", o->rspamd_url, "ask rspamd's normal worker at URL (e.g. http://127.0.0.1:11333) for its verdict");
  cmd->add_option("--rspamd-password", o->rspamd_password, "password for --rspamd, when the worker wants one");
  cmd->add_option("--spamd", o->spamd, "ask SpamAssassin's spamd at HOST[:PORT] (default port 783) for its score");
  cmd->add_option("--content-timeout", o->content_timeout_ms, "--rspamd / --spamd timeout per message, milliseconds")
      ->check(CLI::Range(100, 600000))->capture_default_str();
  add_check_probe_options(*cmd, o->probe);
  cmd->add_option("--jobs", o->jobs, "messages audited at once (default: one per core); reports keep the input order")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--max-size", o->limits.max_message_bytes, "largest message in bytes")->capture_default_str();
  cmd->add_option("--max-depth", o->limits.max_depth, "deepest MIME nesting examined")->capture_default_str();
  cmd->add_option("--max-parts", o->limits.max_parts, "most MIME parts examined")->capture_default_str();
  cmd->add_option("--max-headers", o->limits.max_headers, "most header fields per entity")->capture_default_str();
  add_context_options(cmd, o->context);
  return [o, cmd] { return run(*o, *cmd); };
}

}  // namespace mailaudit::cli
