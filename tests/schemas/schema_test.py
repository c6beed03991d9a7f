#!/usr/bin/env python3
"""Report formats against their schemas: `check --format sarif` for every golden message against the SARIF 2.1.0
schema (tests/schemas/sarif-2.1.0-subset.json, python3-jsonschema), `--format junit` against the JUnit XSD
(tests/schemas/junit.xsd, xmllint), baseline states on the pair fixtures/baselines/marketing-november.json ->
fixtures/messages/marketing/followup.eml; and that both schemas reject documents they must reject.
Usage: schema_test.py MAILAUDIT_BINARY   (exit 77 = skipped: a validator is missing)."""
import copy
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = sys.argv[1]
SCHEMAS = ROOT / "tests" / "schemas"
MESSAGES = ROOT / "fixtures" / "messages"

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema not installed (scripts/setup installs it): skipped")
    sys.exit(77)
if not shutil.which("xmllint"):
    print("xmllint not installed (libxml2-utils; scripts/setup installs it): skipped")
    sys.exit(77)

passed = failed = 0


def check(label, ok, why):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {label}: {why}")


def fixture_args(fixture):
    """The golden harness's arguments for a fixture (its .args, and the fixture zones unless it says otherwise)."""
    args_file = fixture.with_suffix(".args")
    extra = [a for a in args_file.read_text().splitlines() if a.strip() and not a.startswith("#")] if args_file.exists() else []
    configured = (fixture.parent / "mailaudit.toml").exists()
    if configured or any(a.startswith(("--zone", "--resolver", "--offline")) for a in extra):
        return extra
    return extra + ["--offline", "--zone", "fixtures/dns"]


def run(args):
    return subprocess.run([BIN] + args, cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})


