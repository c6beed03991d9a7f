#include "output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace mailaudit::cli {

Output::Output(const std::string& path) {
  if (path.empty() || path == "-") {
    f_ = stdout;
    owned_ = false;
    terminal_ = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  } else {
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
    owned_ = true;
    terminal_ = false;
  }
}

Output::~Output() {
  if (owned_) std::fclose(f_);
  else std::fflush(f_);
}

void Output::write(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), f_);
  std::fflush(f_);
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace mailaudit::cli
