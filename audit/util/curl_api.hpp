// libcurl, opened when first needed. Linking it costs every run about 3.5 ms of start-up (it brings some
// 30 shared libraries: TLS, Kerberos, LDAP, SSH...), while only following links, asking rspamd over HTTP
// and resolving a relative URL against <base> use it. The types come from <curl/curl.h>; the functions
// are looked up once, by name, in the library Debian's libcurl4 installs.
#pragma once
#include <curl/curl.h>

namespace mailaudit {

struct CurlApi {
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  void (*easy_cleanup)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
  CURLU* (*url)();
  CURLUcode (*url_set)(CURLU*, CURLUPart, const char*, unsigned int);
  CURLUcode (*url_get)(const CURLU*, CURLUPart, char**, unsigned int);
  void (*url_cleanup)(CURLU*);
  void (*free)(void*);
};

// The library, opened and globally initialised on the first call (thread-safe); nullptr when it cannot be
// opened or lacks a function: callers then say they cannot tell, as for any client failure.
const CurlApi* curl_api();

}  // namespace mailaudit
