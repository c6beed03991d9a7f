// Batch writers that write each report as it comes, so memory does not grow with the batch. The bytes are
// those the whole-batch documents had: what only the end knows (JUnit totals, SARIF rules, a batch's
// summary) is written then, and what must come after it waits in a temporary file, not in memory.
#pragma once
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "output/writers.hpp"

namespace mailaudit {

// Where a stream's text goes, in order (stdout, a file, a string in tests).
using Sink = std::function<void(std::string_view)>;

// Text appended now and copied out later in one pass: an anonymous temporary file (memory when none can
// be made).
class Spool {
 public:
  Spool();
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  void append(std::string_view s);
  bool empty() const { return size_ == 0; }
  // Everything appended, in order, to `sink`.
  void copy_to(const Sink& sink);

 private:
  std::FILE* f_;
  std::string memory_;  // only when no temporary file could be made
  std::size_t size_ = 0;
};

// A document written report by report. add() in input order, then finish() once.
class ReportStream {
 public:
  virtual ~ReportStream() = default;
  virtual void add(const Report& r) = 0;
  virtual void finish() = 0;
};

// --format json: one report is a mailaudit-report/1 document, several a mailaudit-batch/1 one (reports
// written as they come; the summary at the end).
std::unique_ptr<ReportStream> json_stream(const WriterOptions& o, Sink sink);
// --format junit (junit_xml's document): suites spooled, the totals on top at the end.
std::unique_ptr<ReportStream> junit_stream(const WriterOptions& o, Sink sink);
// --format sarif (DESIGN.md "SARIF"): artifacts, results and notifications spooled, rules kept (one per
// finding id), all written at the end in the document's order.
std::unique_ptr<ReportStream> sarif_stream(const WriterOptions& o, Sink sink);

// `mailaudit urls --format json`: one message is a mailaudit-urls/1 document, several a
// mailaudit-urls-batch/1 one, each message written as it comes.
class UrlsJsonStream {
 public:
  explicit UrlsJsonStream(Sink sink);
  void add(const std::string& source, const std::vector<urls::Url>& urls, const std::vector<std::string>& domains);
  void finish();

 private:
  Sink sink_;
  std::string head_, tail_;  // the batch document around its messages
  std::size_t indent_ = 0;   // of a message in it
  std::string first_;  // the first message's document, until a second says it is a batch
  std::size_t count_ = 0;
};

// The streams above run over a whole batch into one string (tests, small callers).
std::string json_text(const std::vector<Report>& rs, const WriterOptions& o);
std::string sarif_text(const std::vector<Report>& rs, const WriterOptions& o);

namespace stream_detail {
// A string value standing for an array a stream writes itself.
const std::string& marker();
// The pretty (2-space) dump of a document split at the markers it holds, in order: n markers give n + 1
// pieces of text and, per marker, the indentation of its line.
struct Pieces {
  std::vector<std::string> text;
  std::vector<std::size_t> indent;
};
Pieces split_at_markers(const std::string& dumped);
// `text` (a pretty dump) with `spaces` before each of its lines.
std::string indented(std::string_view text, std::size_t spaces);
// ",\n" and the next element's indentation, in a pretty JSON array.
std::string element_separator(std::size_t indent);
// The line closing a pretty JSON array whose elements were at `indent` + 2.
std::string array_close(std::size_t indent);
// A spooled JSON array's elements (each already indented, joined by ",\n") as the array at `indent`.
void write_array(const Sink& sink, Spool& elements, std::size_t indent);
}  // namespace stream_detail

}  // namespace mailaudit
