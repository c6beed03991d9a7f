#include "engine/check.hpp"

#include <algorithm>
#include <future>
#include <stdexcept>

#include "util/text.hpp"
#include "util/worker_pool.hpp"

namespace mailaudit {

namespace {

// The check.failed finding; without its rules entry (a --rules overlay the start-up validation let
// through) still a finding, never a second exception.
Finding check_failed(const Context& ctx, std::string_view check, const std::string& what) {
  Args args{{"check", std::string(check)}, {"what", what}};
  if (ctx.rules.finding("check.failed")) return ctx.make("check.failed", args);
  Finding f;
  f.id = "check.failed";
  f.severity = Severity::warning;
  f.title = std::string(check) + ": " + what;
  return f;
}

}  // namespace

std::string Context::word(std::string_view key, const Args& args) const { return text::fill(rules.word(key), args); }

std::string missing_context(const Check& check, const Envelope& env) {
  for (auto need : check.needs) {
    bool have = (need == "ip" && env.ip) || (need == "helo" && env.helo) || (need == "mail_from" && env.mail_from) ||
                (need == "rcpt" && !env.rcpt.empty());
    if (!have) {
      std::string option(need == "mail_from" ? "mail-from" : need);
      return std::string(check.id) + ": needs --" + option;
    }
  }
  return "";
}

namespace {

// Nothing a check does can wait: answers come from zone files or not at all, and no link is followed.
// The checks then run one after another on the calling thread (a batch's messages already keep every
// core busy), sparing a hand-off to the pool and back per check.
bool nothing_waits(const Context& ctx) {
  const std::string mode = ctx.dns.mode();
  return (mode == "offline" || mode == "zones") && !ctx.options.follow_links;
}

}  // namespace

std::vector<Finding> run_checks(const std::vector<Check>& checks, const Context& ctx) {
  std::vector<Finding> all;
  auto collect = [&](const Check& check, std::vector<Finding> found) {
    for (auto& f : found) {
      f.check = std::string(check.id);
      all.push_back(std::move(f));
    }
  };
  if (nothing_waits(ctx)) {
    for (const auto& check : checks) {
      std::vector<Finding> found;
      try {
        found = check.run(ctx);
      } catch (const std::exception& e) {
        found = {check_failed(ctx, check.id, e.what())};
      }
      collect(check, std::move(found));
    }
  } else {
    // Checks wait on DNS (answered by the resolver's own thread), never on each other, so a pool with a
    // thread per check keeps every check's lookups in flight together; it lives as long as the process.
    static WorkerPool pool(std::max<std::size_t>(32, checks.size()));
    std::vector<std::future<std::vector<Finding>>> running;
    running.reserve(checks.size());
    for (const auto& check : checks) running.push_back(pool.submit([&check, &ctx] { return check.run(ctx); }));

    // Every task holds `ctx`: wait for all of them before anything below may throw, so no task outlives
    // the Context it reads (a throw here used to unwind while tasks still ran).
    for (auto& r : running) r.wait();
    for (std::size_t i = 0; i < checks.size(); ++i) {
      std::vector<Finding> found;
      try {
        found = running[i].get();
      } catch (const std::exception& e) {
        found = {check_failed(ctx, checks[i].id, e.what())};
      }
      collect(checks[i], std::move(found));
    }
  }
  // Stable: within one stage and severity, the registry's order and each check's own order stay.
  std::stable_sort(all.begin(), all.end(), [](const Finding& a, const Finding& b) {
    if (a.stage != b.stage) return a.stage < b.stage;
    return a.severity < b.severity;
  });
  return all;
}

}  // namespace mailaudit
