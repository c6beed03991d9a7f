#!/usr/bin/env python3
"""`mailaudit probe` against a real Postfix: the stage where the probe stopped and the reply it read must
equal what Postfix logged ("NOQUEUE: reject: CONNECT|EHLO|HELO|MAIL|RCPT from …: CODE STATUS TEXT"), for
a restriction at each stage; STARTTLS facts for a good and a bad certificate; and never DATA (the probe's
steps are checked, and Postfix's "disconnect from … commands=" summary must count no DATA).

Postfix runs with smtpd_delay_reject = no, so each restriction answers at its own stage (the default,
yes, answers every earlier cause at RCPT TO: the receiver profiles model that, tests/integration/
receivers_real.py). It shares the lab of receivers_real.py: its own network and mount namespace, NSD with
fixtures/receivers/dns on 127.0.0.1:53, clients from 127.0.0.X.

  tests/integration/probe_postfix.py build/mailaudit
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import receivers_real as lab  # noqa: E402  (the namespace, NSD and Postfix starters)

RCPT = "user@rx.lab.example.com"
NEWS = "news@news.lab.example.com"
SERVER = "lab.example.com"  # A 127.0.0.1 in the lab zone: the certificate's name

CONFIG = [
    "smtpd_delay_reject = no",
    "smtpd_helo_required = yes",
    "smtpd_client_restrictions = permit_mynetworks, reject_unknown_client_hostname, reject_rbl_client zen.spamhaus.org",
    "smtpd_helo_restrictions = permit_mynetworks, reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname",
    "smtpd_sender_restrictions = permit_mynetworks, reject_non_fqdn_sender, reject_unknown_sender_domain",
    "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
    "local_recipient_maps = inline:{user=ok}",
    "smtpd_tls_security_level = may",
    "smtpd_tls_loglevel = 1",
]
MASTER = ["smtp      inet  n       -       n       -       -       smtpd",
          "tlsmgr    unix  -       -       n       1000?   1       tlsmgr"]

# label, client IP, HELO, MAIL FROM, rcpt, want stopped_at (None: accepted), want exit
SCENARIOS = [
    ("accepted", "127.0.0.10", "mail10.lab.example.com", NEWS, [RCPT], None, 0),
    ("client without PTR: refused at connect", "127.0.0.11", "mail10.lab.example.com", NEWS, [RCPT], "connect", 3),
    ("client on zen: refused at connect", "127.0.0.2", "mail2.lab.example.com", NEWS, [RCPT], "connect", 1),
    ("HELO not a FQDN", "127.0.0.10", "mailer", NEWS, [RCPT], "helo", 1),
    ("HELO with a character no hostname has", "127.0.0.10", "mail!x.lab.example.com", NEWS, [RCPT], "helo", 1),
    ("sender domain does not exist", "127.0.0.10", "mail10.lab.example.com", "news@gone.lab.example.com", [RCPT], "mail", None),
    ("sender not a FQDN", "127.0.0.10", "mail10.lab.example.com", "news@localhost", [RCPT], "mail", 1),
    ("unknown recipient", "127.0.0.10", "mail10.lab.example.com", NEWS, ["nobody@rx.lab.example.com"], "rcpt", 1),
    ("relay refused", "127.0.0.10", "mail10.lab.example.com", NEWS, ["user@elsewhere.example"], "rcpt", 1),
]

# check --probe: label, client IP, HELO, MAIL FROM, want {stage: (answer, agreement)}, want exit[, rcpt]
CHECK_SCENARIOS = [
    ("clean sender: audit and receiver agree", "127.0.0.10", "mail10.lab.example.com", NEWS,
     {"connect": ("accepted", "agree"), "helo": ("accepted", "agree"), "mail": ("accepted", "agree"),
      "rcpt": ("accepted", "agree")}, 0),
    ("IP on zen: predicted and refused at connect", "127.0.0.2", "mail2.lab.example.com", NEWS,
     {"connect": ("rejected", "agree"), "helo": ("not_reached", "not_reached")}, 1),
    ("sender on DBL: predicted, but this Postfix does not check it", "127.0.0.10", "mail10.lab.example.com",
     "news@bad.lab.example.com", {"mail": ("accepted", "disagree"), "rcpt": ("accepted", "agree")}, 1),
    ("unknown recipient: a refusal the audit cannot see", "127.0.0.10", "mail10.lab.example.com", NEWS,
     {"mail": ("accepted", "agree"), "rcpt": ("rejected", "disagree")}, 1, "nobody@rx.lab.example.com"),
]
MESSAGE = lab.MESSAGE

# The reply read as a receiver profile's rule (rules/receivers/postfix-*.toml): the finding it refuses on must
# be among the step's look_at, and the profile one modelling Postfix.
WANT_LOOK = {
    "client without PTR: refused at connect": "rdns.missing",
    "client on zen: refused at connect": "dnsbl.listed",
    "HELO not a FQDN": "helo.not_fqdn",
    "HELO with a character no hostname has": "helo.invalid",
    "sender domain does not exist": "sender.nxdomain",
    "sender not a FQDN": "sender.invalid",
}

STAGE_OF_COMMAND = {"CONNECT": "connect", "EHLO": "helo", "HELO": "helo", "MAIL": "mail", "RCPT": "rcpt"}


def make_certs(tmp):
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{tmp}/ca.key", "-out", f"{tmp}/ca.pem",
        "-subj", "/CN=mailaudit lab CA", "-days", "2")
    run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{tmp}/good.key", "-out", f"{tmp}/good.csr",
        "-subj", f"/CN={SERVER}", "-addext", f"subjectAltName=DNS:{SERVER}")
    run("x509", "-req", "-in", f"{tmp}/good.csr", "-CA", f"{tmp}/ca.pem", "-CAkey", f"{tmp}/ca.key",
        "-CAcreateserial", "-out", f"{tmp}/good.pem", "-days", "2", "-copy_extensions", "copy")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{tmp}/bad.key", "-out", f"{tmp}/bad.pem",
        "-subj", "/CN=other.example", "-addext", "subjectAltName=DNS:other.example", "-days", "2")
    for f in ("good.key", "bad.key"):
        os.chmod(f"{tmp}/{f}", 0o644)  # read by Postfix's smtpd as user postfix


def probe(binary, ip, helo, mail_from, rcpt, ca):
    cmd = [binary, "probe", "--server", f"{SERVER}:{lab.PORT}", "--ip", ip, "--helo", helo, "--mail-from", mail_from,
           "--zone", str(lab.ZONES), "--offline", "--tls-ca", ca, "--timeout", "10000", "--format", "json"]
    for r in rcpt:
        cmd += ["--rcpt", r]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    try:
        return proc.returncode, json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.exit(f"probe_postfix: {' '.join(cmd)} exited {proc.returncode}: {proc.stdout[:300]} {proc.stderr[:300]}")


def check_probe(binary, ip, helo, mail_from, ca, rcpt=RCPT):
    cmd = [binary, "check", str(MESSAGE), "--offline", "--zone", str(lab.ZONES), "--ip", ip, "--helo", helo,
           "--mail-from", mail_from, "--rcpt", rcpt, "--probe", "--probe-server", f"{SERVER}:{lab.PORT}",
           "--probe-tls-ca", ca, "--format", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    try:
        return proc.returncode, json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.exit(f"probe_postfix: {' '.join(cmd)} exited {proc.returncode}: {proc.stdout[:300]} {proc.stderr[:300]}")


def logged_reject(maillog, ip, before):
    """The first reject Postfix logged for client `ip` after offset `before`: (stage, code, status, text)."""
    text = maillog.read_text(errors="replace")[before:] if maillog.exists() else ""
    pat = re.compile(r"NOQUEUE: reject: (CONNECT|EHLO|HELO|MAIL|RCPT) from [^\[]*\[" + re.escape(ip) +
                     r"\][^:]*: (\d{3}) (\d\.\d{1,3}\.\d{1,3}) (.*?)(?:; from=<|; proto=|$)", re.M)
    m = pat.search(text)
    if not m:
        return None, text
    return (STAGE_OF_COMMAND[m.group(1)], int(m.group(2)), m.group(3), m.group(4)), text


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: probe_postfix.py MAILAUDIT_BINARY")
    binary = str(pathlib.Path(sys.argv[1]).resolve())
    for need in ("postfix", "/usr/sbin/nsd", "openssl"):
        if not shutil.which(need):
            lab.skip(f"{need} not found (scripts/setup installs postfix, nsd and openssl)")
    lab.in_namespace([str(pathlib.Path(__file__).resolve())] + sys.argv[1:])
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="mailaudit-probe-postfix-"))
    os.chmod(tmp, 0o755)
    make_certs(tmp)
    nsd, conf, failed, rows = None, None, 0, 0
    try:
        lab.bind_file("nameserver 127.0.0.1\noptions timeout:2 attempts:2\n", "/etc/resolv.conf", tmp)
        lab.bind_file("127.0.0.1 localhost\n", "/etc/hosts", tmp)
        nsd = lab.start_nsd(tmp)
        for cert in ("good", "bad"):
            profile = {"id": "probe-" + cert, "server": {
                "config": CONFIG + [f"smtpd_tls_cert_file = {tmp}/{cert}.pem", f"smtpd_tls_key_file = {tmp}/{cert}.key"],
                "master": MASTER}}
            conf = lab.start_postfix(tmp, profile)
            maillog = pathlib.Path(conf).parent / "maillog"
            scenarios = SCENARIOS if cert == "good" else SCENARIOS[:1]
            for label, ip, helo, mail_from, rcpt, want_stop, want_exit in scenarios:
                rows += 1
                before = len(maillog.read_text(errors="replace")) if maillog.exists() else 0
                code, j = probe(binary, ip, helo, mail_from, rcpt, f"{tmp}/ca.pem")
                s = j["sessions"][0]
                problems = []
                stop = s["outcome"]["stopped_at"]
                if stop != want_stop:
                    problems.append(f"stopped_at: got {stop!r}, want {want_stop!r}")
                if want_exit is not None and code != want_exit:
                    problems.append(f"exit: got {code}, want {want_exit}")
                commands = [st["command"].split(" ")[0].upper() for st in s["steps"]]
                if "DATA" in commands or "BDAT" in commands:
                    problems.append(f"the probe sent DATA: {commands}")
                for _ in range(20):  # the disconnect line comes after QUIT
                    tail = maillog.read_text(errors="replace")[before:] if maillog.exists() else ""
                    if re.search(r"disconnect from [^\[]*\[" + re.escape(ip) + r"\]", tail):
                        break
                    time.sleep(0.1)
                if re.search(r"disconnect from [^\[]*\[" + re.escape(ip) + r"\].* data=", tail):
                    problems.append("Postfix counted a DATA command from the probe: " + tail[-300:])
                # Postfix writes the reject line as it answers; give its logger a moment.
                for _ in range(20):
                    logged, _text = logged_reject(maillog, ip, before)
                    if logged or want_stop is None:
                        break
                    time.sleep(0.1)
                if want_stop is None:
                    if logged:
                        problems.append(f"Postfix logged a reject the probe did not see: {logged}")
                    if not s["outcome"]["accepted"]:
                        problems.append("outcome.accepted: got false, want true")
                else:
                    step = next((st for st in s["steps"] if st["stage"] == stop and st["reply"]["code"] >= 400), None)
                    got = (stop, step["reply"]["code"], step["reply"]["status"], step["reply"]["text"]) if step else None
                    if not logged:
                        problems.append("Postfix logged no reject for this client")
                    elif got is None or got[:3] != logged[:3] or not got[3].startswith(logged[3][:60]):
                        problems.append(f"got {got}, want (from the Postfix log) {logged}")
                    if label in WANT_LOOK and step:
                        cl = step["classification"]
                        if WANT_LOOK[label] not in cl["look_at"] or not (cl["profile"] or {}).get("id", "").startswith("postfix"):
                            problems.append(f"look_at: got {cl['look_at']} from profile {cl['profile']}, want {WANT_LOOK[label]} "
                                            "from a Postfix profile")
                    if step and step["classification"]["temporary"] != (logged and logged[1] < 500):
                        problems.append(f"classification.temporary: got {step['classification']['temporary']}")
                if stop is None or stop in ("mail", "rcpt"):  # TLS came before MAIL FROM
                    t = s["tls"]
                    want_tls = (True, True) if cert == "good" else (False, False)
                    if not t["used"] or (t["verified"], t["name_match"]) != want_tls or not t["protocol"]:
                        problems.append(f"TLS ({cert} certificate): got {json.dumps(t)}, want used, verified/name_match {want_tls}")
                failed += bool(problems)
                prof = step["classification"]["profile"] if stop and step else None
                print(("ok   " if not problems else "FAIL ") + f"[{cert} certificate] {label}: "
                      + (f"{stop} {step['reply']['code']} {step['reply']['status']}" if stop and step else "accepted")
                      + (f" = {prof['id']} {prof['via']} {prof['findings']}" if prof else ""))
                for p in problems:
                    print("       " + p)
            if cert == "good":
                for label, ip, helo, mail_from, want, want_exit, *rcpt in CHECK_SCENARIOS:
                    rows += 1
                    code, j = check_probe(binary, ip, helo, mail_from, f"{tmp}/ca.pem", *rcpt)
                    got = {v["stage"]: (v["answer"], v["agreement"]) for v in j.get("probe", {}).get("stages", [])}
                    problems = [f"{st}: got {got.get(st)}, want {w}" for st, w in want.items() if got.get(st) != w]
                    if code != want_exit:
                        problems.append(f"exit: got {code}, want {want_exit}")
                    failed += bool(problems)
                    print(("ok   " if not problems else "FAIL ") + f"[check --probe] {label}: {got}")
                    for p in problems:
                        print("       " + p)
            lab.stop_postfix(conf)
            conf = None
    finally:
        if conf:
            lab.stop_postfix(conf)
        if nsd:
            nsd.terminate()
            nsd.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"probe_postfix: {rows - failed} of {rows} rows hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