# RFC 3986 URI reference, as the schema's "format": "uri-reference" means (jsonschema checks it only with rfc3987).
URI_REF = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:)?([A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*"
                     r"(\?([A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?(#([A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?$")


def sarif_problems(doc, validator):
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    for run_ in doc.get("runs") or []:
        rules = run_["tool"]["driver"].get("rules", [])
        for i, res in enumerate(run_.get("results", [])):
            idx = res.get("ruleIndex")
            if idx is not None and (idx >= len(rules) or rules[idx].get("id") != res.get("ruleId")):
                problems.append(f"results/{i}: ruleIndex {idx} does not name rule {res.get('ruleId')}")
            for loc in res.get("locations", []):
                uri = loc["physicalLocation"]["artifactLocation"]["uri"]
                if not URI_REF.match(uri):
                    problems.append(f"results/{i}: uri {uri!r} is not a URI reference")
        ids = [r.get("id") for r in rules]
        if len(ids) != len(set(ids)):
            problems.append("tool.driver.rules: an id twice")
    return problems


def main():
    schema = json.loads((SCHEMAS / "sarif-2.1.0-subset.json").read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    validator = jsonschema.Draft4Validator(schema)
    fixtures = sorted(list(MESSAGES.glob("*.eml")) + list(MESSAGES.glob("*.mbox")) + list(MESSAGES.glob("*/*.eml")))
    check("fixtures found", len(fixtures) >= 5, f"got {len(fixtures)} fixtures, want at least 5")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="mailaudit-schema-"))
    sample = None
    for fixture in fixtures:
        rel = str(fixture.relative_to(ROOT))
        p = run(["check", rel, "--format", "sarif"] + fixture_args(fixture))
        try:
            doc = json.loads(p.stdout)
        except json.JSONDecodeError as e:
            check(f"sarif {rel}", False, f"got no JSON ({e}); stderr {p.stderr[:200]}")
            continue
        problems = sarif_problems(doc, validator)
        check(f"sarif {rel} validates", not problems, f"got {problems[:5]}, want none")
        if doc["runs"][0]["results"] and sample is None:
            sample = doc
        p = run(["check", rel, "--format", "junit"] + fixture_args(fixture))
        xml = tmp / (fixture.stem + ".xml")
        xml.write_text(p.stdout)
        v = subprocess.run(["xmllint", "--noout", "--schema", str(SCHEMAS / "junit.xsd"), str(xml)], capture_output=True, text=True)
        check(f"junit {rel} validates", v.returncode == 0, f"got xmllint exit {v.returncode}: {v.stderr.strip()[:300]}")
        failures = re.findall(r"<testcase\b(?:(?!</testcase>).)*?<failure\b(?:(?!</testcase>).)*?<failure\b", p.stdout, re.S)
        check(f"junit {rel}: one <failure> per testcase", not failures, f"got {len(failures)} test cases with two")

    # The schemas must reject what they exist to reject: a row per broken document.
    check("a SARIF sample with results", sample is not None, "got no fixture with a result")
    if sample:
        def broken(change):
            d = copy.deepcopy(sample)
            change(d)
            return d
        bad_rows = [
            ("level outside the enum", lambda d: d["runs"][0]["results"][0].update(level="fatal")),
            ("a property SARIF does not define", lambda d: d["runs"][0]["results"][0].update(severity="error")),
            ("a result without message", lambda d: d["runs"][0]["results"][0].pop("message")),
            ("baselineState outside the enum", lambda d: d["runs"][0]["results"][0].update(baselineState="resolved")),
            ("the wrong version", lambda d: d.update(version="2.0.0")),
            ("a rule without id", lambda d: d["runs"][0]["tool"]["driver"]["rules"][0].pop("id")),
            ("a suppression without kind", lambda d: d["runs"][0]["results"][0].update(suppressions=[{"status": "accepted"}])),
        ]
        for label, change in bad_rows:
            problems = sarif_problems(broken(change), validator)
            check(f"sarif schema rejects {label}", bool(problems), "got it accepted, want a validation error")

    good_case = '<testcase name="x" classname="c">{}</testcase>'
    junit_rows = [
        ("one failure", good_case.format('<failure message="m" type="error">t</failure>'), True),
        ("two failures in one testcase", good_case.format('<failure message="a">t</failure><failure message="b">t</failure>'), False),
        ("a testcase without name", '<testcase classname="c"/>', False),
        ("a negative count", None, False),
    ]
    for label, case, want_valid in junit_rows:
        doc = (f'<?xml version="1.0"?><testsuites><testsuite name="s" tests="1">{case}</testsuite></testsuites>' if case else
               '<?xml version="1.0"?><testsuites><testsuite name="s" tests="-1"/></testsuites>')
        f = tmp / "row.xml"
        f.write_text(doc)
        v = subprocess.run(["xmllint", "--noout", "--schema", str(SCHEMAS / "junit.xsd"), str(f)], capture_output=True, text=True)
        check(f"junit xsd: {label}", (v.returncode == 0) == want_valid,
              f"got xmllint exit {v.returncode}, want {'valid' if want_valid else 'invalid'}")

    # Header and URL findings point at their line of the message file.
    p = run(["check", "fixtures/messages/links.eml", "--format", "sarif", "--offline", "--zone", "fixtures/dns"])
    lines = {}
    for res in json.loads(p.stdout)["runs"][0]["results"]:
        region = res["locations"][0]["physicalLocation"].get("region")
        lines.setdefault(res["ruleId"], region and region["startLine"])
    for label, rule, want in [("a shortener URL in the text part", "uri.shortener", 17),
                              ("List-Unsubscribe", "unsubscribe.not_signed", 8),
                              ("a finding about no field or URL", "dkim.none", None)]:
        check(f"sarif region: {label}", lines.get(rule, "absent") == want, f"got {rule} at {lines.get(rule, 'absent')}, want {want}")

    # Baseline pair: the December campaign against the November report.
    followup = MESSAGES / "marketing" / "followup.eml"
    p = run(["check", str(followup.relative_to(ROOT)), "--format", "sarif"] + fixture_args(followup))
    doc = json.loads(p.stdout)
    states = {}
    for res in doc["runs"][0]["results"]:
        states.setdefault(res.get("baselineState"), set()).add(res["ruleId"])
    rows = [("dkim.fail is new", "new", "dkim.fail"), ("spf_helo.none is unchanged", "unchanged", "spf_helo.none"),
            ("uri.shortener is absent", "absent", "uri.shortener")]
    for label, state, rule in rows:
        check(f"baseline: {label}", rule in states.get(state, set()), f"got {sorted(states.get(state, set()))} {state}")
    check("baseline: every result has a state", None not in states, f"got results without baselineState: {states.get(None)}")
    check("baseline sarif validates", not sarif_problems(doc, validator), f"got {sarif_problems(doc, validator)[:3]}")
    p = run(["check", str(followup.relative_to(ROOT)), "--format", "json"] + fixture_args(followup))
    report = json.loads(p.stdout)
    b = report.get("baseline", {})
    check("baseline json: resolved", b.get("resolved") == ["uri.shortener"], f"got {b.get('resolved')}, want ['uri.shortener']")
    check("baseline json: new link domain", b.get("new_domains") == ["example.org"], f"got {b.get('new_domains')}, want ['example.org']")
    check("baseline json: the SPF record changed",
          any(d["query"] == "news.example.com" and d["type"] == "TXT" for d in b.get("changed_dns", [])), f"got {b.get('changed_dns')}")
    changes = {f["id"]: f.get("change") for f in report["findings"]}
    check("baseline json: each finding marked", all(changes.values()), f"got {changes}")

    shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
