// `mailaudit bounce FILE...`: diagnose DSNs, non-standard NDRs and pasted reply lines; with --audit, audit the
// original message a bounce carries, with the context the bounce reveals, ordered by the bounce's stage.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <filesystem>
#include <iostream>
#include <memory>

#include "engine/audit.hpp"
#include "receivers/match.hpp"
#include "receivers/predict.hpp"
#include "bounce/bounce.hpp"
#include "commands.hpp"
#include "dns/dns_stack.hpp"
#include "message/input.hpp"
#include "message/rfc5322.hpp"
#include "output.hpp"
#include "setup.hpp"
#include "registry.hpp"
#include "output/bounce_writer.hpp"
#include "output/writers.hpp"
#include "rules/bounce_rules.hpp"
#include "rules/rules.hpp"
#include "util/text.hpp"

namespace mailaudit::cli {

namespace {

struct BounceOptions {
  std::vector<std::string> files;
  std::string format = "text";
  std::string output;
  bool audit = false;
  std::string ip, helo, mail_from;
  std::vector<std::string> rcpt;
  bool has_ip = false, has_helo = false, has_mail_from = false;
  bool summary_only = false;
  std::vector<std::string> resolvers, zones;
  bool offline = false;
  int timeout_ms = 2000;
  std::string rules_dir;
  ParseLimits limits;
};

// A whole file or stdin, bounded; "" error on success.
std::string read_all(const std::string& path, std::size_t limit, std::string& out) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) return std::strerror(errno);
  char buf[1 << 16];
  std::size_t n;
  std::string err;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (out.size() + n > limit) {
      err = "over the size limit of " + std::to_string(limit) + " bytes";
      break;
    }
    out.append(buf, n);
  }
  if (path != "-") std::fclose(f);
  if (err.empty() && out.empty()) err = "empty file";
  return err;
}

// The envelope for --audit: what the bounce reveals (each value with where it came from), with the
// command line's --ip --helo --mail-from --rcpt laid over it.
Envelope audit_context(bounce::Bounce& b, const BounceOptions& o, const rules::BounceRules& br) {
  const std::string& given = br.word("source_option");
  if (o.has_ip) b.context.ip = bounce::Sourced{o.ip, "option", given};
  if (o.has_helo) b.context.helo = bounce::Sourced{o.helo, "option", given};
  if (o.has_mail_from) b.context.mail_from = bounce::Sourced{o.mail_from == "<>" ? "" : o.mail_from, "option", given};
  if (!o.rcpt.empty()) {
    b.context.rcpt.clear();
    for (const auto& r : o.rcpt) b.context.rcpt.push_back({r, "option", given});
  }
  Envelope env;
  if (b.context.ip) env.ip = b.context.ip->value;
  if (b.context.helo) env.helo = b.context.helo->value;
  if (b.context.mail_from) env.mail_from = b.context.mail_from->value;
  for (const auto& r : b.context.rcpt) env.rcpt.push_back(r.value);
  return env;
}

