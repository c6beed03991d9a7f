// `mailaudit bounce FILE...`: diagnose DSNs, non-standard NDRs and pasted reply lines; with --audit, audit the
// original message a bounce carries, with the context the bounce reveals, ordered by the bounce's stage.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "engine/audit.hpp"
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
#include "rules/rules.hpp"
#include "util/text.hpp"

namespace mailaudit::cli {

namespace {

struct BounceOptions {
  std::vector<std::string> files;
  std::string format = "text";
  std::string output;
  bool audit = false;
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

// The sending context a bounce reveals: the envelope sender it went back to, the failed recipients, and the
// reporting MTA (the sending side's own host name, usually its HELO name).
Envelope revealed_context(const bounce::Bounce& b, const Message& original) {
  Envelope env;
  std::string sender;
  if (const HeaderField* rp = original.field("Return-Path")) {
    auto list = rfc5322::parse_addresses(rp->raw_value);
    if (!list.mailboxes.empty()) sender = list.mailboxes.front().address;
  }
  if (sender.empty()) sender = b.original_sender;
  if (!sender.empty()) env.mail_from = sender;
  if (!b.reporting_mta.empty() && b.reporting_mta.find(' ') == std::string::npos) env.helo = b.reporting_mta;
  for (const auto& r : b.recipients)
    if (!r.address.empty() && r.action == "failed") env.rcpt.push_back(r.address);
  return env;
}

int run(const BounceOptions& o) {
  std::unique_ptr<rules::Rules> rules;
  std::unique_ptr<Output> out;
  std::unique_ptr<dns::DnsStack> dns;
  try {
    rules = std::make_unique<rules::Rules>(load_rules(o.rules_dir));
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
  WriterOptions wo;
  wo.colour = out->is_terminal();
  wo.generated_at = utc_now();
  wo.version = MAILAUDIT_VERSION;
  bool unreadable = false;
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  std::size_t count = 0;

  auto handle = [&](bounce::Bounce b, const std::string& original_source) {
    b.summary = bounce::lead_sentence(b, *rules);
    nlohmann::ordered_json j = bounce_json(b);
    std::string text = bounce_text(b);
    if (o.audit && b.original_present && !b.original.empty()) {
      Message original = parse_message(b.original, original_source, 0, o.limits);
      Envelope env = revealed_context(b, original);
      AuditSettings settings{*rules, dns->resolver(), checks::registry(), o.limits, {}};
      RawMessage raw{original_source, 0, b.original, ""};
      Report r = audit_message(std::move(raw), env, settings);
      WriterOptions audit_wo = wo;
      for (const auto& rc : b.recipients)
        if (rc.cause_stage) {
          order_by_stage(r, *rc.cause_stage);
          audit_wo.first_stage = rc.cause_stage;
          break;
        }
      j["audit"] = report_json(r, audit_wo);
      text += "\nAudit of the original message, with the context the bounce reveals; the stage it points at "
              "comes first:\n\n" + report_text(r, audit_wo);
    } else if (o.audit) {
      text += "  --audit: the bounce carries no original message to audit\n";
      j["audit"] = nullptr;
    }
    if (o.format == "json") all.push_back(std::move(j));
    else out->write((count ? "\n" : "") + text);
    ++count;
  };

  for (const auto& path : o.files) {
    std::error_code ec;
    bool dir = std::filesystem::is_directory(path, ec);
    std::string bytes;
    std::string err = dir ? "" : read_all(path, o.limits.max_message_bytes, bytes);
    if (dir || (err.empty() && bytes.starts_with("From ") && path != "-")) {
      read_inputs({path}, o.limits, [&](RawMessage&& raw) {
        if (!raw.error.empty()) {
          unreadable = true;
          std::cerr << "mailaudit: " << raw.source << ": " << raw.error << "\n";
          return;
        }
        Message m = parse_message(std::move(raw.bytes), raw.source, raw.index, o.limits);
        handle(bounce::diagnose(m, *rules), raw.source + " (original)");
      });
      continue;
    }
    if (!err.empty()) {
      unreadable = true;
      std::cerr << "mailaudit: " << path << ": " << err << "\n";
      continue;
    }
    std::string why = not_a_message_reason(bytes);
    if (why.starts_with("binary")) {
      unreadable = true;
      std::cerr << "mailaudit: " << path << ": " << why << "\n";
      continue;
    }
    if (!why.empty()) {  // pasted text: a reply line or the diagnostic part of an NDR
      handle(bounce::diagnose_text(bytes, path, *rules), path + " (original)");
      continue;
    }
    Message m = parse_message(std::move(bytes), path, 0, o.limits);
    handle(bounce::diagnose(m, *rules), path + " (original)");
  }
  if (o.format == "json") {
    if (all.size() == 1) out->write(dump_json(all.front(), true) + "\n");
    else out->write(dump_json({{"schema", "mailaudit-bounce-batch/1"}, {"bounces", all}}, true) + "\n");
  }
  return unreadable ? 2 : 0;
}

}  // namespace

std::function<int()> add_bounce_command(CLI::App& app) {
  auto o = std::make_shared<BounceOptions>();
  auto* cmd = app.add_subcommand("bounce", "Diagnose bounces (DSN, NDR) or pasted reply lines: when, why, what to look at");
  cmd->add_option("FILE", o->files, "bounce message, pasted text, - for stdin, an mbox file or a Maildir")->required();
  cmd->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--output", o->output, "write to FILE instead of stdout");
  cmd->add_flag("--audit", o->audit, "audit the original message the bounce carries, with the context it reveals");
  cmd->add_option("--resolver", o->resolvers, "DNS server HOST[:PORT] for --audit (repeatable)");
  cmd->add_option("--zone", o->zones, "zone file or folder answering first for --audit (repeatable)");
  cmd->add_flag("--offline", o->offline, "--audit without network DNS: zone files only");
  cmd->add_option("--timeout", o->timeout_ms, "DNS timeout per try, milliseconds")->check(CLI::Range(10, 60000));
  cmd->add_option("--rules", o->rules_dir, "folder of rules files laid over the built-in ones (same id replaces, enabled = false removes)");
  return [o] { return run(*o); };
}

}  // namespace mailaudit::cli
