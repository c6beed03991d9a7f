#include "auth/dkim.hpp"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <map>
#include <memory>

#include "util/names.hpp"
#include "util/text.hpp"

namespace mailaudit::auth {

std::string_view to_string(DkimResult r) {
  switch (r) {
    case DkimResult::pass: return "pass";
    case DkimResult::fail: return "fail";
    case DkimResult::neutral: return "neutral";
    case DkimResult::permerror: return "permerror";
    case DkimResult::temperror: return "temperror";
  }
  return "neutral";
}

namespace {

bool wsp(char c) { return c == ' ' || c == '\t'; }

std::string crlf_lines(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + raw.size() / 40);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) out += '\r';
    out += raw[i];
  }
  return out;
}

// tag=value; pairs with whitespace removed around them; nullopt on a duplicate tag.
std::optional<std::map<std::string, std::string>> tag_list(std::string_view v) {
  std::map<std::string, std::string> tags;
  for (auto part : text::split(v, ';')) {
    std::string_view p = text::trim(part);
    if (p.empty()) continue;
    auto eq = p.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string name(text::trim(p.substr(0, eq)));
    std::string value(text::trim(p.substr(eq + 1)));
    if (!tags.emplace(name, value).second) return std::nullopt;
  }
  return tags;
}

std::string strip_wsp(std::string_view v) {
  std::string out;
  for (char c : v)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

std::string base64_decode(std::string_view in) {
  std::string clean = strip_wsp(in);
  std::string out((clean.size() / 4 + 1) * 3, '\0');
  EVP_ENCODE_CTX* ctx = EVP_ENCODE_CTX_new();
  int len = 0, fin = 0;
  EVP_DecodeInit(ctx);
  if (EVP_DecodeUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                       reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size())) < 0 ||
      EVP_DecodeFinal(ctx, reinterpret_cast<unsigned char*>(out.data()) + len, &fin) < 0) {
    EVP_ENCODE_CTX_free(ctx);
    return "";
  }
  EVP_ENCODE_CTX_free(ctx);
  out.resize(static_cast<std::size_t>(len + fin));
  return out;
}

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

// The DKIM-Signature field with the value of b= removed (RFC 6376 §3.7), everything else as written.
std::string without_b(const std::string& field) {
  std::string out = field;
  std::size_t colon = out.find(':');
  std::size_t pos = colon;
  while (pos != std::string::npos && pos < out.size()) {
    // Find a tag name "b" at a tag start: after ':' or ';', optional whitespace.
    std::size_t start = pos + 1;
    while (start < out.size() && std::isspace(static_cast<unsigned char>(out[start]))) ++start;
    std::size_t eq = start;
    while (eq < out.size() && !std::isspace(static_cast<unsigned char>(out[eq])) && out[eq] != '=' && out[eq] != ';') ++eq;
    std::size_t after = eq;
    while (after < out.size() && std::isspace(static_cast<unsigned char>(out[after]))) ++after;
    std::size_t semi = out.find(';', start);
    if (out.compare(start, eq - start, "b") == 0 && after < out.size() && out[after] == '=') {
      std::size_t value_end = semi == std::string::npos ? out.size() : semi;
      // Keep a trailing CRLF of the field (it is not part of the value).
      std::size_t value_start = after + 1;
      std::string tail = out.substr(value_end);
      std::string value = out.substr(value_start, value_end - value_start);
      std::string kept;
      if (semi == std::string::npos && value.size() >= 2 && value.compare(value.size() - 2, 2, "\r\n") == 0) kept = "\r\n";
      out = out.substr(0, value_start) + kept + tail;
      return out;
    }
    pos = semi;
  }
  return out;
}

using PkeyPtr = std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)>;

PkeyPtr load_key(const std::string& algorithm_key, const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  if (algorithm_key == "ed25519") {
    if (der.size() != 32) return {nullptr, EVP_PKEY_free};
    return {EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, p, der.size()), EVP_PKEY_free};
  }
  EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (!k) {  // some publish a bare RSAPublicKey
    p = reinterpret_cast<const unsigned char*>(der.data());
    k = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size()));
  }
  return {k, EVP_PKEY_free};
}

