#include "engine/audit.hpp"

// SHA-256 through the low-level calls, deprecated in OpenSSL 3 but kept by it: the EVP route's first use
// loads and registers the default provider's algorithms (~0.9 ms of every one-message run), which a
// message's fingerprint does not need. DKIM verification (EVP) still loads it, when there is a signature.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>

#include "bounce/bounce.hpp"
#include "dns/recording_resolver.hpp"
#include "engine/locate.hpp"
#include "engine/recipient_providers.hpp"
#include "util/names.hpp"
#include "urls/extract.hpp"
#include "util/text.hpp"

namespace mailaudit {

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, bytes.data(), bytes.size());
  SHA256_Final(md, &ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xF];
  }
  return out;
}

namespace {

// A DSN by its structure, or a notice from a bounce address; then the bounce reader confirms it, so that an
// auto-reply or a delivery report for a delivered message is not called a bounce.
bool looks_like_bounce(const Message& msg, const rules::Rules& rules) {
  bool report = std::any_of(msg.parts.begin(), msg.parts.end(), [](const Part& p) {
    return p.media_type == "message/delivery-status" || p.media_type == "message/global-delivery-status";
  });
  if (!report) {
    std::string from = msg.field("From") ? text::lower(msg.field("From")->value) : "";
    const auto& locals = rules.bounces().sender_locals;
    report = std::any_of(locals.begin(), locals.end(),
                         [&](const std::string& l) { return from.find(l + "@") != std::string::npos; });
  }
  return report && bounce::diagnose(msg, rules).is_bounce;
}

}  // namespace

Report audit_message(RawMessage raw, const Envelope& env, const AuditSettings& settings) {
  Report r;
  r.message.source = raw.source;
  r.message.index = raw.index;
  r.context = env;
  r.dns.mode = settings.dns.mode();
  r.dns.servers = settings.dns.servers();
  if (!raw.error.empty()) {
    r.error = raw.error;
    return r;
  }
  r.message.size = raw.bytes.size();
  if (settings.digest) r.message.sha256 = sha256_hex(raw.bytes);
  ParseLimits limits = settings.limits;
  limits.decode_binary = false;  // no check reads the bytes of an image, archive or PDF
  Message msg = parse_message(std::move(raw.bytes), raw.source, raw.index, limits);
  if (const HeaderField* f = msg.field("Message-ID")) r.message.message_id = text::printable(f->value, 300);
  if (const HeaderField* f = msg.field("From")) r.message.from = text::printable(f->value, 300);
  if (const HeaderField* f = msg.field("Subject")) r.message.subject = text::printable(f->value, 300);

  r.message.is_bounce = looks_like_bounce(msg, settings.rules);

  std::vector<Check> runnable;
  for (const auto& check : settings.checks) {
    std::string missing = missing_context(check, env);
    if (missing.empty()) runnable.push_back(check);
    else r.not_run.push_back(missing);
  }
  dns::RecordingResolver recorder(settings.dns);
  r.urls = urls::extract_urls(msg, settings.rules.urls());
  r.domains = urls::distinct_domains(r.urls);
  if (env.ip)
    if (auto ip = dns::parse_ip(*env.ip)) r.ip_reverse_name = dns::reverse_name(*ip);
  auth::AuthResults auth(msg, env, recorder, std::time(nullptr), settings.rules.headers().dkim_future_slack_seconds);
  Context ctx(msg, env, settings.rules, recorder, settings.options, r.urls, auth);
  r.findings = run_checks(runnable, ctx);
  // The content filters after the checks: what a receiver's filter makes of the message at end of DATA.
  r.content = ask_content_filters(msg, env, recorder, settings.content);
  for (auto& v : r.content) {
    annotate(v, settings.rules.content());
    r.findings.push_back(content_finding(v, settings.rules, settings.content));
  }
  r.dns.queries = recorder.log();
  apply_recipient_providers(r.findings, recipient_providers(env, r.dns.queries, settings.rules), settings.rules);
  locate_findings(r.findings, msg, r.urls, settings.rules);  // the lines SARIF points at
  return r;
}

}  // namespace mailaudit
