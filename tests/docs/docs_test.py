#!/usr/bin/env python3
"""The man pages and shell completion against the command line itself: `man -l` renders mailaudit(1) and
mailaudit.toml(5); every subcommand of `mailaudit --help` and every long option of each subcommand's --help is
in the bash completion (and the zsh one), and completing in a real bash offers them; every option of `check` is
documented in mailaudit(1).
Usage: docs_test.py MAILAUDIT_BINARY BUILD_DIR   (exit 77 = skipped: scdoc/man/bash missing)."""
import os
import pathlib
import re
import shutil
import subprocess
import sys

BIN = str(pathlib.Path(sys.argv[1]).resolve())
BUILD = pathlib.Path(sys.argv[2]).resolve()
ENV = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "ASAN_OPTIONS": "detect_leaks=0", "MANWIDTH": "100"}

passed = failed = 0


def check(label, ok, why):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {label}: {why}")


def out(args):
    return subprocess.run(args, capture_output=True, text=True, env=ENV).stdout


def help_of(sub=None):
    """Subcommands and long options from --help: the CLI's own list."""
    text = out([BIN] + ([sub] if sub else []) + ["--help"])
    opts = sorted(set(re.findall(r"^\s+(?:-\w,)?(--[a-z][a-z0-9-]*)", text, re.M)))
    subs = []
    if "Subcommands:" in text:
        subs = re.findall(r"^  ([a-z][a-z0-9-]*)\s", text.split("Subcommands:", 1)[1], re.M)
    return subs, opts


def complete(script, words):
    """COMPREPLY of the bash completion for the words typed so far (the last one being completed)."""
    line = " ".join(f"'{w}'" for w in words)
    prog = f"source '{script}'; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _mailaudit; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    return subprocess.run(["bash", "-c", prog], capture_output=True, text=True, env=ENV, cwd=BUILD).stdout.split()


def main():
    if not shutil.which("man") or not shutil.which("bash"):
        print("man or bash missing: skipped")
        return 77
    page = BUILD / "man" / "mailaudit.1"
    if not page.exists():
        print("build/man/mailaudit.1 missing (scdoc not found at configure time; scripts/setup installs it): skipped")
        return 77
    subs, top_opts = help_of()
    check("--help lists subcommands", {"check", "urls", "bounce", "checks"} <= set(subs), f"got {subs}")

    # man -l renders both pages with their sections.
    for name, sections in (("mailaudit.1", ("NAME", "SYNOPSIS", "EXIT STATUS", "EXAMPLES")),
                           ("mailaudit.toml.5", ("NAME", "DESCRIPTION", "TABLES", "EXAMPLE"))):
        p = subprocess.run(["man", "-l", str(BUILD / "man" / name)], capture_output=True, text=True, env=ENV)
        check(f"man -l {name} renders", p.returncode == 0 and all(re.search(rf"^{s}$", p.stdout, re.M) for s in sections),
              f"got exit {p.returncode}, {len(p.stdout)} chars; stderr {p.stderr[:200]}")
        check(f"man -l {name}: no roff warnings", p.stderr.strip() == "", f"got {p.stderr[:300]!r}")
    man_text = subprocess.run(["man", "-l", str(page)], capture_output=True, text=True, env=ENV).stdout
    _, check_opts = help_of("check")
    undocumented = [o for o in check_opts if o != "--help" and o not in man_text]
    check("mailaudit(1) documents every option of check", not undocumented, f"got {undocumented} missing")
    for sub in subs:
        check(f"mailaudit(1) names the {sub} subcommand", re.search(rf"mailaudit {sub}\b", man_text) is not None,
              f"got no 'mailaudit {sub}'")

    # Completion: generated at build, lists every subcommand and flag.
    bash_script = BUILD / "completions" / "mailaudit"
    zsh_script = BUILD / "completions" / "_mailaudit"
    check("completion files built", bash_script.exists() and zsh_script.exists(), f"got {list((BUILD / 'completions').glob('*'))}")
    bash_text = bash_script.read_text() if bash_script.exists() else ""
    zsh_text = zsh_script.read_text() if zsh_script.exists() else ""
    check("bash completion parses", subprocess.run(["bash", "-n", str(bash_script)]).returncode == 0, "bash -n failed")
    got = complete(bash_script, ["mailaudit", ""])
    check("completing the subcommand offers every subcommand", set(subs) <= set(got), f"got {got}, want {subs}")
    for sub in subs:
        _, opts = help_of(sub)
        offered = complete(bash_script, ["mailaudit", sub, "--"])
        missing = [o for o in opts if o not in offered]
        check(f"bash: `mailaudit {sub} --<TAB>` offers every flag of its --help", not missing and opts,
              f"got {missing} missing of {len(opts)}")
        missing_zsh = [o for o in opts if o != "--help" and f"'*{o}[" not in zsh_text]
        check(f"zsh completion lists every flag of {sub}", not missing_zsh, f"got {missing_zsh} missing")
    rows = [
        ("--format values", ["mailaudit", "check", "x.eml", "--format", "s"], ["sarif"]),
        ("--fail-on values", ["mailaudit", "check", "--fail-on", "new-"], ["new-error", "new-warning"]),
        ("a prefix", ["mailaudit", "check", "--base"], ["--baseline"]),
        ("top-level prefix", ["mailaudit", "bo"], ["bounce"]),
    ]
    for label, words, want in rows:
        got = complete(bash_script, words)
        check(f"bash completion: {label}", got == want, f"got {got}, want {want}")
    # --stream completes the streams of the current folder's mailaudit.toml.
    (BUILD / "mailaudit.toml").write_text("[stream.marketing]\nip = \"192.0.2.1\"\n[stream.receipts]\n")
    got = complete(bash_script, ["mailaudit", "check", "x.eml", "--stream", ""])
    os.unlink(BUILD / "mailaudit.toml")
    check("bash completion: --stream names from mailaudit.toml", got == ["marketing", "receipts"], f"got {got}")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
