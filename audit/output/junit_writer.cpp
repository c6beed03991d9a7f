#include <pugixml.hpp>
#include <algorithm>
#include <sstream>

#include "output/streams.hpp"
#include "util/text.hpp"

namespace mailaudit {

namespace {

bool fails(const Finding& f, const WriterOptions& o) { return o.fail_threshold && f.severity <= *o.fail_threshold; }

std::string failure_text(const Finding& f) {
  std::string s = f.detail + "\n";
  for (const auto& e : f.evidence) {
    std::string answers = dns::presentation(e);  // the answer itself: "-> 127.0.0.3", not only NOERROR
    s += "dns: " + dns::describe(e) + (answers.empty() ? "" : " -> " + answers) + "\n";
  }
  if (!f.remedy.empty()) s += "Fix: " + f.remedy + "\n";
  return text::valid_utf8(s);
}

struct Totals {
  std::size_t tests = 0, failures = 0, errors = 0;
};

// One message's <testsuite>, appended to `parent`.
void append_suite(pugi::xml_node parent, const Report& r, const WriterOptions& o, Totals& all) {
  auto suite = parent.append_child("testsuite");
  suite.append_attribute("name") = text::valid_utf8(r.message.source).c_str();
  suite.append_attribute("timestamp") = o.generated_at.c_str();
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  if (!r.error.empty()) {
    auto tc = suite.append_child("testcase");
    tc.append_attribute("classname") = "mailaudit.input";
    tc.append_attribute("name") = "read";
    tc.append_child("error").append_attribute("message") = text::valid_utf8(r.error).c_str();
    tests = errors = 1;
  } else {
    for (const auto& entry : o.checks) {
      // Not a structured binding: clang 14 (the fuzz build) cannot capture those in a lambda.
      const std::string& check = entry.first;
      const Stage stage = entry.second;
      auto tc = suite.append_child("testcase");
      ++tests;
      tc.append_attribute("classname") = ("mailaudit." + std::string(to_string(stage))).c_str();
      tc.append_attribute("name") = check.c_str();
      auto not_run = std::find_if(r.not_run.begin(), r.not_run.end(),
                                  [&](const std::string& n) { return n.rfind(check + ":", 0) == 0; });
      if (not_run != r.not_run.end()) {
        tc.append_child("skipped").append_attribute("message") = not_run->c_str();
        ++skipped;
        continue;
      }
      // One <failure> per test case (most parsers keep only the first): the check's failing findings joined,
      // the worst severity as its type.
      std::vector<const Finding*> failing;
      for (const auto& f : r.findings)
        if (f.check == check && fails(f, o)) failing.push_back(&f);
      if (failing.empty()) continue;
      std::string message, body;
      Severity worst = Severity::pass;
      for (const Finding* f : failing) {
        message += (message.empty() ? "" : "; ") + f->id + ": " + f->title;
        // Several findings: each under its own id and title; one: the message attribute already says them.
        body += failing.size() == 1 ? failure_text(*f) : (body.empty() ? "" : "\n") + f->id + ": " + f->title + "\n" + failure_text(*f);
        if (worse(f->severity, worst)) worst = f->severity;
      }
      auto fail = tc.append_child("failure");
      fail.append_attribute("message") = text::valid_utf8(message).c_str();
      fail.append_attribute("type") = std::string(to_string(worst)).c_str();
      fail.text().set(text::valid_utf8(body).c_str());
      ++failures;
    }
  }
  suite.append_attribute("tests") = tests;
  suite.append_attribute("failures") = failures;
  suite.append_attribute("errors") = errors;
  suite.append_attribute("skipped") = skipped;
  all.tests += tests;
  all.failures += failures;
  all.errors += errors;
}

struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, std::size_t size) override { out.append(static_cast<const char*>(data), size); }
};

const char* const indent = "  ";

// The document with its <testsuites> and totals; `with_suites`: the suites follow (a placeholder child
// stands for them and is cut off), else it is the whole, empty, document.
std::pair<std::string, std::string> frame(const Totals& all, bool with_suites) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto suites = doc.append_child("testsuites");
  suites.append_attribute("name") = "mailaudit";
  if (with_suites) suites.append_child("suites");
  suites.append_attribute("tests") = all.tests;
  suites.append_attribute("failures") = all.failures;
  suites.append_attribute("errors") = all.errors;
  std::ostringstream out;
  doc.save(out, indent, pugi::format_default, pugi::encoding_utf8);
  std::string text = out.str();
  if (!with_suites) return {text, ""};
  const std::string placeholder = std::string(indent) + "<suites />\n";
  auto at = text.find(placeholder);
  return {text.substr(0, at), text.substr(at + placeholder.size())};
}

class JunitStream : public ReportStream {
 public:
  JunitStream(const WriterOptions& o, Sink sink) : o_(o), sink_(std::move(sink)) {}

  void add(const Report& r) override {
    pugi::xml_document doc;
    append_suite(doc, r, o_, totals_);
    StringWriter w;
    doc.first_child().print(w, indent, pugi::format_default, pugi::encoding_utf8, 1);
    suites_.append(w.out);
  }

  void finish() override {
    auto [head, tail] = frame(totals_, !suites_.empty());
    sink_(head);
    suites_.copy_to(sink_);
    sink_(tail);
  }

 private:
  WriterOptions o_;
  Sink sink_;
  Totals totals_;
  Spool suites_;
};

}  // namespace

std::unique_ptr<ReportStream> junit_stream(const WriterOptions& o, Sink sink) {
  return std::make_unique<JunitStream>(o, std::move(sink));
}

}  // namespace mailaudit
