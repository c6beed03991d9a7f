#!/usr/bin/env python3
"""`mailaudit probe` against small scripted SMTP servers on 127.0.0.1: the hostile and odd cases a real
server rarely shows on demand (a late banner, 421 at the banner, multi-line replies, a drop after EHLO, a
server that never answers, a 2 MB reply line, a TLS handshake that fails, good and bad certificates).

Every server fails its row if the client ever sends DATA or BDAT, or speaks before the banner is complete.
Each row also bounds the wall time: a hostile server must end the probe within its timeout.

  tests/integration/probe_scripted.py build/mailaudit
"""
import json
import pathlib
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT_MS = 1500  # the probe's per-reply timeout in every row: the rows that time out end quickly


class Peer:
    """The server side of one connection, as a script sees it."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.seen = []          # every command line the client sent
        self.violations = []    # DATA/BDAT, early talk

    def send(self, *lines):
        self.sock.sendall(b"".join(line.encode() + b"\r\n" for line in lines))

    def raw(self, data):
        self.sock.sendall(data)

    def quiet_for(self, seconds):
        """Wait before the banner; a client that talks meanwhile is an early talker (postscreen drops it)."""
        self.sock.settimeout(seconds)
        try:
            data = self.sock.recv(100)
            if data:
                self.violations.append(f"client spoke before the banner: {data!r}")
                self.buf += data
        except socket.timeout:
            pass
        self.sock.settimeout(20)

    def line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError
            self.buf += data
        raw, self.buf = self.buf.split(b"\n", 1)
        text = raw.rstrip(b"\r").decode(errors="replace")
        self.seen.append(text)
        if text.upper().startswith(("DATA", "BDAT")):
            self.violations.append(f"client sent {text!r}")
        return text

    def expect(self, verb):
        text = self.line()
        if not text.upper().startswith(verb):
            self.violations.append(f"got {text!r}, want {verb} …")
        return text

    def answer(self, reply_by_verb, default="250 2.0.0 Ok"):
        """Answer commands from a table until QUIT or the client leaves."""
        try:
            while True:
                text = self.line()
                verb = text.split(" ", 1)[0].upper().split(":", 1)[0]
                reply = reply_by_verb.get(verb, default)
                if callable(reply):
                    reply = reply(text)
                if reply is None:
                    return
                self.send(*([reply] if isinstance(reply, str) else reply))
                if verb == "QUIT":
                    return
        except (EOFError, OSError):
            return


EHLO_PLAIN = ["250-mx.test", "250-SIZE 10240000", "250 8BITMIME"]
EHLO_TLS = ["250-mx.test", "250-SIZE 10240000", "250 STARTTLS"]


def normal(p, ehlo=EHLO_PLAIN, **more):
    table = {"EHLO": ehlo, "MAIL": "250 2.1.0 Ok", "RCPT": "250 2.1.5 Ok", "RSET": "250 2.0.0 Ok",
             "QUIT": "221 2.0.0 Bye"}
    table.update(more)
    p.answer(table)


def s_accept(p):
    p.send("220-mx.test ESMTP", "220-the second banner line", "220 ready")
    normal(p)


def s_late_banner(p):
    p.quiet_for(2.5)
    p.send("220 mx.test ESMTP")
    normal(p)


def s_421_banner(p):
    p.send("421 4.3.2 Service shutting down, closing transmission channel")


def s_554_banner(p):
    p.send("554 5.7.1 Your IP address is blocked")
    p.answer({"QUIT": "221 2.0.0 Bye"})


def s_drop_after_ehlo(p):
    p.send("220 mx.test ESMTP")
    p.expect("EHLO")


def s_silent(p):
    time.sleep(TIMEOUT_MS / 1000 * 3)


def s_tarpit_mail(p):
    p.send("220 mx.test ESMTP")
    normal(p, MAIL=lambda _: time.sleep(TIMEOUT_MS / 1000 * 3))


def s_huge_line(p):
    p.send("220 mx.test ESMTP")
    p.expect("EHLO")
    try:
        p.raw(b"250-" + b"x" * (2 * 1024 * 1024) + b"\r\n250 ok\r\n")
    except OSError:
        pass  # the client hung up mid-line: what it should do


def s_many_lines(p):
    p.send("220 mx.test ESMTP")
    p.expect("EHLO")
    try:
        p.send(*(["250-line"] * 5000 + ["250 ok"]))
    except OSError:
        pass


def s_garbled(p):
    p.send("220 mx.test ESMTP")
    p.expect("EHLO")
    p.send("HTTP/1.1 400 Bad Request")


def s_ehlo_refused(p):
    p.send("220 mx.test")
    normal(p, EHLO="502 5.5.2 Error: command not recognized", HELO="250 mx.test")


def s_one_rcpt_unknown(p):
    p.send("220 mx.test ESMTP")
    normal(p, RCPT=lambda t: "550 5.1.1 <nobody@rx.test>: Recipient address rejected: User unknown in local recipient table"
           if "nobody@" in t else "250 2.1.5 Ok")


def s_greylist(p):
    p.send("220 mx.test ESMTP")
    normal(p, RCPT="450 4.2.0 <user@rx.test>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/rx.test.html")


def s_sender_refused(p):
    p.send("220 mx.test ESMTP")
    normal(p, MAIL="553 5.7.1 <news@bad.test>: Sender address rejected: not owned by user")


def s_421_after_rcpt(p):
    p.send("220 mx.test ESMTP")
    normal(p, RCPT="421 4.7.0 mx.test Error: too many errors")


def s_tls_not_offered(p):
    p.send("220 mx.test ESMTP")
    normal(p)


def s_tls_garbage(p):
    p.send("220 mx.test ESMTP")
    p.expect("EHLO")
    p.send(*EHLO_TLS)
    p.expect("STARTTLS")
    p.send("220 2.0.0 Ready to start TLS")
    p.raw(b"this is not a TLS server hello\r\n" * 4)
    time.sleep(0.5)


def tls_server(cert, key):
    def script(p):
        p.send("220 mx.test ESMTP")
        p.expect("EHLO")
        p.send(*EHLO_TLS)
        p.expect("STARTTLS")
        p.send("220 2.0.0 Ready to start TLS")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        try:
            p.sock = ctx.wrap_socket(p.sock, server_side=True)
        except (ssl.SSLError, OSError) as e:
            p.violations.append(f"TLS handshake failed on the server: {e}")
            return
        p.buf = b""
        normal(p, ehlo=EHLO_PLAIN)
    return script


def serve(script):
    """A listening socket on 127.0.0.1 and a thread running `script` for the first connection."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    state = {"peer": None, "error": None}

    def run():
        ls.settimeout(30)
        try:
            conn, _ = ls.accept()
        except OSError as e:
            state["error"] = f"no connection: {e}"
            return
        conn.settimeout(20)
        p = Peer(conn)
        state["peer"] = p
        try:
            script(p)
        except (EOFError, OSError) as e:
            p.violations.append(f"script cut short: {e!r}") if not isinstance(e, EOFError) else None
        finally:
            try:
                conn.close()
            except OSError:
                pass
            ls.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return ls.getsockname()[1], t, state


