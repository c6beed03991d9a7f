#include "dkim_signer.hpp"

#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "auth/dkim.hpp"
#include "dns/zone_set.hpp"
#include "util/text.hpp"

namespace mailaudit::test {

namespace fs = std::filesystem;


Pkey generate(int type, int bits) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(type, nullptr);
  EVP_PKEY* key = nullptr;
  EVP_PKEY_keygen_init(ctx);
  if (type == EVP_PKEY_RSA) EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits);
  EVP_PKEY_keygen(ctx, &key);
  EVP_PKEY_CTX_free(ctx);
  return {key, EVP_PKEY_free};
}

std::string b64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string public_key_b64(EVP_PKEY* key) {
  if (EVP_PKEY_id(key) == EVP_PKEY_ED25519) {
    std::string raw(32, '\0');
    std::size_t len = raw.size();
    EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &len);
    return b64(raw);
  }
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return b64(out);
}

std::string sha256(const std::string& d) {
  unsigned char md[32];
  unsigned int n = 0;
  EVP_Digest(d.data(), d.size(), md, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), n);
}

// A DKIM signer for tests, written from RFC 6376 §5 (relaxed/relaxed): sign `msg` (CRLF) and return it with
// the DKIM-Signature field on top.
std::string sign(const std::string& msg, EVP_PKEY* key, const std::string& d, const std::string& s, const std::string& h,
                 const std::string& t) {
  bool ed = EVP_PKEY_id(key) == EVP_PKEY_ED25519;
  auth::RawParts parts = auth::split_raw(msg);
  std::string value = " v=1; a=" + std::string(ed ? "ed25519-sha256" : "rsa-sha256") + "; c=relaxed/relaxed; d=" + d +
                      "; s=" + s + "; t=" + t + "; h=" + h + "; bh=" + b64(sha256(auth::canonical_body(parts.body, true))) + "; b=";
  std::string data;
  std::map<std::string, std::size_t> used;  // each instance once, bottom-up; a name listed once more adds nothing
  for (auto name : text::split(h, ':')) {
    std::size_t skip = used[std::string(name)]++;
    for (std::size_t i = parts.headers.size(); i-- > 0;)
      if (text::iequals(parts.headers[i].name, text::trim(name)) && skip-- == 0) {
        data += auth::canonical_header(parts.headers[i], true);
        break;
      }
  }
  std::string self = auth::canonical_header({"DKIM-Signature", "DKIM-Signature:" + value + "\r\n"}, true);
  data += self.substr(0, self.size() - 2);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string input = ed ? sha256(data) : data;
  EVP_DigestSignInit(ctx, nullptr, ed ? nullptr : EVP_sha256(), nullptr, key);
  std::size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return "DKIM-Signature:" + value + b64(sig) + "\r\n" + msg;
}

std::unique_ptr<dns::ZoneResolver> zone(const std::string& origin, const std::string& records) {
  fs::path dir = fs::temp_directory_path() / ("mailaudit-auth-" + std::to_string(::getpid()) + "-" + origin);
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / (origin + ".zone")) << "$ORIGIN " << origin << ".\n$TTL 300\n@ IN SOA ns.test. h.test. 1 60 60 60 60\n"
                                           << "@ IN NS ns.test.\n" << records;
  auto set = std::make_shared<dns::ZoneSet>();
  set->load_path(dir.string());
  return std::make_unique<dns::ZoneResolver>(set, nullptr);
}

std::string quoted_txt(const std::string& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); i += 200) out += " \"" + v.substr(i, 200) + "\"";
  return out;
}

}  // namespace mailaudit::test