bool verify_signature(EVP_PKEY* key, const std::string& alg, const std::string& data, const std::string& sig) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  const auto* s = reinterpret_cast<const unsigned char*>(sig.data());
  if (alg == "ed25519-sha256") {
    // RFC 8463 §3: Ed25519 (pure) signs the SHA-256 hash of the data.
    std::string h = digest(EVP_sha256(), data);
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1) return false;
    return EVP_DigestVerify(ctx.get(), s, sig.size(), reinterpret_cast<const unsigned char*>(h.data()), h.size()) == 1;
  }
  const EVP_MD* md = alg == "rsa-sha1" ? EVP_sha1() : EVP_sha256();
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) return false;
  return EVP_DigestVerify(ctx.get(), s, sig.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

void set(DkimSignature& s, DkimResult r, std::string kind, std::string reason) {
  s.result = r;
  s.kind = std::move(kind);
  s.reason = std::move(reason);
}

void verify_one(DkimSignature& s, const RawParts& parts, std::size_t sig_index, dns::Resolver& dns, std::time_t now,
                long future_slack) {
  const RawHeader& field = parts.headers[sig_index];
  std::string value = field.field.substr(field.field.find(':') + 1);
  auto tags = tag_list(value);
  if (!tags) return set(s, DkimResult::permerror, "syntax", "a tag appears twice");
  auto get = [&](const char* t) { auto it = tags->find(t); return it == tags->end() ? std::string() : it->second; };
  for (const char* required : {"v", "a", "b", "bh", "d", "h", "s"})
    if (!tags->count(required)) return set(s, DkimResult::permerror, "syntax", std::string("missing tag ") + required + "=");
  s.domain = text::lower(get("d"));
  s.selector = text::lower(get("s"));
  s.algorithm = text::lower(get("a"));
  if (!get("c").empty()) s.canonicalization = text::lower(get("c"));
  s.identity = get("i");
  const std::string h_tag = get("h");  // split() returns views: keep the string alive
  for (auto h : text::split(h_tag, ':')) s.signed_headers.push_back(text::lower(strip_wsp(h)));
  if (get("v") != "1") return set(s, DkimResult::permerror, "syntax", "v= is not 1");
  if (!get("l").empty()) s.body_length = std::strtoull(get("l").c_str(), nullptr, 10);
  if (!get("t").empty()) s.timestamp = std::strtol(get("t").c_str(), nullptr, 10);
  if (!get("x").empty()) s.expires = std::strtol(get("x").c_str(), nullptr, 10);
  if (s.algorithm != "rsa-sha256" && s.algorithm != "rsa-sha1" && s.algorithm != "ed25519-sha256")
    return set(s, DkimResult::permerror, "syntax", "unknown algorithm " + s.algorithm);
  s.weak_hash = s.algorithm == "rsa-sha1";
  if (std::find(s.signed_headers.begin(), s.signed_headers.end(), "from") == s.signed_headers.end())
    return set(s, DkimResult::permerror, "syntax", "h= does not include From (RFC 6376 §5.4)");
  if (!s.identity.empty()) {
    std::string idom = text::lower(s.identity.substr(s.identity.rfind('@') + 1));
    if (idom != s.domain && !idom.ends_with("." + s.domain))
      return set(s, DkimResult::permerror, "syntax", "i= is not in d= " + s.domain);
  }
  if (s.expires && *s.expires < now) return set(s, DkimResult::permerror, "expired", "expired at x=" + std::to_string(*s.expires));
  // A signing time ahead of the verifier's clock beyond the allowance verifiers give for skewed clocks:
  // dkimpy raises "timestamp in future", OpenDKIM DKIM_SIGERROR_FUTURE.
  if (s.timestamp && *s.timestamp > now + future_slack)
    return set(s, DkimResult::fail, "future",
               "t=" + std::to_string(*s.timestamp) + " is " + std::to_string(*s.timestamp - now) +
                   " seconds in the future, beyond the " + std::to_string(future_slack) + " s verifiers allow for skewed clocks");
  auto slash = s.canonicalization.find('/');
  std::string hcanon = s.canonicalization.substr(0, slash);
  std::string bcanon = slash == std::string::npos ? "simple" : s.canonicalization.substr(slash + 1);
  if ((hcanon != "simple" && hcanon != "relaxed") || (bcanon != "simple" && bcanon != "relaxed"))
    return set(s, DkimResult::permerror, "syntax", "unknown canonicalization " + s.canonicalization);

  // The key.
  dns::Answer key = dns.lookup(s.selector + "._domainkey." + s.domain, dns::RRType::TXT);
  s.evidence.push_back(key);
  if (key.status == dns::Status::OFFLINE) return set(s, DkimResult::temperror, "offline", "not looked up offline");
  if (key.unknown()) return set(s, DkimResult::temperror, "temperror", "key lookup " + std::string(dns::to_string(key.status)));
  if (key.records.empty()) return set(s, DkimResult::permerror, "key_missing", "no key record at " + key.name);
  auto ktags = tag_list(key.records.front().value);
  if (!ktags) return set(s, DkimResult::permerror, "key_invalid", "the key record has a duplicate tag");
  auto kget = [&](const char* t) { auto it = ktags->find(t); return it == ktags->end() ? std::string() : it->second; };
  if (!kget("v").empty() && kget("v") != "DKIM1") return set(s, DkimResult::permerror, "key_invalid", "key v= is not DKIM1");
  if (!ktags->count("p")) return set(s, DkimResult::permerror, "key_invalid", "the key record has no p=");
  if (strip_wsp(kget("p")).empty()) return set(s, DkimResult::permerror, "key_revoked", "the key is revoked (empty p=)");
  std::string k = kget("k").empty() ? "rsa" : text::lower(kget("k"));
  std::string kt = text::lower(kget("t"));
  s.testing = kt.find('y') != std::string::npos;
  if (kt.find('s') != std::string::npos && !s.identity.empty() &&
      text::lower(s.identity.substr(s.identity.rfind('@') + 1)) != s.domain)
    return set(s, DkimResult::permerror, "key_invalid", "the key has t=s but i= is a subdomain");
  if ((k == "ed25519") != (s.algorithm == "ed25519-sha256"))
    return set(s, DkimResult::permerror, "key_invalid", "key type " + k + " does not fit " + s.algorithm);
  PkeyPtr pkey = load_key(k, base64_decode(kget("p")));
  if (!pkey) return set(s, DkimResult::permerror, "key_invalid", "p= is not a valid " + k + " public key");
  if (k == "rsa") {
    s.key_bits = EVP_PKEY_bits(pkey.get());
    if (s.key_bits < 1024) return set(s, DkimResult::permerror, "key_weak", "RSA key of " + std::to_string(s.key_bits) + " bits (RFC 8301: under 1024 is not valid)");
  }

  // Body hash.
  std::string body = canonical_body(parts.body, bcanon == "relaxed");
  if (s.body_length) {
    if (*s.body_length > body.size()) return set(s, DkimResult::fail, "fail", "l= is longer than the body");
    body.resize(*s.body_length);
  }
  const EVP_MD* md = s.algorithm == "rsa-sha1" ? EVP_sha1() : EVP_sha256();
  std::string bh = base64_decode(get("bh"));
  if (digest(md, body) != bh) return set(s, DkimResult::fail, "fail", "body hash mismatch (the body changed after signing)");

  // Header hash input: h= fields bottom-up, each instance used once; then this signature without b=.
  std::string data;
  std::map<std::string, std::size_t> used;  // name -> instances consumed from the bottom
  for (const auto& name : s.signed_headers) {
    std::size_t skip = used[name]++;
    for (std::size_t i = parts.headers.size(); i-- > 0;) {
      if (!text::iequals(parts.headers[i].name, name)) continue;
      if (skip-- > 0) continue;
      data += canonical_header(parts.headers[i], hcanon == "relaxed");
      break;
    }
  }
  RawHeader self{field.name, without_b(field.field)};
  std::string canon_self = canonical_header(self, hcanon == "relaxed");
  if (canon_self.size() >= 2 && canon_self.compare(canon_self.size() - 2, 2, "\r\n") == 0) canon_self.resize(canon_self.size() - 2);
  data += canon_self;
  if (!verify_signature(pkey.get(), s.algorithm, data, base64_decode(get("b"))))
    return set(s, DkimResult::fail, "fail", "signature mismatch (a signed header changed, or the wrong key)");
  set(s, DkimResult::pass, "pass", "");
}

}  // namespace

