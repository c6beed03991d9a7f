// rspamd over HTTP with libcurl; every transport or parse failure is an unavailable verdict.
#include "content/rspamd_client.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "util/curl_api.hpp"

namespace mailaudit::content {
namespace {

// `reason` is a key of [content] in rules/words.toml ("reason_" + key); `detail` fills its {detail}.
Verdict unavailable(std::string reason, std::string detail = "") {
  Verdict v;
  v.engine = "rspamd";
  v.reason = std::move(reason);
  v.reason_detail = std::move(detail);
  return v;
}

struct Sink {
  std::string data;
  size_t cap;
  bool over = false;
};

size_t write_cb(char* p, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  if (s->data.size() + size * n > s->cap) {
    s->over = true;
    return 0;
  }
  s->data.append(p, size * n);
  return size * n;
}

}  // namespace

Verdict parse_rspamd_reply(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return unavailable("not_json");
  if (j.contains("error")) return unavailable("engine_error", j["error"].dump());
  if (!j.contains("action") || !j["action"].is_string() || !j.contains("score") || !j["score"].is_number() ||
      !j.contains("required_score") || !j["required_score"].is_number())
    return unavailable("incomplete_answer");
  Verdict v;
  v.engine = "rspamd";
  v.action = j["action"].get<std::string>();
  v.score = j["score"].get<double>();
  v.threshold = j["required_score"].get<double>();
  if (j.contains("symbols") && j["symbols"].is_object())
    for (const auto& [name, s] : j["symbols"].items()) {
      Symbol sym;
      sym.name = name;
      if (s.is_object()) {
        if (s.contains("score") && s["score"].is_number()) sym.score = s["score"].get<double>();
        if (s.contains("description") && s["description"].is_string())
          sym.description = s["description"].get<std::string>();
      }
      v.symbols.push_back(std::move(sym));
    }
  std::stable_sort(v.symbols.begin(), v.symbols.end(),
                   [](const Symbol& a, const Symbol& b) { return a.score > b.score; });
  v.available = true;
  return v;
}

Verdict rspamd_check(const std::string& url, const std::string& message, const ClientContext& c,
                     const RspamdEnvelope& e, const std::string& password, const EngineOptions& o) {
  if (message.size() > o.max_message_bytes)
    return unavailable("too_large", std::to_string(message.size()));
  const CurlApi* curl = curl_api();
  CURL* h = curl ? curl->easy_init() : nullptr;
  if (!h) return unavailable("no_client");
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string endpoint = base + "/checkv2";
  curl_slist* headers = nullptr;
  auto add = [&](const std::string& name, const std::string& value) {
    if (!value.empty()) headers = curl->slist_append(headers, (name + ": " + value).c_str());
  };
  add("IP", c.ip);
  add("Helo", c.helo);
  add("From", e.from);
  for (const auto& r : e.rcpt) add("Rcpt", r);
  add("Hostname", c.ptr.empty() ? "unknown" : c.ptr);
  add("Password", password);
  add("Expect", " ");
  Sink sink{{}, o.max_reply_bytes};
  curl->easy_setopt(h, CURLOPT_URL, endpoint.c_str());
  curl->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl->easy_setopt(h, CURLOPT_POST, 1L);
  curl->easy_setopt(h, CURLOPT_POSTFIELDS, message.data());
  curl->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl->easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout_ms));
  curl->easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(o.total_timeout_ms));
  curl->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl->easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
  curl->easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  const CURLcode rc = curl->easy_perform(h);
  long status = 0;
  curl->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl->slist_free_all(headers);
  curl->easy_cleanup(h);
  if (sink.over) return unavailable("answer_too_large");
  if (rc != CURLE_OK) return unavailable("transport", curl->easy_strerror(rc));
  if (status != 200) return unavailable("http_status", std::to_string(status));
  return parse_rspamd_reply(sink.data);
}

}  // namespace mailaudit::content
