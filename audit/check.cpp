#include "check.hpp"

#include <algorithm>
#include <future>
#include <stdexcept>

#include "util/text.hpp"
#include "util/worker_pool.hpp"

namespace mailaudit {

Finding Context::make(std::string_view id, const Args& args) const {
  const rules::FindingText* t = rules.finding(id);
  if (!t) throw std::logic_error("no rules entry for finding " + std::string(id));
  Finding f;
  f.id = t->id;
  f.stage = t->stage;
  f.severity = t->severity;
  f.title = text::fill(t->title, args);
  f.detail = text::fill(t->detail, args);
  f.remedy = text::fill(t->remedy, args);
  f.references = t->references;
  return f;
}

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

std::vector<Finding> run_checks(const std::vector<Check>& checks, const Context& ctx) {
  // Checks wait on DNS (answered by the resolver's own thread), never on each other, so a pool with a
  // thread per check keeps every check's lookups in flight together; it lives as long as the process.
  static WorkerPool pool(std::max<std::size_t>(32, checks.size()));
  std::vector<std::future<std::vector<Finding>>> running;
  running.reserve(checks.size());
  for (const auto& check : checks) running.push_back(pool.submit([&check, &ctx] { return check.run(ctx); }));

  std::vector<Finding> all;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    std::vector<Finding> found;
    try {
      found = running[i].get();
    } catch (const std::exception& e) {
      found = {ctx.make("check.failed", {{"check", std::string(checks[i].id)}, {"what", e.what()}})};
    }
    for (auto& f : found) {
      f.check = std::string(checks[i].id);
      all.push_back(std::move(f));
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
