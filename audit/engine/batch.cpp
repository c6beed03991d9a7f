#include "engine/batch.hpp"

#include <deque>
#include <future>
#include <thread>

#include "util/worker_pool.hpp"

namespace mailaudit {

std::size_t default_jobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

void audit_inputs(const std::vector<std::string>& inputs, const Envelope& env, const AuditSettings& settings,
                  std::size_t jobs, const std::function<void(Report&&)>& sink) {
  if (jobs <= 1) {
    read_inputs(inputs, settings.limits, [&](RawMessage&& raw) { sink(audit_message(std::move(raw), env, settings)); });
    return;
  }
  // Its own threads: the checks of each message run on the engine's check pool, and a message task that
  // waited there for its own checks could starve it.
  WorkerPool pool(jobs);
  std::deque<std::future<Report>> pending;
  const std::size_t window = 2 * jobs;
  read_inputs(inputs, settings.limits, [&](RawMessage&& raw) {
    auto shared = std::make_shared<RawMessage>(std::move(raw));
    pending.push_back(pool.submit([shared, &env, &settings] { return audit_message(std::move(*shared), env, settings); }));
    while (pending.size() >= window) {
      Report r = pending.front().get();
      pending.pop_front();
      sink(std::move(r));
    }
  });
  while (!pending.empty()) {
    Report r = pending.front().get();
    pending.pop_front();
    sink(std::move(r));
  }
}

}  // namespace mailaudit
