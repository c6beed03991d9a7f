// util/curl_api: libcurl opened on first use. The rows go through the function table as the URL and HTTP
// code does, so a wrong symbol name or signature fails here rather than in a link-following run.
#include <catch2/catch.hpp>
#include <string>

#include "util/curl_api.hpp"

using namespace mailaudit;

TEST_CASE("curl_api: libcurl opens on first use and its functions answer", "[unit]") {
  const CurlApi* curl = curl_api();
  REQUIRE(curl != nullptr);
  CHECK(curl_api() == curl);  // opened once

  struct Row {
    std::string label, base, ref, want;
  };
  const Row rows[] = {
      {"relative path", "https://a.example/x/y", "z", "https://a.example/x/z"},
      {"parent folder", "https://a.example/x/y", "../z", "https://a.example/z"},
      {"absolute path", "https://a.example/x/y", "/z?q=1", "https://a.example/z?q=1"},
      {"query only", "https://a.example/x/y", "?q=1", "https://a.example/x/y?q=1"},
      {"another host", "https://a.example/x/y", "https://b.example/", "https://b.example/"},
  };
  for (const auto& row : rows) {
    CURLU* u = curl->url();
    REQUIRE(u != nullptr);
    char* joined = nullptr;
    CHECK(curl->url_set(u, CURLUPART_URL, row.base.c_str(), 0) == CURLUE_OK);
    CHECK(curl->url_set(u, CURLUPART_URL, row.ref.c_str(), 0) == CURLUE_OK);
    CHECK(curl->url_get(u, CURLUPART_URL, &joined, 0) == CURLUE_OK);
    std::string got = joined ? joined : "";
    curl->free(joined);
    curl->url_cleanup(u);
    INFO(row.label << ": got " << got << ", want " << row.want);
    CHECK(got == row.want);
  }

  CURL* h = curl->easy_init();
  REQUIRE(h != nullptr);
  CHECK(curl->easy_setopt(h, CURLOPT_URL, "http://127.0.0.1:1/") == CURLE_OK);
  curl_slist* list = curl->slist_append(nullptr, "X-Test: 1");
  CHECK(list != nullptr);
  curl->slist_free_all(list);
  curl->easy_cleanup(h);
  const std::string said = curl->easy_strerror(CURLE_OPERATION_TIMEDOUT);
  INFO("easy_strerror: got \"" << said << "\", want a sentence");
  CHECK(!said.empty());
}