RawParts split_raw(std::string_view raw_in) {
  RawParts parts;
  std::string raw = crlf_lines(raw_in);
  std::size_t pos = 0;
  while (pos < raw.size()) {
    if (raw.compare(pos, 2, "\r\n") == 0) {
      pos += 2;
      break;
    }
    std::size_t end = pos;
    do {
      std::size_t nl = raw.find("\r\n", end);
      end = nl == std::string::npos ? raw.size() : nl + 2;
    } while (end < raw.size() && wsp(raw[end]));
    std::string field = raw.substr(pos, end - pos);
    std::size_t colon = field.find(':');
    if (colon != std::string::npos) {
      std::string name(text::trim(field.substr(0, colon)));
      parts.headers.push_back({name, field});
    }
    pos = end;
    if (parts.headers.size() > 5000) break;
  }
  parts.body = pos < raw.size() ? raw.substr(pos) : "";
  return parts;
}

std::string canonical_body(std::string_view body, bool relaxed) {
  std::string out;
  out.reserve(body.size());
  if (!relaxed) {
    out = std::string(body);
  } else {
    std::size_t i = 0;
    while (i < body.size()) {
      std::size_t nl = body.find("\r\n", i);
      std::string_view line = body.substr(i, nl == std::string_view::npos ? body.size() - i : nl - i);
      std::string l;
      bool in_wsp = false;
      for (char c : line) {
        if (wsp(c)) in_wsp = true;
        else {
          if (in_wsp) l += ' ';
          in_wsp = false;
          l += c;
        }
      }
      out += l;
      if (nl == std::string_view::npos) break;
      out += "\r\n";
      i = nl + 2;
    }
  }
  // Both: drop empty lines at the end; a non-empty body ends in exactly one CRLF.
  while (out.size() >= 2 && out.compare(out.size() - 2, 2, "\r\n") == 0 &&
         (out.size() == 2 || out.compare(out.size() - 4, 2, "\r\n") == 0))
    out.resize(out.size() - 2);
  if (!out.empty() && !(out.size() >= 2 && out.compare(out.size() - 2, 2, "\r\n") == 0)) out += "\r\n";
  if (out.empty() && !relaxed) out = "\r\n";
  return out;
}

