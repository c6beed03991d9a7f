// Where the report goes: stdout or --output FILE; whether colour is wanted.
#pragma once
#include <cstdio>
#include <string>

namespace mailaudit::cli {

class Output {
 public:
  // Opens FILE for writing, or stdout when path is empty. Throws std::runtime_error with a one-line reason.
  explicit Output(const std::string& path);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void write(const std::string& s);
  // Colour only on a terminal, and never when NO_COLOR is set.
  bool is_terminal() const { return terminal_; }

 private:
  std::FILE* f_;
  bool owned_;
  bool terminal_;
};

// Now as RFC 3339 UTC, e.g. 2026-11-27T21:00:00Z.
std::string utc_now();

}  // namespace mailaudit::cli
