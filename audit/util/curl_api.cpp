#include "util/curl_api.hpp"

#include <dlfcn.h>

#include <mutex>

namespace mailaudit {

namespace {

// Each function by name; false when one is missing (an older or broken libcurl).
template <typename F>
bool bind(void* lib, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(lib, name));
  return out != nullptr;
}

const CurlApi* open_curl() {
  void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!lib) return nullptr;
  static CurlApi api{};
  CURLcode (*global_init)(long) = nullptr;
  bool ok = bind(lib, "curl_global_init", global_init) && bind(lib, "curl_easy_init", api.easy_init) &&
            bind(lib, "curl_easy_setopt", api.easy_setopt) && bind(lib, "curl_easy_perform", api.easy_perform) &&
            bind(lib, "curl_easy_getinfo", api.easy_getinfo) && bind(lib, "curl_easy_cleanup", api.easy_cleanup) &&
            bind(lib, "curl_easy_strerror", api.easy_strerror) && bind(lib, "curl_slist_append", api.slist_append) &&
            bind(lib, "curl_slist_free_all", api.slist_free_all) && bind(lib, "curl_url", api.url) &&
            bind(lib, "curl_url_set", api.url_set) && bind(lib, "curl_url_get", api.url_get) &&
            bind(lib, "curl_url_cleanup", api.url_cleanup) && bind(lib, "curl_free", api.free);
  // Not thread-safe in libcurl itself, hence here, under the once flag, before any handle exists.
  if (!ok || global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return nullptr;
  return &api;  // the library stays open for the life of the process
}

}  // namespace

const CurlApi* curl_api() {
  static std::once_flag once;
  static const CurlApi* api = nullptr;
  std::call_once(once, [] { api = open_curl(); });
  return api;
}

}  // namespace mailaudit
