// `mailaudit urls MESSAGE...`: every URL and domain found in each message, with where it was found.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "message/input.hpp"
#include "output.hpp"
#include "setup.hpp"
#include "output/streams.hpp"
#include "output/writers.hpp"
#include "rules/rules.hpp"
#include "urls/extract.hpp"

namespace mailaudit::cli {

namespace {

struct UrlsOptions {
  std::vector<std::string> messages;
  std::string format = "text";
  std::string output;
  std::string rules_dir;
  ParseLimits limits;
};

int run(const UrlsOptions& o) {
  std::unique_ptr<rules::Rules> rules;
  std::unique_ptr<Output> out;
  try {
    rules = std::make_unique<rules::Rules>(load_rules(o.rules_dir));
    out = std::make_unique<Output>(o.output);
  } catch (const std::exception& e) {
    std::cerr << "mailaudit: " << e.what() << "\n";
    return 2;
  }
  bool unreadable = false;
  std::size_t count = 0;
  UrlsJsonStream json([&](std::string_view t) { out->write(std::string(t)); });  // each message as it comes
  read_inputs(o.messages, o.limits, [&](RawMessage&& raw) {
    if (!raw.error.empty()) {
      unreadable = true;
      std::cerr << "mailaudit: " << raw.source << ": " << raw.error << "\n";
      return;
    }
    std::string source = raw.source;
    ParseLimits limits = o.limits;
    limits.decode_binary = false;  // URLs are read from text parts and headers only
    Message m = parse_message(std::move(raw.bytes), raw.source, raw.index, limits);
    auto found = urls::extract_urls(m, rules->urls());
    auto domains = urls::distinct_domains(found);
    if (o.format == "json") json.add(source, found, domains);
    else out->write((count ? "\n" : "") + urls_text(source, found, domains));
    ++count;
  });
  if (o.format == "json") json.finish();
  return unreadable ? 2 : 0;
}

}  // namespace

std::function<int()> add_urls_command(CLI::App& app) {
  auto o = std::make_shared<UrlsOptions>();
  auto* cmd = app.add_subcommand("urls", "Every URL and domain in messages, with where each was found");
  cmd->add_option("MESSAGE", o->messages, "message file, - for stdin, an mbox file or a Maildir")->required();
  cmd->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--output", o->output, "write to FILE instead of stdout");
  cmd->add_option("--rules", o->rules_dir, "folder of rules files laid over the built-in ones (same id replaces, enabled = false removes)");
  cmd->add_option("--max-size", o->limits.max_message_bytes, "largest message in bytes")->capture_default_str();
  return [o] { return run(*o); };
}

}  // namespace mailaudit::cli
