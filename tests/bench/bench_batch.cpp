// Batch benchmark: N personalised variants of one campaign message in an mbox, audited with a full sending
// context against NSD on 127.0.0.1 through the same pipeline and DNS stack as `mailaudit check`.
// Prints messages/s, peak memory, and DNS questions sent against distinct (name, type) pairs asked.
//   bench_batch [N=10000] [JOBS=cores] [SHAPE=small|newsletter]   (JOBS 1 = one message at a time)
// `newsletter` is the campaign shape of issue 17: about 63 KB of table-laid HTML per message, 150 tracked
// links over 12 hosts, images and a text part, personalised per recipient.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/audit.hpp"
#include "engine/batch.hpp"
#include "dns/dns_stack.hpp"
#include "nsd_server.hpp"
#include "registry.hpp"

using namespace mailaudit;

namespace {

// One newsletter body for reader `i`: rows of image, headline, text and tracked links, about 63 KB.
std::string newsletter_html(int i) {
  static const char* hosts[] = {"news.example.com", "click.news.example.com", "img.news.example.com",
                                "shop.example.com", "www.example.com",        "example.net",
                                "blog.example.org", "cdn.example.net",        "track.example.com",
                                "help.example.com", "social.example.org",     "offers.example.com"};
  std::ostringstream h;
  h << "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>td{font-family:Arial}"
       ".btn{background:url(https://img.news.example.com/bg.png)}</style></head><body>"
       "<table width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" align=\"center\">\n";
  for (int row = 0; row < 150; ++row) {
    const char* host = hosts[row % 12];
    h << "<tr><td style=\"padding:8px 16px;color:#333333;font-size:14px;line-height:20px\">"
      << "<img src=\"https://img.news.example.com/p/" << row << ".jpg\" width=\"120\" height=\"80\" alt=\"Item "
      << row << "\">" << "<h3 style=\"margin:0\">Offer " << row << " for reader " << i << "</h3>"
      << "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
         "labore et dolore magna aliqua &amp; more, see our terms.</p>"
      << "<a href=\"https://" << host << "/c/" << row << "?u=" << i << "&amp;utm_source=news&amp;utm_medium=email\""
      << " style=\"color:#0066cc\">Read more</a></td></tr>\n";
  }
  h << "</table><p><a href=\"https://news.example.com/u/" << i << "\">Unsubscribe</a></p></body></html>\n";
  return h.str();
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  std::size_t jobs = argc > 2 ? static_cast<std::size_t>(std::max(1, std::atoi(argv[2]))) : default_jobs();
  const bool newsletter = argc > 3 && std::string(argv[3]) == "newsletter";
  auto& nsd = test::fixture_nsd();
  std::filesystem::path mbox = std::filesystem::temp_directory_path() / "mailaudit-bench-batch.mbox";
  {
    std::ofstream out(mbox, std::ios::binary);
    for (int i = 0; i < n; ++i) {
      out << "From bounces@news.example.com Fri Nov 27 09:00:00 2026\n"
          << "From: Example News <news@news.example.com>\nTo: reader" << i << "@example.net\n"
          << "Subject: November offers for reader " << i << "\nDate: Fri, 27 Nov 2026 09:00:00 +0000\n"
          << "Message-ID: <" << i << ".campaign@news.example.com>\nMIME-Version: 1.0\n"
          << "List-Unsubscribe: <https://news.example.com/u/" << i << ">\n"
          << "Content-Type: multipart/alternative; boundary=\"b\"\n\n"
          << "--b\nContent-Type: text/plain; charset=utf-8\n\nHello reader " << i
          << ", our offers: https://news.example.com/offers?r=" << i << "\n"
          << "--b\nContent-Type: text/html; charset=utf-8\n\n";
      if (newsletter) out << newsletter_html(i);
      else out << "<p>Hello reader " << i << ", <a href=\"https://news.example.com/offers?r=" << i << "\">our offers</a></p>\n";
      out << "--b--\n\n";
    }
  }
  dns::DnsSettings ds;
  ds.resolvers = {nsd.address()};
  dns::DnsStack stack(ds);
  rules::Rules rules = rules::Rules::builtin();
  AuditSettings settings{rules, stack.resolver(), checks::registry(), {}, {}};
  Envelope env;
  env.ip = "192.0.2.10";
  env.helo = "mail.news.example.com";
  env.mail_from = "bounces@news.example.com";

  std::set<std::pair<std::string, dns::RRType>> distinct;
  std::size_t messages = 0, failed = 0, bytes = 0;
  env.rcpt = {"reader@example.net"};
  auto t0 = std::chrono::steady_clock::now();
  audit_inputs({mbox.string()}, env, settings, jobs, [&](Report&& r) {
    bytes += r.message.size;
    for (const auto& q : r.dns.queries) distinct.insert({q.name, q.type});
    failed += summarise(r).verdict == Verdict::fail;
    ++messages;
  });
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  std::printf("batch bench: %zu messages (%.1f MB mbox) in %.2f s on %zu jobs: %.0f messages/s, CPU/wall %.2f\n",
              messages, static_cast<double>(bytes) / 1e6, secs, jobs, static_cast<double>(messages) / secs, cpu / secs);
  std::printf("batch bench: peak RSS %.1f MB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  std::printf("batch bench: DNS questions sent %zu, distinct (name, type) asked %zu, cache hits %zu\n",
              stack.live()->questions_sent(), distinct.size(), stack.cache().hits());
  std::printf("batch bench: messages with a failing verdict %zu\n", failed);
  std::filesystem::remove(mbox);
  return stack.live()->questions_sent() == distinct.size() ? 0 : 1;
}