// Regular files under a folder that is not a Maildir, sorted, at most a few levels deep; a Maildir's new/ and cur/.
std::vector<std::string> folder_files(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  bool maildir = fs::is_directory(fs::path(dir) / "cur", ec) || fs::is_directory(fs::path(dir) / "new", ec);
  auto add = [&](const fs::path& root, bool recurse) {
    std::error_code e;
    if (recurse) {
      for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, e), end; !e && it != end; it.increment(e)) {
        if (it.depth() > 8) it.disable_recursion_pending();
        if (it->path().filename().string().starts_with(".")) {
          if (it->is_directory(e)) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file(e)) out.push_back(it->path().string());
      }
    } else {
      for (fs::directory_iterator it(root, e), end; !e && it != end; it.increment(e))
        if (!it->path().filename().string().starts_with(".") && it->is_regular_file(e)) out.push_back(it->path().string());
    }
  };
  if (maildir) {
    add(fs::path(dir) / "new", false);
    add(fs::path(dir) / "cur", false);
  } else {
    add(dir, true);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int run(const BounceOptions& o) {
  std::unique_ptr<rules::Rules> rules;
  std::unique_ptr<Output> out;
  std::unique_ptr<dns::DnsStack> dns;
  std::vector<receivers::Profile> profiles;
  if (o.has_ip && !dns::parse_ip(o.ip)) {
    std::cerr << "mailaudit: --ip: \"" << o.ip << "\" is not an IPv4 or IPv6 address\n";
    return 2;
  }
  try {
    rules = std::make_unique<rules::Rules>(load_rules(o.rules_dir));
    profiles = receivers::load_profiles(o.rules_dir);
    out = std::make_unique<Output>(o.output);
    if (o.audit) {
      dns::DnsSettings ds;
      ds.resolvers = o.resolvers;
      ds.zones = o.zones;
      ds.offline = o.offline;
      ds.timeout_ms = o.timeout_ms;
      dns = std::make_unique<dns::DnsStack>(ds);
    }
  } catch (const std::exception& e) {
    std::cerr << "mailaudit: " << e.what() << "\n";
    return 2;
  }
  const auto& br = rules->bounces();
  WriterOptions wo;
  wo.colour = out->is_terminal();
  wo.generated_at = utc_now();
  wo.version = MAILAUDIT_VERSION;
  wo.words = rules->words();
  bool unreadable = false;
  bounce::Summary summary;

  // Expand folders into their files; an mbox stays one input (its messages are bounces one by one).
  std::vector<std::string> inputs;
  bool folder = false;  // a folder or an mbox: always the list form and a summary
  for (const auto& path : o.files) {
    std::error_code ec;
    if (path != "-" && std::filesystem::is_directory(path, ec)) {
      folder = true;
      auto files = folder_files(path);
      inputs.insert(inputs.end(), files.begin(), files.end());
    } else {
      inputs.push_back(path);
    }
  }
  // JSON: one bounce pretty as mailaudit-bounce/1; several (or a folder, an mbox) streamed as mailaudit-bounces/1
  // with the summary at the end; jsonl: one bounce per line, then the summary line.
  std::size_t count = 0;
  std::string pending_json;  // the first bounce, held until we know whether more follow
  bool json_open = false;
  auto emit_json = [&](nlohmann::ordered_json j) {
    if (o.format == "jsonl") {
      out->write(dump_json(j, false) + "\n");
      return;
    }
    if (!folder && !json_open && pending_json.empty()) {
      pending_json = dump_json(j, true);
      return;
    }
    if (!json_open) {
      out->write("{\"schema\": \"mailaudit-bounces/1\", \"bounces\": [\n");
      json_open = true;
      if (!pending_json.empty()) {
        out->write(pending_json);
        pending_json.clear();
        count = 1;
      }
    }
    out->write((count ? ",\n" : "") + dump_json(j, false));
  };

  auto handle = [&](bounce::Bounce b, const std::string& original_source) {
    b.summary = bounce::lead_sentence(b, *rules);
    for (auto& rc : b.recipients)  // the receiver profile whose predicted reply this is
      if (auto m = receivers::match_reply(profiles, rc.reply_code, rc.status, rc.diagnostic); m.profile)
        rc.receiver = m.profile->id;
    bounce::tally(summary, b);
    std::optional<Report> report;
    std::string note;
    if (o.audit && b.original_present && !b.original.empty()) {
      Message original = parse_message(b.original, original_source, 0, o.limits);
      Envelope env = audit_context(b, o, br);
      AuditSettings settings{*rules, dns->resolver(), checks::registry(), o.limits, {}};
      RawMessage raw{original_source, 0, b.original, ""};
      report = audit_message(std::move(raw), env, settings);
      for (const auto& rc : b.recipients)  // --audit predicts with the profile the reply matched
        if (const auto* p = receivers::find_profile(profiles, rc.receiver);
            p && std::none_of(report->receivers.begin(), report->receivers.end(),
                              [&](const ReceiverVerdict& v) { return v.id == p->id; }))
          report->receivers.push_back(receivers::predict(*p, *report));
      for (const auto& rc : b.recipients)
        if (rc.cause_stage) {
          order_by_stage(*report, *rc.cause_stage);
          wo.first_stage = rc.cause_stage;
          break;
        }
      if (!env.ip) note = br.word("audit_no_ip");
    } else if (o.audit) {
      audit_context(b, o, br);
      note = br.word("audit_no_original");
    }
    WriterOptions audit_wo = wo;
    wo.first_stage.reset();
    if (o.summary_only) {
      ++count;
      return;
    }
    if (o.format == "json" || o.format == "jsonl") {
      nlohmann::ordered_json j = bounce_json(b);
      if (o.audit) j["audit"] = report ? report_json(*report, audit_wo) : nlohmann::ordered_json(nullptr);
      if (o.audit && !note.empty()) j["audit_note"] = note;
      emit_json(std::move(j));
    } else if (o.format == "markdown") {
      out->write((count ? "\n---\n\n" : "") + bounce_markdown(b, report ? &*report : nullptr, audit_wo, br.words) +
                 (note.empty() || !report ? "" : "\n" + note + "\n"));
    } else if (o.format == "html") {
      out->write(bounce_html(b, report ? &*report : nullptr, audit_wo, br.words));
    } else {
      std::string text = bounce_text(b);
      if (report) text += "\n" + br.word("audit_heading") + "\n\n" + report_text(*report, audit_wo);
      if (!note.empty()) text += "  " + note + "\n";
      out->write((count ? "\n" : "") + text);
    }
    ++count;
  };

  auto fail = [&](const std::string& path, const std::string& why) {
    unreadable = true;
    ++summary.unreadable;
    std::cerr << "mailaudit: " << path << ": " << why << "\n";
  };
  for (const auto& path : inputs) {
    std::string bytes;
    std::string err = read_all(path, o.limits.max_message_bytes, bytes);
    if (err.empty() && bytes.starts_with("From ") && path != "-") {
      folder = true;
      bytes.clear();
      bytes.shrink_to_fit();
      read_inputs({path}, o.limits, [&](RawMessage&& raw) {
        if (!raw.error.empty()) return fail(raw.source + "#" + std::to_string(raw.index), raw.error);
        std::string src = raw.source + "#" + std::to_string(raw.index);
        handle(bounce::diagnose_input(std::move(raw.bytes), src, *rules, o.limits), src + " (original)");
      });
      continue;
    }
    if (!err.empty()) {
      fail(path, err);
      continue;
    }
    std::string why = not_a_message_reason(bytes);
    if (why.starts_with("binary")) {
      fail(path, why);
      continue;
    }
    handle(bounce::diagnose_input(std::move(bytes), path, *rules, o.limits), path + " (original)");
  }
  bool several = folder || count > 1 || o.summary_only;
  if (o.format == "json") {
    if (!pending_json.empty()) out->write(pending_json + "\n");
    else if (json_open || several) {
      if (!json_open) out->write("{\"schema\": \"mailaudit-bounces/1\", \"bounces\": [\n");
      out->write("\n], \"summary\": " + dump_json(bounce_summary_json(summary), false) + "}\n");
    }
  } else if (o.format == "jsonl") {
    if (several) out->write(dump_json({{"summary", bounce_summary_json(summary)}}, false) + "\n");
  } else if (several) {
    if (o.format == "markdown") out->write((count && !o.summary_only ? "\n---\n\n" : "") + bounce_summary_markdown(summary, br.words));
    else if (o.format == "text") out->write((count && !o.summary_only ? "\n" : "") + bounce_summary_text(summary, br.words));
  }
  return unreadable ? 2 : 0;
}

}  // namespace

