#!/usr/bin/env python3
"""`mailaudit probe` against the real receivers of the receiver lab (tests/integration/receivers_real.py):
Postfix as the postfix-strict profile configures it, Postfix behind postscreen (whose greeting test drops a
client that talks before the multi-line banner ends: the probe must wait), and Haraka as haraka-strict.

For every scenario of the lab (client IP, HELO, MAIL FROM) the probe runs first, then a real SMTP session
that sends the message. When the real session is refused before DATA, the probe must stop at the same stage
with the same code and enhanced status; when the real refusal comes at or after DATA (or there is none),
the probe must report the recipient accepted: it cannot see the content, and says so.

  tests/integration/probe_receivers.py build/mailaudit
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import receivers_real as lab  # noqa: E402

PROFILES = ["postfix-strict", "postscreen", "haraka-strict"]
BEFORE_DATA = ("connect", "helo", "mail", "rcpt")


def probe(binary, kind, ip, helo, mail_from):
    cmd = [binary, "probe", "--server", f"{lab.LISTEN[kind]}:{lab.PORT}", "--ip", ip, "--helo", helo,
           "--mail-from", mail_from, "--rcpt", lab.RCPT, "--starttls", "never", "--timeout", "20000", "--format", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    try:
        return proc.returncode, json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.exit(f"probe_receivers: {' '.join(cmd)} exited {proc.returncode}: {proc.stdout[:300]} {proc.stderr[:300]}")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: probe_receivers.py MAILAUDIT_BINARY")
    binary = str(pathlib.Path(sys.argv[1]).resolve())
    for need in ("postfix", "/usr/sbin/nsd"):
        if not shutil.which(need):
            lab.skip(f"{need} not found (scripts/setup installs postfix and nsd)")
    lab.in_namespace([str(pathlib.Path(__file__).resolve())] + sys.argv[1:])
    out = subprocess.run([binary, "receivers", "--format", "json"], capture_output=True, text=True, check=True)
    profiles = {p["id"]: p for p in json.loads(out.stdout)["receivers"]}
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="mailaudit-probe-receivers-"))
    os.chmod(tmp, 0o755)
    nsd, rows, failed, skipped = None, 0, 0, []
    try:
        lab.bind_file("nameserver 127.0.0.1\noptions timeout:2 attempts:2\n", "/etc/resolv.conf", tmp)
        lab.bind_file("127.0.0.1 localhost\n", "/etc/hosts", tmp)
        nsd = lab.start_nsd(tmp)
        for pid in PROFILES:
            profile = profiles[pid]
            kind = profile["server"]["kind"]
            if kind == "haraka" and not (os.access(lab.HARAKA, os.X_OK) and shutil.which("node")):
                skipped.append(f"{pid}: Haraka not installed at {lab.HARAKA}")
                continue
            server = lab.start_postfix(tmp, profile) if kind == "postfix" else lab.start_haraka(tmp, profile)
            try:
                for label, ip, helo, mail_from in lab.SCENARIOS[kind]:
                    if helo is None:
                        continue  # the probe always greets
                    rows += 1
                    code, j = probe(binary, kind, ip, helo, mail_from)
                    real = lab.send(kind, ip, helo, mail_from)
                    s = j["sessions"][0]
                    stop = s["outcome"]["stopped_at"]
                    problems = []
                    if any(st["command"].upper().startswith(("DATA", "BDAT")) for st in s["steps"]):
                        problems.append("the probe sent DATA")
                    if real[1] in BEFORE_DATA:
                        step = next((st for st in s["steps"] if st["stage"] == stop and st["reply"]
                                     and st["reply"]["code"] >= 400), None)
                        got = (stop, step["reply"]["code"], step["reply"]["status"] or "") if step else (stop, None, None)
                        want = (real[1], real[2]["code"], real[2]["status"])
                        # A refused EHLO the probe answered with HELO, as an MTA does, and HELO was accepted: the
                        # EHLO reply must be the real one, and the lead sentence must say so.
                        ehlo = next((st for st in s["steps"] if st["command"].startswith("EHLO") and st["reply"]), None)
                        if (got != want and real[1] == "helo" and stop is None and ehlo
                                and (ehlo["reply"]["code"], ehlo["reply"]["status"] or "") == want[1:]):
                            got = want
                            if "EHLO" not in s["outcome"]["summary"]:
                                problems.append("the summary does not say EHLO was refused: " + s["outcome"]["summary"])
                        if got != want:
                            problems.append(f"got {got}, want (the real session) {want} {real[2]['text'][:120]}")
                        if step and step["classification"]["temporary"] != (real[2]["code"] < 500):
                            problems.append("classification.temporary disagrees with the code")
                    else:
                        if not s["outcome"]["accepted"] or stop is not None:
                            problems.append(f"got stopped_at {stop!r}, accepted {s['outcome']['accepted']}; want the "
                                            f"recipient accepted (the real refusal, if any, came {real[1]})")
                    failed += bool(problems)
                    print(("ok   " if not problems else "FAIL ") + f"[{pid}] {label}: real "
                          + (f"{real[0]} at {real[1]} {real[2]['code']} {real[2]['status']}" if real[1] else "accept")
                          + f"; probe exit {code}, stopped at {stop}")
                    for p in problems:
                        print("       " + p)
            finally:
                lab.stop_postfix(server) if kind == "postfix" else lab.stop_haraka(server)
    finally:
        if nsd:
            nsd.terminate()
            nsd.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    for sk in skipped:
        print(f"probe_receivers: SKIP {sk}")
    print(f"probe_receivers: {rows - failed} of {rows} rows hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
