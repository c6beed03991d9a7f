// The hostile input shapes of issue 17, each generated at any size: deep nesting, many siblings, a very long
// line, many RFC 2047 encoded words, redirect chains, link-dense HTML. Shared by tests/perf/shape_test.cpp
// (the time ratio between 1 MB and 8 MB) and tests/bench/bench_shapes.cpp (MB/s per core).
#pragma once
#include <time.h>

#include <functional>
#include <string>
#include <vector>

namespace mailaudit::test {

// The process's CPU time in seconds (every thread: the audit's pools too).
inline double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

inline std::string headers(const std::string& content_type, const std::string& extra = "") {
  return "From: News <news@news.example.com>\r\nTo: reader@example.net\r\nSubject: shape\r\n"
         "Date: Fri, 27 Nov 2026 09:00:00 +0000\r\nMessage-ID: <shape@news.example.com>\r\nMIME-Version: 1.0\r\n" +
         extra + "Content-Type: " + content_type + "\r\n\r\n";
}

// `unit(i)` repeated until the message holds `size` bytes.
inline std::string repeat(std::string head, std::size_t size, const std::function<std::string(std::size_t)>& unit,
                   const std::string& tail = "") {
  head.reserve(size + tail.size() + 256);
  for (std::size_t i = 0; head.size() < size; ++i) head += unit(i);
  return head + tail;
}

struct Shape {
  const char* label;
  std::function<std::string(std::size_t)> make;
};

inline const std::vector<Shape>& shapes() {
  static const std::vector<Shape> all = {
    {"deep nesting (<div> in <div> ...)",
     [](std::size_t n) {
       return repeat(headers("text/html; charset=utf-8") + "<html><body>", n, [](std::size_t) { return "<div>"; },
                     "<a href=\"https://deep.example.com/x\">x</a>\r\n");
     }},
    {"many siblings (table cells, a link in every hundredth)",
     [](std::size_t n) {
       return repeat(headers("text/html; charset=utf-8") + "<html><body><table><tr>", n, [](std::size_t i) {
         return i % 100 ? std::string("<td class=c>cell</td>\r\n")
                        : "<td><a href=\"https://s.example.com/p" + std::to_string(i) + "\">link</a></td>\r\n";
       });
     }},
    {"a very long line (text, a URL every ~2 KB)",
     [](std::size_t n) {
       return repeat(headers("text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit\r\n"), n,
                     [](std::size_t i) {
                       return i % 60 ? std::string("words and more words ")
                                     : " https://l.example.com/x?i=" + std::to_string(i) + " ";
                     },
                     "\r\n");
     }},
    {"many RFC 2047 encoded words in headers",
     [](std::size_t n) {
       // Fields of ~4 KB of folded encoded words, after a Subject of them; a short body.
       std::string head = "From: =?UTF-8?B?w6lkaXRpb24=?= <news@news.example.com>\r\nTo: reader@example.net\r\nSubject:";
       for (int i = 0; i < 1500; ++i) head += " =?UTF-8?Q?=C3=A9t=C3=A9_" + std::to_string(i) + "?=\r\n";
       std::size_t field = 0;
       std::string body = "Date: Fri, 27 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
                          "see https://e.example.com/\r\n";
       while (head.size() + body.size() < n) {
         head += "X-Words-" + std::to_string(field++) + ":";
         for (int w = 0; w < 130; ++w) head += " =?UTF-8?B?w6nDqcOpw6nDqQ==?=\r\n";
       }
       return head + body;
     }},
    {"redirect chains (tracked links 20 deep, one per line)",
     [](std::size_t n) {
       return repeat(headers("text/plain; charset=utf-8"), n, [](std::size_t i) {
         std::string line;
         for (int d = 0; d < 20; ++d) line += "http://h" + std::to_string(d) + ".example.org/?u=";
         return line + "http://end.example.org/" + std::to_string(i) + "\r\n";
       });
     }},
    {"link-dense HTML (a tracked link every ~150 bytes)",
     [](std::size_t n) {
       return repeat(headers("text/html; charset=utf-8") + "<html><body><table>", n, [](std::size_t i) {
         return "<tr><td><a href=\"https://click.example.com/c/" + std::to_string(i) +
                "?u=42&amp;utm_source=news\">Offer " + std::to_string(i) + "</a></td></tr>\r\n";
       });
     }},
  };
  return all;
}

}  // namespace mailaudit::test
