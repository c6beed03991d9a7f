#include "output/streams.hpp"

#include <stdexcept>

namespace mailaudit {

using json = nlohmann::ordered_json;

Spool::Spool() : f_(std::tmpfile()) {}

Spool::~Spool() {
  if (f_) std::fclose(f_);
}

void Spool::append(std::string_view s) {
  size_ += s.size();
  if (f_ && std::fwrite(s.data(), 1, s.size(), f_) == s.size()) return;
  if (f_) {  // the disk filled up: carry on in memory with what the file holds
    std::string held(size_ - s.size(), '\0');
    std::rewind(f_);
    held.resize(std::fread(held.data(), 1, held.size(), f_));
    std::fclose(f_);
    f_ = nullptr;
    memory_ = std::move(held);
  }
  memory_ += s;
}

void Spool::copy_to(const Sink& sink) {
  if (!f_) {
    sink(memory_);
    return;
  }
  std::fflush(f_);
  std::rewind(f_);
  std::string buf(1 << 16, '\0');
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f_)) sink(std::string_view(buf.data(), n));
  std::fseek(f_, 0, SEEK_END);
}

namespace stream_detail {

const std::string& marker() {
  // DEL is written as is by the JSON dump, and no skeleton field the streams build holds it.
  static const std::string m = "\x7fmailaudit-stream\x7f";
  return m;
}

Pieces split_at_markers(const std::string& dumped) {
  Pieces p;
  const std::string needle = "\"" + marker() + "\"";
  std::size_t from = 0;
  for (std::size_t at; (at = dumped.find(needle, from)) != std::string::npos; from = at + needle.size()) {
    p.text.push_back(dumped.substr(from, at - from));
    std::size_t line = dumped.rfind('\n', at);
    line = line == std::string::npos ? 0 : line + 1;
    p.indent.push_back(dumped.find_first_not_of(' ', line) - line);
  }
  p.text.push_back(dumped.substr(from));
  return p;
}

// JSON text holds no raw line break inside a string, so every '\n' starts a line of the document.
std::string indented(std::string_view text, std::size_t spaces) {
  const std::string pad(spaces, ' ');
  std::string out = pad;
  out.reserve(text.size() + spaces * 64);
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

std::string element_separator(std::size_t indent) {
  std::string s = ",\n";
  s.append(indent, ' ');
  return s;
}

std::string array_close(std::size_t indent) {
  std::string s = "\n";
  s.append(indent, ' ');
  return s += ']';
}

void write_array(const Sink& sink, Spool& elements, std::size_t indent) {
  if (elements.empty()) {
    sink("[]");
    return;
  }
  sink("[\n");
  elements.copy_to(sink);
  sink(array_close(indent));
}

}  // namespace stream_detail

using namespace stream_detail;

namespace {

class JsonStream : public ReportStream {
 public:
  JsonStream(const WriterOptions& o, Sink sink) : o_(o), sink_(std::move(sink)) {
    Pieces p = split_at_markers(dump_json(batch_json(nullptr, o_, marker()), true));
    head_ = p.text.front();
    indent_ = p.indent.front() + 2;
  }

  void add(const Report& r) override {
    summary_.add(r);
    if (summary_.messages == 1) {  // alone it is the document; a second one makes it the batch's first
      first_ = report_json_text(r, o_, true);
      return;
    }
    if (summary_.messages == 2) {
      sink_(head_ + "[\n");
      sink_(indented(first_, indent_));
      std::string().swap(first_);
    }
    sink_(element_separator(indent_) + report_json_text(r, o_, true, indent_));
  }

  void finish() override {
    if (summary_.messages == 1) {
      sink_(first_ + "\n");
      return;
    }
    Pieces p = split_at_markers(dump_json(batch_json(&summary_, o_, marker()), true));
    if (summary_.messages == 0) sink_(head_ + "[]");
    else sink_(array_close(indent_ - 2));
    sink_(p.text.back() + "\n");
  }

 private:
  WriterOptions o_;
  Sink sink_;
  std::string head_, first_;
  std::size_t indent_ = 0;
  BatchSummary summary_;
};

json urls_batch_json(json messages) {
  return {{"schema", "mailaudit-urls-batch/1"}, {"messages", std::move(messages)}};
}

}  // namespace

std::unique_ptr<ReportStream> json_stream(const WriterOptions& o, Sink sink) {
  return std::make_unique<JsonStream>(o, std::move(sink));
}

UrlsJsonStream::UrlsJsonStream(Sink sink) : sink_(std::move(sink)) {
  Pieces p = split_at_markers(dump_json(urls_batch_json(marker()), true));
  head_ = p.text.front();
  tail_ = p.text.back();
  indent_ = p.indent.front() + 2;
}

void UrlsJsonStream::add(const std::string& source, const std::vector<urls::Url>& us,
                         const std::vector<std::string>& domains) {
  ++count_;
  if (count_ == 1) {
    first_ = urls_json_text(source, us, domains, true);
    return;
  }
  if (count_ == 2) {
    sink_(head_ + "[\n");
    sink_(indented(first_, indent_));
    std::string().swap(first_);
  }
  sink_(element_separator(indent_) + urls_json_text(source, us, domains, true, indent_));
}

void UrlsJsonStream::finish() {
  if (count_ == 1) {
    sink_(first_ + "\n");
    return;
  }
  if (count_ == 0) sink_(head_ + "[]");
  else sink_(array_close(indent_ - 2));
  sink_(tail_ + "\n");
}

namespace {
std::string run_stream(std::unique_ptr<ReportStream> (*make)(const WriterOptions&, Sink), const std::vector<Report>& rs,
                       const WriterOptions& o) {
  std::string out;
  auto s = make(o, [&](std::string_view t) { out += t; });
  for (const auto& r : rs) s->add(r);
  s->finish();
  return out;
}
}  // namespace

std::string json_text(const std::vector<Report>& rs, const WriterOptions& o) { return run_stream(json_stream, rs, o); }
std::string sarif_text(const std::vector<Report>& rs, const WriterOptions& o) { return run_stream(sarif_stream, rs, o); }
std::string junit_xml(const std::vector<Report>& rs, const WriterOptions& o) { return run_stream(junit_stream, rs, o); }

}  // namespace mailaudit
