#include "message/input.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace mailaudit {

namespace fs = std::filesystem;

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f && f != stdin) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

std::string too_large(std::size_t size, std::size_t limit) {
  return "message is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(limit) +
         " bytes (--max-size)";
}

// A message in an mbox starts at a "From " line at the start of the file or after an empty line.
class MboxSplitter {
 public:
  MboxSplitter(std::string source, const ParseLimits& limits, const std::function<void(RawMessage&&)>& sink)
      : source_(std::move(source)), limits_(limits), sink_(sink) {}

  // A piece of a line: the whole line, or (for lines longer than the read buffer) a part of it.
  // `at_start` says whether the piece starts a line; only such pieces can be separators or escapes.
  void line(std::string_view l, bool at_start = true) {
    const bool separator = at_start && l.rfind("From ", 0) == 0 && previous_blank_;
    std::string_view content = l;
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.remove_suffix(1);
    if (at_start) previous_blank_ = content.empty() && !l.empty() && l.back() == '\n';
    else if (!content.empty()) previous_blank_ = false;
    if (separator) {
      flush();
      started_ = true;
      return;  // the envelope line is not part of the message
    }
    if (!started_) return;
    // mboxrd: ">From " lines were escaped on writing; unescape one level.
    std::size_t gt = 0;
    while (at_start && gt < l.size() && l[gt] == '>') ++gt;
    if (gt > 0 && l.substr(gt).rfind("From ", 0) == 0) l.remove_prefix(1);
    size_ += l.size();
    if (size_ > limits_.max_message_bytes) {
      oversize_ = true;
      pending_ = {};
      current_.clear();
      return;
    }
    // Lines kept as they are lie one after another in the reader's buffer: they are copied as one run
    // when the buffer moves on (`sync`), not line by line.
    if (!pending_.empty() && pending_.data() + pending_.size() == l.data()) {
      pending_ = std::string_view(pending_.data(), pending_.size() + l.size());
    } else {
      sync();
      pending_ = l;
    }
  }

  // The reader calls this before it changes or refills its buffer.
  void sync() {
    current_.append(pending_);
    pending_ = {};
  }

  void finish() { flush(); }

 private:
  void flush() {
    sync();
    if (!started_) return;
    RawMessage m;
    m.source = source_ + "#" + std::to_string(index_);
    m.index = index_++;
    if (oversize_) {
      m.error = too_large(size_, limits_.max_message_bytes);
    } else {
      // The blank line before the next separator belongs to the mbox, not to the message.
      if (current_.size() >= 2 && current_.compare(current_.size() - 2, 2, "\n\n") == 0) current_.pop_back();
      else if (current_.size() >= 4 && current_.compare(current_.size() - 4, 4, "\r\n\r\n") == 0)
        current_.resize(current_.size() - 2);
      m.bytes = std::move(current_);
      m.error = not_a_message_reason(m.bytes);
    }
    sink_(std::move(m));
    current_.clear();
    size_ = 0;
    oversize_ = false;
  }

  std::string source_;
  const ParseLimits& limits_;
  const std::function<void(RawMessage&&)>& sink_;
  std::string current_;
  std::string_view pending_;  // lines not yet copied into current_, in the reader's buffer
  std::size_t size_ = 0, index_ = 0;
  bool started_ = false, oversize_ = false, previous_blank_ = true;
};