def make_certs(tmp):
    """A test CA and a server certificate it signs for mx.test and 127.0.0.1; and a self-signed one for
    another name."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{tmp}/ca.key", "-out", f"{tmp}/ca.pem",
        "-subj", "/CN=mailaudit test CA", "-days", "2")
    run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{tmp}/good.key", "-out", f"{tmp}/good.csr",
        "-subj", "/CN=mx.test", "-addext", "subjectAltName=DNS:mx.test,IP:127.0.0.1")
    run("x509", "-req", "-in", f"{tmp}/good.csr", "-CA", f"{tmp}/ca.pem", "-CAkey", f"{tmp}/ca.key",
        "-CAcreateserial", "-out", f"{tmp}/good.pem", "-days", "2", "-copy_extensions", "copy")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{tmp}/bad.key", "-out", f"{tmp}/bad.pem",
        "-subj", "/CN=other.example", "-addext", "subjectAltName=DNS:other.example", "-days", "2")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: probe_scripted.py MAILAUDIT_BINARY")
    binary = str(pathlib.Path(sys.argv[1]).resolve())
    if not shutil.which("openssl"):
        print("probe_scripted: SKIP: openssl not found")
        return 77
    tmp = tempfile.mkdtemp(prefix="mailaudit-probe-")
    make_certs(tmp)
    ca = ["--tls-ca", f"{tmp}/ca.pem"]

    # label, script, extra args, rcpt list, want: exit, stopped_at, last step's (stage, problem, code), extra checks
    def last(j):
        st = j["sessions"][0]["steps"]
        return st[-1] if st[-1]["stage"] != "quit" else st[-2]

    rows = [
        ("multi-line banner, every recipient accepted", s_accept, [], ["user@rx.test"], 0, None,
         lambda j: [s["stage"] for s in j["sessions"][0]["steps"]] == ["connect", "helo", "mail", "rcpt", "rset", "quit"]),
        ("banner after 2.5 s: the probe waits and does not talk first", s_late_banner, ["--timeout", "5000"],
         ["user@rx.test"], 0, None, None),
        ("421 at the banner", s_421_banner, [], ["user@rx.test"], 3, "connect",
         lambda j: last(j)["reply"]["code"] == 421 and j["sessions"][0]["outcome"]["temporary"]),
        ("554 at the banner: QUIT, nothing else", s_554_banner, [], ["user@rx.test"], 1, "connect",
         lambda j: [s["command"] for s in j["sessions"][0]["steps"]] == ["", "QUIT"]),
        ("connection dropped after EHLO", s_drop_after_ehlo, [], ["user@rx.test"], 3, "helo",
         lambda j: last(j)["problem"] == "closed"),
        ("a server that never answers", s_silent, [], ["user@rx.test"], 3, "connect",
         lambda j: last(j)["problem"] == "timeout"),
        ("tarpit: MAIL FROM never answered", s_tarpit_mail, [], ["user@rx.test"], 3, "mail",
         lambda j: last(j)["problem"] == "timeout"),
        ("a 2 MB reply line", s_huge_line, [], ["user@rx.test"], 3, "helo",
         lambda j: last(j)["problem"] == "too_long"),
        ("a reply of 5,000 lines", s_many_lines, [], ["user@rx.test"], 3, "helo",
         lambda j: last(j)["problem"] == "too_long"),
        ("not an SMTP reply", s_garbled, [], ["user@rx.test"], 3, "helo", lambda j: last(j)["problem"] == "garbled"),
        ("EHLO refused, HELO accepted", s_ehlo_refused, [], ["user@rx.test"], 0, None,
         lambda j: [s["command"].split(" ")[0] for s in j["sessions"][0]["steps"][1:3]] == ["EHLO", "HELO"]
         and "502" in j["sessions"][0]["outcome"]["summary"]),
        ("one of two recipients unknown: a permanent refusal (exit 1), the other accepted", s_one_rcpt_unknown, [], ["user@rx.test", "nobody@rx.test"], 1, None,
         lambda j: j["sessions"][0]["outcome"]["rejected_rcpt"] == ["nobody@rx.test"]
         and j["sessions"][0]["outcome"]["accepted_rcpt"] == ["user@rx.test"]),
        ("greylisted at RCPT TO: temporary, cannot tell yet", s_greylist, [], ["user@rx.test"], 3, "rcpt",
         lambda j: j["sessions"][0]["outcome"]["temporary"]),
        ("sender refused at MAIL FROM", s_sender_refused, ["--mail-from", "news@bad.test"], ["user@rx.test"], 1, "mail",
         lambda j: last(j)["reply"]["status"] == "5.7.1" and not j["sessions"][0]["outcome"]["temporary"]),
        ("421 after RCPT TO", s_421_after_rcpt, [], ["user@rx.test"], 3, "rcpt",
         lambda j: last(j)["reply"]["code"] == 421),
        ("STARTTLS required, not offered", s_tls_not_offered, ["--starttls", "require"], ["user@rx.test"], 3, "starttls",
         lambda j: last(j)["problem"] == "tls_not_offered" and not any(s["stage"] == "mail" for s in j["sessions"][0]["steps"])),
        ("TLS handshake fails", s_tls_garbage, [], ["user@rx.test"], 3, "starttls",
         lambda j: last(j)["problem"] == "tls" and j["sessions"][0]["tls"]["error"]
         and not j["sessions"][0]["tls"]["used"]),
        ("TLS, good certificate (test CA trusted, name matches)", tls_server(f"{tmp}/good.pem", f"{tmp}/good.key"),
         ca, ["user@rx.test"], 0, None,
         lambda j: (t := j["sessions"][0]["tls"])["used"] and t["verified"] is True and t["name_match"] is True
         and t["protocol"].startswith("TLSv1.") and t["not_after"] and t["verify_error"] is None
         and [s["stage"] for s in j["sessions"][0]["steps"]][:5] == ["connect", "helo", "starttls", "helo", "mail"]),
        ("TLS, bad certificate (self-signed, another name)", tls_server(f"{tmp}/bad.pem", f"{tmp}/bad.key"),
         ca, ["user@rx.test"], 0, None,
         lambda j: (t := j["sessions"][0]["tls"])["used"] and t["verified"] is False and t["name_match"] is False
         and t["verify_error"] and "other.example" in t["subject"]),
        ("TLS, good certificate but the CA is not given: not verified", tls_server(f"{tmp}/good.pem", f"{tmp}/good.key"),
         [], ["user@rx.test"], 0, None,
         lambda j: (t := j["sessions"][0]["tls"])["verified"] is False and t["name_match"] is True),
    ]
    failed = 0
    for label, script, extra, rcpt, want_exit, want_stop, check in rows:
        port, thread, state = serve(script)
        cmd = [binary, "probe", "--server", f"127.0.0.1:{port}", "--helo", "probe.test", "--connect-timeout", "2000",
               "--format", "json"] + extra + ([] if "--timeout" in extra else ["--timeout", str(TIMEOUT_MS)])
        for r in rcpt:
            cmd += ["--rcpt", r]
        started = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        took = time.monotonic() - started
        thread.join(timeout=10)
        problems = []
        peer = state["peer"]
        if state["error"]:
            problems.append(state["error"])
        if peer:
            problems += peer.violations
        if proc.returncode != want_exit:
            problems.append(f"exit: got {proc.returncode}, want {want_exit}: {proc.stderr.strip()[:300]}")
        budget = (10 if "--timeout" in extra else 0) + TIMEOUT_MS / 1000 * 3 + 2
        if took > budget:
            problems.append(f"took {took:.1f} s, want at most {budget:.1f} s")
        try:
            j = json.loads(proc.stdout)
            stop = j["sessions"][0]["outcome"]["stopped_at"]
            if stop != want_stop:
                problems.append(f"stopped_at: got {stop!r}, want {want_stop!r}")
            if check and not check(j):
                problems.append("the row's check failed: " + json.dumps(j["sessions"][0]["steps"])[:1500]
                                + " tls " + json.dumps(j["sessions"][0]["tls"]))
            if not j["sessions"][0]["outcome"].get("summary"):
                problems.append("no summary sentence")
        except (json.JSONDecodeError, KeyError, IndexError) as e:
            problems.append(f"output is not the probe JSON ({e}): {proc.stdout[:300]}")
        failed += bool(problems)
        print(("ok   " if not problems else "FAIL ") + f"{label} ({took:.1f} s)")
        for pr in problems:
            print("       " + pr)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"probe_scripted: {len(rows) - failed} of {len(rows)} rows hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
