// Check "size": the message's size on the wire against the limits receivers publish (rules/size.toml),
// and Gmail's clipping of long HTML. The size that counts is what a relay sends: every line ending CRLF and
// lines starting with "." doubled (RFC 5321 §4.5.2), so a file with bare LF line ends is larger on the wire.
#include <algorithm>

#include "checks.hpp"

namespace mailaudit::checks {

namespace {

// Bytes a relay sends for `raw` inside DATA: bare LF becomes CRLF, a leading "." is doubled. One pass of
// byte comparisons without branches (the compiler vectorises it); a line-by-line search costs a call per line.
std::size_t wire_size(std::string_view raw) {
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  const std::size_t n = raw.size();
  if (n == 0) return 0;
  std::size_t extra = p[0] == '.';
  extra += p[0] == '\n' ? 1u + (n > 1 && p[1] == '.') : 0u;
  std::size_t inner = 0;
  for (std::size_t i = 1; i + 1 < n; ++i)
    inner += static_cast<std::size_t>(p[i] == '\n') * (static_cast<std::size_t>(p[i - 1] != '\r') + (p[i + 1] == '.'));
  if (n > 1 && p[n - 1] == '\n') extra += p[n - 2] != '\r';
  return n + extra + inner;
}

// For people: bytes, KB or MiB as the size calls for, with the exact byte count past a few KB.
std::string human_size(const Context& ctx, std::size_t bytes) {
  std::string exact = std::to_string(bytes);
  if (bytes < 10240) return ctx.word("size.bytes", {{"bytes", exact}});
  if (bytes < 1048576) return ctx.word("size.kb", {{"kb", std::to_string(bytes / 1024)}, {"bytes", exact}});
  std::string whole = std::to_string(bytes / 1048576), tenth = std::to_string(bytes % 1048576 * 10 / 1048576);
  return ctx.word("size.mib", {{"mib", whole + "." + tenth}, {"bytes", exact}});
}

}  // namespace

std::vector<Finding> run_size(const Context& ctx) {
  const rules::SizeRules& rules = ctx.rules.size();
  std::vector<Finding> out;
  std::size_t size = wire_size(ctx.message.raw);
  Args base{{"size", human_size(ctx, size)}, {"file_size", std::to_string(ctx.message.raw.size())}};
  // Every limit the message is over, each at its own stage and severity.
  for (const auto& l : rules.limits) {
    if (size <= l.bytes) continue;
    Args args = base;
    args.insert(args.end(), {{"receiver", l.receiver}, {"limit", human_size(ctx, l.bytes)}, {"reply", l.reply}, {"source", l.source}});
    Finding f = ctx.make("size.over_limit", args);
    f.severity = l.severity;
    f.stage = l.stage;
    f.references.push_back(l.source);
    out.push_back(std::move(f));
  }
  std::size_t html = 0;
  for (const auto& p : ctx.message.parts)
    if (p.kind == PartKind::leaf && p.media_type == "text/html") html = std::max(html, p.raw_size);
  if (html > rules.html_clip_bytes)
    out.push_back(ctx.make("size.html_clipped", {{"html_size", ctx.word("size.kb", {{"kb", std::to_string(html / 1024)}, {"bytes", std::to_string(html)}})},
                                                 {"clip", ctx.word("size.kb_only", {{"kb", std::to_string(rules.html_clip_bytes / 1024)}})}}));
  if (out.empty() || (out.size() == 1 && out.front().id == "size.html_clipped")) {
    Args args = base;
    args.push_back({"smallest", rules.limits.empty() ? ctx.word("common.none") : human_size(ctx, rules.limits.front().bytes)});
    out.insert(out.begin(), ctx.make("size.ok", args));
  }
  return out;
}

}  // namespace mailaudit::checks