void read_mbox(std::FILE* f, const std::string& source, std::string_view already_read, const ParseLimits& limits,
               const std::function<void(RawMessage&&)>& sink) {
  MboxSplitter splitter(source, limits, sink);
  // Read in blocks, handed on line by line; a line longer than a block goes in pieces (the first one
  // `at_start`), so a single huge line cannot exhaust memory.
  constexpr std::size_t kBlock = 1 << 16;
  std::string buf(already_read);  // the sniffed prefix: the start of the first line
  bool at_start = true;
  for (;;) {
    std::size_t pos = 0;
    while (const void* nl = std::memchr(buf.data() + pos, '\n', buf.size() - pos)) {
      std::size_t len = static_cast<std::size_t>(static_cast<const char*>(nl) - (buf.data() + pos)) + 1;
      splitter.line(std::string_view(buf.data() + pos, len), at_start);
      at_start = true;
      pos += len;
    }
    if (buf.size() - pos >= kBlock) {  // no line end in a whole block: its first piece
      splitter.line(std::string_view(buf.data() + pos, buf.size() - pos), at_start);
      at_start = false;
      pos = buf.size();
    }
    splitter.sync();
    buf.erase(0, pos);
    // Read straight into the buffer's tail: no block copied in between.
    const std::size_t kept = buf.size();
    buf.resize(kept + kBlock);
    std::size_t n = std::fread(buf.data() + kept, 1, kBlock, f);
    buf.resize(kept + n);
    if (n == 0) break;
  }
  if (!buf.empty()) splitter.line(buf, at_start);
  splitter.finish();
}

// Reads a whole single message, up to the limit; "" error on success.
std::string read_bounded(std::FILE* f, std::string& out, std::size_t limit) {
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (out.size() + n > limit) {
      // Name the file's real size, not where reading stopped; a stream's size is unknown without reading it all.
      struct stat st {};
      if (::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode)) return too_large(static_cast<std::size_t>(st.st_size), limit);
      return "message is over the limit of " + std::to_string(limit) + " bytes (--max-size)";
    }
    out.append(buf, n);
  }
  if (std::ferror(f)) return std::string("read error: ") + std::strerror(errno);
  return "";
}

void read_stream(std::FILE* f, const std::string& source, const ParseLimits& limits,
                 const std::function<void(RawMessage&&)>& sink) {
  // Sniff the start to tell an mbox from a single message.
  std::string head(5, '\0');
  std::size_t got = std::fread(head.data(), 1, head.size(), f);
  head.resize(got);
  if (head == "From ") {
    read_mbox(f, source, head, limits, sink);
    return;
  }
  RawMessage m;
  m.source = source;
  m.bytes = std::move(head);
  m.error = read_bounded(f, m.bytes, limits.max_message_bytes);
  if (m.error.empty()) m.error = not_a_message_reason(m.bytes);
  if (!m.error.empty()) m.bytes.clear();
  sink(std::move(m));
}

void read_file(const std::string& path, const ParseLimits& limits, const std::function<void(RawMessage&&)>& sink) {
  struct stat st {};
  RawMessage err;
  err.source = path;
  if (::stat(path.c_str(), &st) != 0) {
    err.error = std::strerror(errno);
    sink(std::move(err));
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    err.error = "not a regular file";
    sink(std::move(err));
    return;
  }
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    err.error = std::strerror(errno);
    sink(std::move(err));
    return;
  }
  if (st.st_size == 0) {
    err.error = "empty file";
    sink(std::move(err));
    return;
  }
  read_stream(f.get(), path, limits, sink);
}

bool is_maildir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "cur", ec) || fs::is_directory(dir / "new", ec);
}

void read_maildir(const fs::path& dir, const ParseLimits& limits, const std::function<void(RawMessage&&)>& sink) {
  std::vector<fs::path> files;
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    for (fs::directory_iterator it(dir / sub, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().filename().string().front() == '.') continue;  // Maildir temporary/hidden entries
      if (it->is_regular_file(ec)) files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  std::size_t index = 0;
  for (const auto& file : files) {
    read_file(file.string(), limits, [&](RawMessage&& m) {
      m.index = index++;
      sink(std::move(m));
    });
  }
}

}  // namespace

void read_inputs(const std::vector<std::string>& inputs, const ParseLimits& limits,
                 const std::function<void(RawMessage&&)>& sink) {
  for (const auto& input : inputs) {
    if (input == "-") {
      read_stream(stdin, "-", limits, sink);
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      if (is_maildir(input)) {
        read_maildir(input, limits, sink);
      } else {
        RawMessage m;
        m.source = input;
        m.error = "is a directory but not a Maildir (no cur/ or new/ folder)";
        sink(std::move(m));
      }
      continue;
    }
    read_file(input, limits, sink);
  }
}

}  // namespace mailaudit
