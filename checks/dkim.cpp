// Check "dkim": every DKIM-Signature verified (audit/auth), with d=, s=, algorithm and result as evidence, and
// what makes a signature break in transit (l=, headers not over-signed, lines relays rewrite).
#include <algorithm>
#include <ctime>

#include "auth/dkim.hpp"
#include "checks.hpp"
#include "util/text.hpp"

namespace mailaudit::checks {

namespace {

Args signature_args(const Context& ctx, const auth::DkimSignature& s) {
  const std::string unknown = ctx.word("common.unknown");
  return {{"domain", s.domain.empty() ? unknown : s.domain},
          {"selector", s.selector.empty() ? unknown : s.selector},
          {"algorithm", s.algorithm.empty() ? unknown : s.algorithm},
          {"bits", s.key_bits ? ctx.word("dkim.key_bits", {{"bits", std::to_string(s.key_bits)}}) : ""},
          {"reason", s.reason},
          {"canonicalization", s.canonicalization}};
}

// Bare CR, or bare LF mixed with CRLF: relays normalise them to CRLF, changing what was signed. (A file with
// LF-only lines stands for the CRLF message on the wire and is not counted.)
bool bare_line_ends(std::string_view raw) {
  std::size_t crlf = 0, bare_lf = 0, bare_cr = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r') (i + 1 < raw.size() && raw[i + 1] == '\n') ? ++crlf : ++bare_cr;
    else if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) ++bare_lf;
  }
  return bare_cr > 0 || (bare_lf > 0 && crlf > 0);
}

// Fragility: what relays and list software change that breaks this signature.
std::vector<std::string> fragilities(const Context& ctx, const auth::DkimSignature& s, const auth::RawParts& parts) {
  std::vector<std::string> out;
  const std::size_t max_line = ctx.rules.headers().max_line_octets;
  if (bare_line_ends(ctx.message.raw)) out.push_back(ctx.word("dkim.bare_line_ends"));
  if (s.body_length) out.push_back(ctx.word("dkim.body_length", {{"bytes", std::to_string(*s.body_length)}}));
  bool long_line = false, trailing = false;
  std::string_view body = parts.body;
  for (std::size_t i = 0; i < body.size();) {
    std::size_t nl = body.find("\r\n", i);
    std::size_t end = nl == std::string_view::npos ? body.size() : nl;
    if (end - i > max_line) long_line = true;
    if (end > i && (body[end - 1] == ' ' || body[end - 1] == '\t')) trailing = true;
    if (nl == std::string_view::npos) break;
    i = nl + 2;
  }
  if (long_line) out.push_back(ctx.word("dkim.long_lines", {{"octets", std::to_string(max_line)}}));
  if (trailing && s.canonicalization.ends_with("simple")) out.push_back(ctx.word("dkim.trailing_space"));
  return out;
}

// Fields a second copy of which could be added without breaking the signature. Not over-signing is the
// default of most ESPs and verifiers accept it (no receiver rejects on it), so this is information.
std::vector<std::string> not_oversigned(const Context& ctx, const auth::DkimSignature& s, const auth::RawParts& parts) {
  std::vector<std::string> out;
  for (const std::string& name : ctx.rules.headers().dkim_oversign) {  // lower case
    std::size_t present = 0;
    for (const auto& h : parts.headers)
      if (text::iequals(h.name, name)) ++present;
    if (present == 0 && name != "from") continue;
    auto listed = static_cast<std::size_t>(std::count(s.signed_headers.begin(), s.signed_headers.end(), name));
    if (listed <= present) out.push_back(name);
  }
  return out;
}

}  // namespace

std::vector<Finding> run_dkim(const Context& ctx) {
  std::vector<Finding> out;
  const auto& sigs = ctx.auth.dkim();
  if (sigs.empty()) return {ctx.make("dkim.none")};
  auth::RawParts parts = auth::split_raw(ctx.message.raw);
  for (const auto& s : sigs) {
    Args args = signature_args(ctx, s);
    std::string id = s.kind == "pass" ? "dkim.pass" : s.kind == "key_missing" ? "dkim.key_missing"
                   : (s.kind == "key_invalid" || s.kind == "key_revoked") ? "dkim.key_invalid"
                   : s.kind == "key_weak" ? "dkim.key_weak" : s.kind == "expired" ? "dkim.expired"
                   : s.kind == "temperror" ? "dkim.temperror" : s.kind == "offline" ? "dkim.not_checked" : "dkim.fail";
    Finding f = ctx.make(id, args);
    f.evidence = s.evidence;
    out.push_back(std::move(f));
    if (s.result == auth::DkimResult::pass) {
      if (s.key_bits > 0 && static_cast<unsigned>(s.key_bits) < ctx.rules.headers().dkim_short_key_bits) out.push_back(ctx.make("dkim.key_short", args));
      if (s.weak_hash) out.push_back(ctx.make("dkim.sha1", args));
      if (s.testing) out.push_back(ctx.make("dkim.testing", args));
      auto frag = fragilities(ctx, s, parts);
      if (!frag.empty()) {
        Args a = args;
        std::string list;
        for (const auto& x : frag) list += (list.empty() ? "" : "; ") + x;
        a.emplace_back("problems", list);
        out.push_back(ctx.make("dkim.fragile", a));
      }
      auto fields = not_oversigned(ctx, s, parts);
      if (!fields.empty()) {
        Args a = args;
        std::string list;
        for (const auto& x : fields) list += (list.empty() ? "" : ", ") + x;
        a.emplace_back("fields", list);
        out.push_back(ctx.make("dkim.not_oversigned", a));
      }
    }
  }
  return out;
}

}  // namespace mailaudit::checks
