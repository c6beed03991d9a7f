#!/usr/bin/env python3
"""mailaudit.toml, --stream, --ignore and --baseline through the binary: a campaign folder runs with
`mailaudit check campaign.eml --stream marketing` and nothing else; every bad config, --ignore or baseline is
one line on stderr naming the file, exit 2; --fail-on new-error looks only at new findings.
Usage: config_cli_test.py MAILAUDIT_BINARY   (prints 'N passed, N failed')."""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = str(pathlib.Path(sys.argv[1]).resolve())
CAMPAIGN = ROOT / "fixtures" / "messages" / "marketing"
ENV = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}

passed = failed = 0


def check(label, ok, why):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {label}: {why}")


def run(args, cwd=ROOT):
    return subprocess.run([BIN] + args, cwd=cwd, capture_output=True, text=True, env=ENV)


def main():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="mailaudit-config-"))
    # The campaign folder copied elsewhere with the zones beside it: the config's relative zone path still holds.
    camp = tmp / "repo" / "campaigns" / "december"
    camp.mkdir(parents=True)
    (tmp / "repo" / ".git").mkdir()
    shutil.copy(CAMPAIGN / "campaign.eml", camp / "campaign.eml")
    shutil.copytree(ROOT / "fixtures" / "dns", tmp / "repo" / "dns")
    (camp / "mailaudit.toml").write_text((CAMPAIGN / "mailaudit.toml").read_text())

    # The "Done when" case, in the fixture folder and in a copy: nothing but the message and the stream.
    for label, cwd in (("fixture folder", CAMPAIGN), ("a copy in a repository", camp)):
        p = run(["check", "campaign.eml", "--stream", "marketing"], cwd=cwd)
        check(f"{label}: check campaign.eml --stream marketing exits 0", p.returncode == 0,
              f"got exit {p.returncode}; stderr {p.stderr.strip()[:300]}")
        check(f"{label}: quiet stderr", p.stderr == "", f"got {p.stderr.strip()[:300]!r}")
        check(f"{label}: the stream's context is used", "Context: ip 192.0.2.10 helo mail.news.example.com" in p.stdout,
              f"got {p.stdout[:400]!r}")
        check(f"{label}: zone files, not the network", "DNS: zones" in p.stdout, f"got {p.stdout[-200:]!r}")

    # From elsewhere: the config beside the message applies, shown by its path.
    p = run(["check", str(camp / "campaign.eml"), "--stream", "marketing", "--format", "json"], cwd=tmp)
    doc = json.loads(p.stdout or "{}")
    cfg = doc.get("config", {})
    check("from another folder: the config beside the message", cfg.get("file") == str(camp / "mailaudit.toml")
          and cfg.get("stream") == "marketing", f"got config {cfg}")
    findings = {f["id"]: f for f in doc.get("findings", [])}
    rows = [
        ("ignored finding stays in JSON, marked", findings.get("dkim.not_oversigned", {}).get("ignored") is True),
        ("severity override shown with the check's own", findings.get("spf_helo.none", {}).get("severity") == "warning"
         and findings.get("spf_helo.none", {}).get("severity_was") == "info"),
        ("ignored findings are not counted", doc.get("summary", {}).get("counts", {}).get("info") ==
         sum(1 for f in doc.get("findings", []) if f["severity"] == "info" and not f.get("ignored"))),
        ("config lists what it ignores and overrides", cfg.get("ignore") == ["dkim.not_oversigned"]
         and cfg.get("severity") == {"spf_helo.none": "warning"}),
        ("[blocklist-keys] used", any("testkey" in q["query"] for q in doc.get("dns", {}).get("queries", []))),
    ]
    for label, ok in rows:
        check(label, ok, f"got {json.dumps({k: findings.get(k) and {x: findings[k].get(x) for x in ('severity', 'severity_was', 'ignored')} for k in ('dkim.not_oversigned', 'spf_helo.none')})}, config {cfg}")

    # Flags override the file; --ignore adds to it; the text output hides ignored findings.
    p = run(["check", "campaign.eml", "--stream", "marketing", "--ip", "192.0.2.99", "--ignore", "ip.*", "--format", "json"], cwd=camp)
    doc = json.loads(p.stdout or "{}")
    ignored = sorted(f["id"] for f in doc.get("findings", []) if f.get("ignored"))
    check("--ip over the stream's ip", doc.get("context", {}).get("ip") == "192.0.2.99", f"got {doc.get('context')}")
    check("--ignore ip.* with the file's ignore", ignored == ["dkim.not_oversigned", "ip.reserved"], f"got {ignored}")
    p = run(["check", "campaign.eml", "--stream", "marketing"], cwd=camp)
    check("text output leaves ignored findings out", "dkim.not_oversigned" not in p.stdout, "got it in the text")
    p = run(["check", "campaign.eml", "--stream", "marketing", "--config", str(tmp / "none.toml")], cwd=camp)
    check("--config names another file", p.returncode == 2 and "none.toml: no such file" in p.stderr, f"got {p.returncode} {p.stderr}")

    # Bad configs: one line naming the file (and line), exit 2.
    bad = tmp / "bad"
    bad.mkdir()
    (bad / "m.eml").write_bytes((ROOT / "fixtures" / "messages" / "newsletter.eml").read_bytes())
    rows = [
        ("not TOML", "[defaults\n", [], "mailaudit.toml:1: not valid TOML"),
        ("an unknown key", "[defaults]\noffline = true\ncolour = \"red\"\n", [], "mailaudit.toml:3: unknown key \"colour\""),
        ("a value the option refuses", "[defaults]\nformat = \"xml\"\n", [], "mailaudit.toml:2: \"format\":"),
        ("a flag given a string", "[defaults]\noffline = \"yes\"\n", [], "mailaudit.toml:2: \"offline\" has a value of the wrong kind"),
        ("an unknown finding id", "[findings]\nignore = [\"dkim.fragil\"]\n", [], "mailaudit.toml:2: no finding \"dkim.fragil\""),
        ("a bad severity", "[findings]\nseverity = { \"uri.shortener\" = \"fatal\" }\n", [], "mailaudit.toml:2: severity of \"uri.shortener\""),
        ("a stream the file lacks", "[stream.a]\nip = \"192.0.2.1\"\n", ["--stream", "b"], "mailaudit.toml: no stream \"b\" (streams: a)"),
        ("an unknown list key", "[blocklist-keys]\nnot-a-list = \"K\"\n", [], "--blocklist-key"),
    ]
    for label, text, extra, want in rows:
        (bad / "mailaudit.toml").write_text(text)
        p = run(["check", "m.eml", "--offline", "--zone", str(ROOT / "fixtures" / "dns")] + extra, cwd=bad)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        check(f"bad config, {label}: exit 2", p.returncode == 2, f"got exit {p.returncode}; stderr {p.stderr.strip()[:200]}")
        check(f"bad config, {label}: one line naming the file", len(lines) == 1 and lines[0].startswith("mailaudit: ")
              and want in lines[0], f"got {lines}, want one line with {want!r}")
    (bad / "mailaudit.toml").unlink()

    plain = ["check", "fixtures/messages/newsletter.eml", "--offline", "--zone", "fixtures/dns"]
    followup = ["check", "fixtures/messages/marketing/followup.eml", "--stream", "marketing"]
    (tmp / "not-a-report.json").write_text('{"schema": "something-else"}')
    (tmp / "broken.json").write_text('{"schema": ')
    prev = tmp / "followup-now.json"
    prev.write_text(run(followup + ["--format", "json"]).stdout)
    rows = [
        ("--stream without a config", plain + ["--stream", "marketing"], 2, "--stream marketing: no mailaudit.toml"),
        ("--ignore an unknown id", plain + ["--ignore", "dkim.bogus"], 2, "--ignore: no finding \"dkim.bogus\""),
        ("--fail-on new-error without --baseline", plain + ["--fail-on", "new-error"], 2, "--fail-on new-error: needs --baseline"),
        ("--baseline missing", plain + ["--baseline", str(tmp / "nope.json")], 2, "nope.json: cannot read"),
        ("--baseline not a report", plain + ["--baseline", str(tmp / "not-a-report.json")], 2, "not-a-report.json: not a mailaudit JSON report"),
        ("--baseline not JSON", plain + ["--baseline", str(tmp / "broken.json")], 2, "broken.json: not a mailaudit JSON report"),
        # The December campaign has a new error (dkim.fail) against November: new-error fails.
        ("new error against November", followup + ["--baseline", "fixtures/baselines/marketing-november.json", "--fail-on", "new-error"], 1, None),
        # Against its own report nothing is new: errors it already had do not fail new-error.
        ("nothing new against itself", followup + ["--baseline", str(prev), "--fail-on", "new-error"], 0, None),
        ("the same errors still fail --fail-on error", followup + ["--baseline", str(prev)], 1, None),
        ("--ignore the new error", followup + ["--baseline", "fixtures/baselines/marketing-november.json", "--fail-on", "new-error",
                                                "--ignore", "dkim.fail", "--ignore", "uri.listed"], 0, None),
    ]
    for label, args, want_exit, want_err in rows:
        p = run(args)
        check(f"{label}: exit {want_exit}", p.returncode == want_exit, f"got exit {p.returncode}; stderr {p.stderr.strip()[:300]}")
        if want_err:
            lines = [l for l in p.stderr.splitlines() if l.strip()]
            check(f"{label}: one line", len(lines) == 1 and want_err in lines[0], f"got {lines}, want one line with {want_err!r}")

    shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