std::string canonical_header(const RawHeader& h, bool relaxed) {
  if (!relaxed) return h.field;
  std::string value = h.field.substr(h.field.find(':') + 1);
  std::string v;
  bool in_wsp = false;
  for (char c : value) {
    if (c == '\r' || c == '\n') continue;  // unfold
    if (wsp(c)) in_wsp = true;
    else {
      if (in_wsp && !v.empty()) v += ' ';
      in_wsp = false;
      v += c;
    }
  }
  return text::lower(h.name) + ":" + v + "\r\n";
}

namespace {

// A header section line starting "DKIM-Signature" (any case): without one there is nothing to verify, and
// the copy of the whole message that verification canonicalises is not made.
bool has_signature_field(std::string_view raw) {
  constexpr std::string_view name = "dkim-signature";
  for (std::size_t at = 0; at < raw.size();) {
    std::size_t nl = raw.find('\n', at);
    std::string_view line = raw.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
    if (line.empty() || line == "\r") return false;  // the end of the header section
    if (text::istarts_with(line, name)) return true;
    if (nl == std::string_view::npos) return false;
    at = nl + 1;
  }
  return false;
}

}  // namespace

std::vector<DkimSignature> verify_dkim(const Message& m, dns::Resolver& dns, std::time_t now, long future_slack) {
  std::vector<DkimSignature> out;
  if (!has_signature_field(m.raw)) return out;
  RawParts parts = split_raw(m.raw);
  for (std::size_t i = 0; i < parts.headers.size() && out.size() < 20; ++i) {
    if (!text::iequals(parts.headers[i].name, "DKIM-Signature")) continue;
    DkimSignature s;
    s.header = text::printable(parts.headers[i].field, 2000);
    verify_one(s, parts, i, dns, now, future_slack);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> signing_domains(const Message& m) {
  std::vector<std::string> out;
  for (const auto& f : m.headers) {
    if (!text::iequals(f.name, "DKIM-Signature") && !text::iequals(f.name, "DomainKey-Signature")) continue;
    for (auto tag : text::split(f.value, ';')) {
      std::string_view t = text::trim(tag);
      auto eq = t.find('=');
      if (eq == std::string_view::npos || text::trim(t.substr(0, eq)) != "d") continue;
      std::string d = dns::normalise_name(strip_wsp(t.substr(eq + 1)));
      if (dns::is_hostname(d) && d.find('.') != std::string::npos &&
          std::find(out.begin(), out.end(), d) == out.end())
        out.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace mailaudit::auth