std::function<int()> add_bounce_command(CLI::App& app) {
  auto o = std::make_shared<BounceOptions>();
  auto* cmd = app.add_subcommand("bounce", "Diagnose bounces (DSN, NDR) or pasted reply lines: when, why, what to look at");
  cmd->add_option("FILE", o->files, "bounce message, pasted text, - for stdin, an mbox file or a Maildir")->required();
  cmd->add_option("--format", o->format, "text, json, jsonl (one bounce per line, then the summary), markdown or html (a ticket for the receiver's postmaster)")
      ->check(CLI::IsMember({"text", "json", "jsonl", "markdown", "html"}));
  cmd->add_flag("--summary", o->summary_only, "only the summary of a folder: counts by stage, provider and signature, top replies, recipients");
  cmd->add_option("--output", o->output, "write to FILE instead of stdout");
  cmd->add_flag("--audit", o->audit, "audit the original message the bounce carries, with the context it reveals");
  cmd->add_option("--ip", o->ip, "sending IP for --audit, over the one the bounce names")->each([o](const std::string&) { o->has_ip = true; });
  cmd->add_option("--helo", o->helo, "HELO name for --audit, over the one the bounce reveals")->each([o](const std::string&) { o->has_helo = true; });
  cmd->add_option("--mail-from", o->mail_from, "envelope sender for --audit ('<>' is the null sender)")->each([o](const std::string&) { o->has_mail_from = true; });
  cmd->add_option("--rcpt", o->rcpt, "envelope recipient for --audit (repeatable), instead of the failed recipients");
  cmd->add_option("--resolver", o->resolvers, "DNS server HOST[:PORT] for --audit (repeatable)");
  cmd->add_option("--zone", o->zones, "zone file or folder answering first for --audit (repeatable)");
  cmd->add_flag("--offline", o->offline, "--audit without network DNS: zone files only");
  cmd->add_option("--timeout", o->timeout_ms, "DNS timeout per try, milliseconds")->check(CLI::Range(10, 60000));
  cmd->add_option("--rules", o->rules_dir, "folder of rules files laid over the built-in ones (same id replaces, enabled = false removes)");
  return [o] { return run(*o); };
}

}  // namespace mailaudit::cli
