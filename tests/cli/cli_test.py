#!/usr/bin/env python3
"""CLI contract tests: exit statuses, --fail-on, --output, jsonl, one-line errors naming the file.
Usage: cli_test.py MAILAUDIT_BINARY   (run from CTest; prints 'N passed, N failed')."""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = sys.argv[1]
OFFLINE = ["--offline", "--zone", "fixtures/dns"]


def run(args, stdin=None):
    return subprocess.run([BIN] + args, cwd=ROOT, input=stdin, capture_output=True,
                          env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})


def main():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="mailaudit-cli-"))
    big = tmp / "big.eml"
    with open(big, "wb") as f:  # a real 100 MB file: headers, then a large body
        f.write(b"From: a@example.com\r\nSubject: big\r\n\r\n")
        f.write(b"x" * (100 << 20))
    (tmp / "empty.eml").write_bytes(b"")
    (tmp / "notmaildir").mkdir()
    out = tmp / "report.json"
    one_title = tmp / "rules-one-title"  # a --rules folder with one file and one changed title
    one_title.mkdir()
    (one_title / "findings.toml").write_text('[[finding]]\nid = "headers.date_missing"\ntitle = "Changed"\n')
    no_failed = tmp / "rules-no-check-failed"  # the runner's own finding removed
    no_failed.mkdir()
    (no_failed / "findings.toml").write_text('[[finding]]\nid = "check.failed"\nenabled = false\n')

    no_address = tmp / "from-no-address.eml"  # From domain with an MX and no A/AAAA (fixtures/dns)
    no_address.write_bytes(b"From: News <news@mail.example.net>\r\nTo: reader@aol.com\r\nSubject: Hello\r\n"
                           b"Date: Fri, 27 Nov 2026 09:00:00 +0000\r\nMessage-ID: <1@mail.example.net>\r\n"
                           b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n")

    # label, args, stdin, want exit, text wanted on stderr (or None for empty stderr)
    rows = [
        ("clean message passes", ["check", "fixtures/messages/newsletter.eml"] + OFFLINE, None, 0, None),
        # An ESP-style campaign (VERP return path, click tracking, one-click unsubscribe, DKIM by the sender's
        # domain, From signed but not every field over-signed): nothing at warning or above.
        ("a clean ESP campaign passes --fail-on warning",
         ["check", "fixtures/messages/esp-campaign.eml", "--fail-on", "warning"] +
         (ROOT / "fixtures/messages/esp-campaign.args").read_text().split() + OFFLINE, None, 0, None),
        # A dead resolver (nothing listens on 127.0.0.1:9): nothing fails, but the verdict is not final.
        ("dead resolver: exit 3 (incomplete), not 0",
         ["check", "fixtures/messages/newsletter.eml", "--ip", "192.0.2.10", "--mail-from", "b@news.example.com",
          "--resolver", "127.0.0.1:9", "--timeout", "200", "--tries", "1"], None, 3, None),
        ("dead resolver and an error: the error wins, exit 1",
         ["check", "fixtures/messages/broken-headers.eml", "--resolver", "127.0.0.1:9", "--timeout", "200", "--tries", "1"],
         None, 1, None),
        ("dead resolver with --fail-on never: exit 0",
         ["check", "fixtures/messages/newsletter.eml", "--resolver", "127.0.0.1:9", "--timeout", "200", "--tries", "1",
          "--fail-on", "never"], None, 0, None),
        ("errors exit 1", ["check", "fixtures/messages/broken-headers.eml"] + OFFLINE, None, 1, None),
        # Content engines that are down (nothing listens on 127.0.0.1:9): "could not tell", never a pass.
        ("engines down: exit 3 (incomplete)",
         ["check", "fixtures/messages/newsletter.eml", "--spamd", "127.0.0.1:9", "--rspamd", "http://127.0.0.1:9",
          "--content-timeout", "500"] + OFFLINE, None, 3, None),
        ("engines down with --fail-on warning: exit 1",
         ["check", "fixtures/messages/newsletter.eml", "--spamd", "127.0.0.1:9", "--content-timeout", "500",
          "--fail-on", "warning"] + OFFLINE, None, 1, None),
        ("engines down with --fail-on never: exit 0",
         ["check", "fixtures/messages/newsletter.eml", "--rspamd", "http://127.0.0.1:9", "--content-timeout", "500",
          "--fail-on", "never"] + OFFLINE, None, 0, None),
        ("--spamd with a bad port: exit 2", ["check", "fixtures/messages/newsletter.eml", "--spamd", "h:70000"] + OFFLINE,
         None, 2, "--spamd: expected HOST[:PORT]"),
        ("--rspamd that is not a URL: exit 2", ["check", "fixtures/messages/newsletter.eml", "--rspamd", "127.0.0.1:11333"]
         + OFFLINE, None, 2, "--rspamd: expected an http:// or https:// URL"),
        ("probe without --rcpt: exit 2", ["probe", "--server", "127.0.0.1:1"], None, 2, "--rcpt"),
        ("probe with more recipients than --max-rcpt: exit 2",
         ["probe", "--server", "127.0.0.1:1"] + sum((["--rcpt", f"u{i}@b.example"] for i in range(6)), []), None, 2,
         "at most 5"),
        ("probe of two domains without --server: exit 2",
         ["probe", "--rcpt", "a@b.example", "--rcpt", "a@c.example"] + OFFLINE, None, 2, "more than one domain"),
        ("probe with a malformed --server: exit 2", ["probe", "--server", "[::1", "--rcpt", "a@b.example"], None, 2,
         "--server"),
        ("probe of a closed port: could not tell, exit 3",
         ["probe", "--server", "127.0.0.1:1", "--rcpt", "a@b.example", "--helo", "probe.example"], None, 3, None),
        ("probe of a domain without MX or address (offline): could not tell, exit 3",
         ["probe", "--rcpt", "a@nowhere.example"] + OFFLINE, None, 3, None),
        ("check --probe without --rcpt: exit 2", ["check", "fixtures/messages/newsletter.eml", "--probe"] + OFFLINE,
         None, 2, "--probe: needs --rcpt"),
        ("check --probe of a closed port: incomplete, exit 3",
         ["check", "fixtures/messages/newsletter.eml", "--probe", "--probe-server", "127.0.0.1:1", "--rcpt",
          "a@b.example", "--helo", "probe.example"] + OFFLINE, None, 3, None),
        ("--fail-on never", ["check", "fixtures/messages/broken-headers.eml", "--fail-on", "never"] + OFFLINE, None, 0, None),
        ("warnings pass by default", ["check", "fixtures/messages/malformed-mime.eml"] + OFFLINE, None, 0, None),
        ("--fail-on warning", ["check", "fixtures/messages/malformed-mime.eml", "--fail-on", "warning"] + OFFLINE, None, 1, None),
        ("stdin", ["check", "-"] + OFFLINE, (ROOT / "fixtures/messages/newsletter.eml").read_bytes(), 0, None),
        ("missing file", ["check", str(tmp / "nope.eml")] + OFFLINE, None, 2, "nope.eml: No such file"),
        ("--rules with one changed title", ["check", "fixtures/messages/newsletter.eml", "--rules", str(one_title)] + OFFLINE,
         None, 0, None),
        ("--rules without check.failed", ["check", "fixtures/messages/newsletter.eml", "--rules", str(no_failed)] + OFFLINE,
         None, 2, "rules-no-check-failed/findings.toml: no entry for finding check.failed"),
        ("empty file", ["check", str(tmp / "empty.eml")] + OFFLINE, None, 2, "empty.eml: empty file"),
        ("binary file", ["check", "/bin/sh"] + OFFLINE, None, 2, "/bin/sh: binary data"),
        # The real file size, not where reading stopped.
        ("100 MB file", ["check", str(big)] + OFFLINE, None, 2, "big.eml: message is 104857637 bytes, over the limit"),
        ("check on a bounce says that mailaudit bounce reads it",
         ["check", "fixtures/bounces/exim-client-rejected.eml", "--fail-on", "never"] + OFFLINE, None, 0,
         "`mailaudit bounce fixtures/bounces/exim-client-rejected.eml` reads it"),
        # The mission's case: a From domain with MX but no A is a warning in general, an error for mail to AOL.
        ("From with MX but no A, no recipient: a warning", ["check", str(no_address)] + OFFLINE, None, 0, None),
        ("From with MX but no A, to aol.com: AOL's 521 is an error",
         ["check", str(no_address), "--rcpt", "reader@aol.com"] + OFFLINE, None, 1, None),
        ("not a Maildir", ["check", str(tmp / "notmaildir")] + OFFLINE, None, 2, "not a Maildir"),
        ("mbox with a broken message", ["check", "fixtures/messages/campaign.mbox"] + OFFLINE, None, 2, "campaign.mbox#1"),
        ("unknown option", ["check", "--bogus", "x.eml"], None, 2, "mailaudit:"),
        ("bad --format", ["check", "--format", "xml", "fixtures/messages/newsletter.eml"], None, 2, "mailaudit:"),
        ("bad --resolver", ["check", "--resolver", "dns.example", "fixtures/messages/newsletter.eml"], None, 2, "IP address"),
        ("bad zone file", ["check", "--zone", "README.md", "--offline", "fixtures/messages/newsletter.eml"], None, 2, "README.md"),
        ("a device as zone file", ["check", "--zone", "/dev/zero", "--offline", "fixtures/messages/newsletter.eml"], None, 2,
         "/dev/zero: not a regular file"),
        ("no subcommand", [], None, 2, "mailaudit:"),
        ("--help", ["check", "--help"], None, 0, None),
        ("--version", ["--version"], None, 0, None),
        ("checks", ["checks"], None, 0, None),
        ("--output", ["check", "fixtures/messages/newsletter.eml", "--format", "json", "--output", str(out)] + OFFLINE, None, 0, None),
        ("urls", ["urls", "fixtures/messages/links.eml"], None, 0, None),
        ("urls: missing file", ["urls", str(tmp / "nope.eml")], None, 2, "nope.eml: No such file"),
        ("urls: binary file", ["urls", "/bin/sh"], None, 2, "/bin/sh: binary data"),
        ("urls: bad --format", ["urls", "--format", "xml", "fixtures/messages/links.eml"], None, 2, "mailaudit:"),
        ("urls: mbox with a broken message", ["urls", "fixtures/messages/campaign.mbox"], None, 2, "campaign.mbox#1"),
        ("bounce", ["bounce", "fixtures/bounces/aol-end-of-data.eml"], None, 0, None),
        ("bounce: pasted line on stdin", ["bounce", "-"], b"550 5.7.1 blocked using zen.spamhaus.org\n", 0, None),
        ("bounce: missing file", ["bounce", str(tmp / "nope.eml")], None, 2, "nope.eml: No such file"),
        ("bounce: empty file", ["bounce", str(tmp / "empty.eml")], None, 2, "empty.eml: empty file"),
        ("bounce: binary file", ["bounce", "/bin/sh"], None, 2, "/bin/sh: binary data"),
        ("bounce: one bad file, the rest go on", ["bounce", str(tmp / "nope.eml"), "fixtures/bounces/exim-client-rejected.eml"],
         None, 2, "nope.eml"),
    ]
    passed = failed = 0

    def check(label, ok, why):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {label}: {why}")

    for label, args, stdin, want_exit, want_err in rows:
        p = run(args, stdin)
        err = p.stderr.decode(errors="replace")
        check(label, p.returncode == want_exit, f"got exit {p.returncode}, want {want_exit}; stderr: {err.strip()[:300]}")
        if want_err is not None:
            check(label + " (stderr)", want_err in err, f"got stderr {err.strip()[:300]!r}, want it to contain {want_err!r}")
            lines = [l for l in err.splitlines() if l.strip()]
            check(label + " (one line per bad input)", all(l.startswith("mailaudit: ") for l in lines),
                  f"got stderr lines {lines[:5]}")
        elif want_exit != 2 and label != "--help":
            check(label + " (quiet stderr)", err == "", f"got stderr {err.strip()[:300]!r}, want none")

    doc = json.loads(out.read_text())
    check("--output writes the report", doc.get("schema") == "mailaudit-report/1", f"got schema {doc.get('schema')}")

    p = run(["check", "fixtures/messages/campaign.mbox", "--format", "jsonl"] + OFFLINE)
    lines = p.stdout.decode().splitlines()
    check("jsonl: one report per message", len(lines) == 3, f"got {len(lines)} lines, want 3")
    check("jsonl: the broken one says why", "error" in json.loads(lines[1]), f"got {lines[1][:200]}")

    p = run(["check", "fixtures/messages/campaign.mbox", "--format", "json"] + OFFLINE)
    doc = json.loads(p.stdout)
    check("json batch schema", doc["schema"] == "mailaudit-batch/1" and len(doc["reports"]) == 3,
          f"got {doc['schema']} with {len(doc.get('reports', []))} reports")

    p = run(["check", "fixtures/messages/newsletter.eml", "--format", "json", "--spamd", "127.0.0.1:9",
             "--content-timeout", "500"] + OFFLINE)
    doc = json.loads(p.stdout)
    content = doc.get("content", [])
    check("json: a down engine is in content[] as unavailable, with the reason",
          len(content) == 1 and content[0].get("engine") == "spamassassin" and content[0].get("available") is False
          and content[0].get("reason") == "connect_failed", f"got content {content}")
    check("json: a down engine makes the summary incomplete", doc["summary"].get("incomplete") is True and
          "spamassassin" in doc["summary"].get("incomplete_checks", []), f"got summary {doc['summary']}")
    p = run(["check", "fixtures/messages/newsletter.eml", "--format", "json"] + OFFLINE)
    check("json: no content[] without --rspamd/--spamd", "content" not in json.loads(p.stdout), "got a content member")

    p = run(["check", "fixtures/messages/campaign.mbox", "--format", "junit"] + OFFLINE)
    import xml.etree.ElementTree as ET
    root = ET.fromstring(p.stdout)
    suites = root.findall("testsuite")
    check("junit: one suite per message", len(suites) == 3, f"got {len(suites)} suites")
    check("junit: the unreadable message is an <error>", suites[1].find("testcase/error") is not None,
          f"got {ET.tostring(suites[1])[:200]}")
    check("junit: a case per check", int(suites[0].get("tests")) >= 10, f"got tests={suites[0].get('tests')}")

    p = run(["check", "fixtures/messages/broken-headers.eml", "--format", "junit", "--fail-on", "never"] + OFFLINE)
    root = ET.fromstring(p.stdout)
    check("junit: --fail-on never has no failures", root.get("failures") == "0", f"got failures={root.get('failures')}")

    p = run(["check", "fixtures/messages/newsletter.eml", "--format", "markdown", "--ip", "192.0.2.10"] + OFFLINE)
    md = p.stdout.decode()
    check("markdown: ticket sections", all(h in md for h in ("## Verdict", "## Message", "## Sending context",
                                                               "## Blocklists", "## DNS queries")), md[:300])

    hostile = tmp / "hostile.eml"
    hostile.write_bytes(b"From: <script>alert(1)</script> <a@example.com>\r\nSubject: <img src=x onerror=alert(1)> | pipe\r\n"
                        b"Date: Fri, 27 Nov 2026 09:00:00 +0000\r\nMessage-ID: <h@example.com>\r\n\r\nbody\r\n")
    p = run(["check", str(hostile), "--format", "html"] + OFFLINE)
    page = p.stdout.decode()
    check("html: message text is escaped", "<script" not in page and "<img" not in page and "&lt;script&gt;" in page,
          page[:300])
    p = run(["check", str(hostile), "--format", "markdown"] + OFFLINE)
    md = p.stdout.decode()
    check("markdown: table cells are escaped", "\\<img" in md and "\\| pipe" in md, md[:400])

    p = run(["checks", "--format", "json"])
    ids = [i for c in json.loads(p.stdout) for i in c["finding_ids"]]
    proc = run(["urls", "fixtures/messages/links.eml", "--format", "json"])
    doc = json.loads(proc.stdout)
    check("urls json schema and domains", doc.get("schema") == "mailaudit-urls/1" and "example.org" in doc.get("domains", []),
          f"got {str(doc)[:200]}")
    proc = run(["bounce", "fixtures/bounces/pasted-yahoo-tss04.txt", "--format", "json"])
    doc = json.loads(proc.stdout)
    r = doc["recipients"][0] if doc.get("recipients") else {}
    check("bounce json: schema, stage, signature", doc.get("schema") == "mailaudit-bounce/1" and r.get("stage") == "mail"
          and (r.get("signature") or {}).get("id") == "yahoo-tss04", f"got {str(doc)[:300]}")
    proc = run(["bounce", "fixtures/bounces/exim-client-rejected.eml", str(tmp / "nope.eml"), "--format", "json"])
    doc = json.loads(proc.stdout or b"{}")
    check("bounce: the good file is still reported after a bad one", len(doc.get("bounces", [doc])) == 1 and
          doc.get("is_bounce") is True, f"got {str(doc)[:200]}")
    # A mixed bounce folder: the bounce fixtures, a Maildir, an mbox of two bounces, and Sisimai files when
    # the corpora are beside the checkout: every file reported, and a summary.
    import shutil
    mixed = tmp / "bounces"
    (mixed / "maildir" / "cur").mkdir(parents=True)
    (mixed / "maildir" / "new").mkdir()
    expected = 0
    for f in sorted((ROOT / "fixtures" / "bounces").iterdir()):
        if f.suffix in (".eml", ".txt"):
            shutil.copy(f, mixed / f.name)
            expected += 1
    shutil.copy(ROOT / "fixtures" / "bounces" / "aol-end-of-data.eml", mixed / "maildir" / "cur" / "1.host:2,S")
    expected += 1
    mbox = b"".join(b"From MAILER-DAEMON Fri Nov 27 09:00:00 2026\n" + (ROOT / "fixtures" / "bounces" / n).read_bytes() + b"\n"
                    for n in ("exim-client-rejected.eml", "exim-pipelined-end-of-data.eml"))
    (mixed / "two.mbox").write_bytes(mbox)
    expected += 2
    sisimai = ROOT.parent / "shared" / "corpora" / "sisimai" / "maildir"
    if sisimai.is_dir():
        for f in sorted(sisimai.iterdir())[:40]:
            if f.read_bytes().startswith(b"From "):
                continue  # keep the count simple: one bounce per file
            shutil.copy(f, mixed / f.name)
            expected += 1
    proc = run(["bounce", str(mixed), "--format", "json"])
    doc = json.loads(proc.stdout or b"{}")
    summ = doc.get("summary", {})
    check("bounce folder: every file reported, with a summary", doc.get("schema") == "mailaudit-bounces/1" and
          len(doc.get("bounces", [])) == expected and summ.get("files") == expected,
          f"got {len(doc.get('bounces', []))} bounces, files {summ.get('files')}, want {expected}; stderr {proc.stderr[:200]}")
    check("bounce folder summary: stage x provider x signature, temporary, top replies, recipients",
          summ.get("by_signature", {}).get("greylisting", 0) >= 1 and summ.get("temporary", 0) >= 1 and
          any(c["signature"] == "gmail-5.7.26-auth" and c["stage"] == "end_of_data" for c in summ.get("by_stage_provider_signature", []))
          and summ.get("top_replies") and summ.get("recipients"), f"got {str(summ)[:400]}")
    proc = run(["bounce", str(mixed), "--format", "jsonl"])
    lines = proc.stdout.decode().splitlines()
    check("bounce folder jsonl: one line per bounce, then the summary", len(lines) == expected + 1 and
          "summary" in json.loads(lines[-1]), f"got {len(lines)} lines, want {expected + 1}")
    proc = run(["bounce", str(mixed), "--summary"])
    check("bounce folder --summary: the text table", proc.stdout.decode().startswith("Bounces: " + str(expected) + " read"),
          f"got {proc.stdout[:200]}")
    proc = run(["bounce", "fixtures/bounces/exim-pipelined-end-of-data.eml", "--audit", "--ip", "192.0.2.10", "--helo",
                "mail.news.example.com", "--format", "json"] + OFFLINE)
    doc = json.loads(proc.stdout or b"{}")
    ctx = (doc.get("audit") or {}).get("context", {})
    ids = [f["id"] for f in (doc.get("audit") or {}).get("findings", [])]
    check("bounce --audit --ip --helo: the overrides are the context, said so, and IP checks run",
          ctx.get("ip") == "192.0.2.10" and ctx.get("helo") == "mail.news.example.com" and
          doc["context"]["ip"]["origin"] == "option" and any(i.startswith("rdns.") for i in ids) and
          any(i.startswith("dnsbl.") for i in ids), f"got context {ctx}, ids {ids[:12]}")
    proc = run(["bounce", "fixtures/bounces/exim-pipelined-end-of-data.eml", "--audit", "--ip", "not-an-ip"] + OFFLINE)
    check("bounce --ip must be an address", proc.returncode == 2 and b"--ip" in proc.stderr, f"got {proc.returncode} {proc.stderr[:200]}")
    p = run(["checks", "--format", "json"])
    ids = [i for c in json.loads(p.stdout) for i in c["finding_ids"]]
    check("checks lists finding ids", "headers.date_missing" in ids and "from.null_mx" in ids, f"got {ids[:10]}")

    big.unlink()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
