#!/usr/bin/env python3
"""Real receivers against their profiles: Postfix (rules/receivers/postfix-*.toml, postscreen.toml) and Haraka
(haraka-*.toml).

For each profile with [server] kind = "postfix", start Debian's Postfix with a private config directory and
queue, on 127.0.0.1, with the profile's configuration lines in main.cf; for kind = "haraka", a Haraka instance
(pinned, installed by scripts/setup into ~/.cache/mailaudit, or $MAILAUDIT_HARAKA) on 198.18.0.1 with the
profile's plugins and plugin files; both with NSD serving
fixtures/receivers/dns as its only resolver. The test runs in its own network and mount namespace
(unshare -mn; it re-executes itself there) so that NSD can take port 53 on a loopback of its own and a
private /etc/resolv.conf and /etc/hosts can be bind-mounted for Postfix's resolver. Every scenario connects
from its own 127.0.0.X with its HELO and MAIL FROM, and the real reply and the stage it came at are compared
with `mailaudit check --receiver PROFILE` on the same context and the same zones. Prints a table; exit 0
when every prediction holds, 1 otherwise, 77 (skipped) when postfix, nsd or namespaces are not available.
Haraka's clients use 198.18.0.X (RFC 2544), added to the namespace's loopback: Haraka skips its checks for
private, loopback and TEST-NET clients. Without Haraka (or node) its profiles are skipped, said so, and the
Postfix ones still run.

  tests/integration/receivers_real.py build/mailaudit
"""
import json
import os
import pathlib
import re
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
ZONES = ROOT / "fixtures" / "receivers" / "dns"
MESSAGE = ROOT / "fixtures" / "receivers" / "lab-message.eml"
RCPT = "user@rx.lab.example.com"
PORT = 2525
SKIP = 77
CACHE = os.environ.get("MAILAUDIT_CACHE", os.path.expanduser("~/.cache/mailaudit"))
HARAKA = os.environ.get("MAILAUDIT_HARAKA", os.path.join(CACHE, "haraka-3.3.4", "node_modules", ".bin", "haraka"))
LISTEN = {"postfix": "127.0.0.1", "haraka": "198.18.0.1"}

# label, client IP, HELO (None: no HELO at all), MAIL FROM
SCENARIOS = {}
SCENARIOS["postfix"] = [
    ("pass", "127.0.0.10", "mail10.lab.example.com", "news@news.lab.example.com"),
    ("no PTR", "127.0.0.11", "mail10.lab.example.com", "news@news.lab.example.com"),
    ("PTR not confirmed", "127.0.0.12", "mail10.lab.example.com", "news@news.lab.example.com"),
    ("IP on zen", "127.0.0.2", "mail2.lab.example.com", "news@news.lab.example.com"),
    ("zen error code, no filter", "127.0.0.3", "mail3.lab.example.com", "news@news.lab.example.com"),
    ("no HELO", "127.0.0.10", None, "news@news.lab.example.com"),
    ("HELO not FQDN", "127.0.0.10", "mailer", "news@news.lab.example.com"),
    ("HELO invalid", "127.0.0.10", "mail!x.lab.example.com", "news@news.lab.example.com"),
    ("HELO bare IP", "127.0.0.10", "127.0.0.10", "news@news.lab.example.com"),
    ("HELO not found", "127.0.0.10", "nohost.lab.example.com", "news@news.lab.example.com"),
    ("HELO with MX only", "127.0.0.10", "mxhelo.lab.example.com", "news@news.lab.example.com"),
    ("sender domain missing", "127.0.0.10", "mail10.lab.example.com", "news@gone.lab.example.com"),
    ("sender null MX", "127.0.0.10", "mail10.lab.example.com", "news@nullmx.lab.example.com"),
    ("sender on DBL", "127.0.0.10", "mail10.lab.example.com", "news@bad.lab.example.com"),
    ("sender not FQDN", "127.0.0.10", "mail10.lab.example.com", "news@localhost"),
    ("no PTR and bad HELO: client first", "127.0.0.11", "mailer", "news@gone.lab.example.com"),
]
H = "h10.lab.example.com"
NEWS = "news@news.lab.example.com"
SCENARIOS["haraka"] = [
    ("pass", "198.18.0.10", H, NEWS),
    ("no PTR", "198.18.0.11", H, NEWS),
    ("PTR not confirmed, forward address in the same /24", "198.18.0.12", H, NEWS),
    ("PTR not confirmed, forward address elsewhere", "198.18.0.13", H, NEWS),
    ("IP on zen", "198.18.0.2", "h2.lab.example.com", NEWS),
    ("no HELO", "198.18.0.10", None, NEWS),
    ("HELO not FQDN", "198.18.0.10", "mailer", NEWS),
    ("HELO invalid characters", "198.18.0.10", "mail!x.lab.example.com", NEWS),
    ("HELO bare IP", "198.18.0.10", "198.18.0.10", NEWS),
    ("HELO not found", "198.18.0.10", "nohost.lab.example.com", NEWS),
    ("HELO of another organisation", "198.18.0.10", "mail.lab.example.net", NEWS),
    ("sender domain missing", "198.18.0.10", H, "news@gone.lab.example.com"),
    ("sender null MX", "198.18.0.10", H, "news@nullmx.lab.example.com"),
    ("sender with an address but no MX", "198.18.0.10", H, "news@aonly.lab.example.com"),
    ("sender on DBL (uribl not configured)", "198.18.0.10", H, "news@bad.lab.example.com"),
    ("IP on zen and HELO not FQDN: small causes add up", "198.18.0.2", "mailer", NEWS),
    ("no PTR and HELO not FQDN: small causes add up", "198.18.0.11", "mailer", NEWS),
    # last: an error code makes dns-list disable the zone for the connections after it
    ("zen error code", "198.18.0.3", "h3.lab.example.com", NEWS),
]

# master.cf: the profile's [server] master lines (service "smtp" inet becomes the test port), else a plain
# smtpd; then the services every Postfix needs.
SMTPD_INET = ["smtp      inet  n       -       n       -       -       smtpd"]
MASTER_CF = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def skip(why):
    print(f"receivers_real: SKIP: {why}")
    sys.exit(SKIP)


def in_namespace(argv):
    """Re-execute under unshare -mn unless already there; set up loopback, resolv.conf and hosts."""
    if os.environ.get("MAILAUDIT_LAB_NS") != "1":
        if os.geteuid() != 0:
            skip("needs root for a private network and mount namespace (unshare -mn)")
        if not shutil.which("unshare"):
            skip("unshare (util-linux) not found")
        env = dict(os.environ, MAILAUDIT_LAB_NS="1")
        proc = subprocess.run(["unshare", "-mn", "--", sys.executable] + argv, env=env)
        sys.exit(proc.returncode)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    # Haraka's server address on the interface; its clients only routed locally (an AnyIP route): Haraka calls
    # a client on one of its own interfaces' addresses local, and skips its checks for it.
    subprocess.run(["ip", "addr", "add", f"{LISTEN['haraka']}/32", "dev", "lo"], check=True)
    subprocess.run(["ip", "route", "add", "local", "198.18.0.0/24", "dev", "lo"], check=True)


def bind_file(text, target, tmp):
    src = tmp / pathlib.Path(target).name
    src.write_text(text)
    subprocess.run(["mount", "--bind", str(src), target], check=True)


def start_nsd(tmp):
    d = tmp / "nsd"
    d.mkdir()
    conf = ["server:", "  ip-address: 127.0.0.1", "  port: 53", "  do-ip6: no", "  server-count: 1",
            '  username: ""', '  chroot: ""', '  database: ""', "  rrl-ratelimit: 0", "  rrl-whitelist-ratelimit: 0",
            f'  zonesdir: "{ZONES}"', f'  pidfile: "{d}/nsd.pid"', f'  xfrdfile: "{d}/xfrd.state"',
            f'  zonelistfile: "{d}/zone.list"', f'  xfrdir: "{d}"', f'  logfile: "{d}/nsd.log"',
            "remote-control:", "  control-enable: no"]
    for z in sorted(ZONES.glob("*.zone")):
        conf += ["zone:", f'  name: "{z.stem}"', f'  zonefile: "{z.name}"']
    (d / "nsd.conf").write_text("\n".join(conf) + "\n")
    proc = subprocess.Popen(["/usr/sbin/nsd", "-d", "-c", str(d / "nsd.conf")])
    for _ in range(50):
        try:
            socket.getaddrinfo("mx.lab.example.com", None, socket.AF_INET)
            return proc
        except socket.gaierror:
            time.sleep(0.2)
    proc.terminate()
    sys.exit("receivers_real: nsd did not answer: " + (d / "nsd.log").read_text(errors="replace"))


def start_postfix(tmp, profile):
    d = tmp / ("postfix-" + profile["id"])
    conf, queue, data = d / "etc", d / "spool", d / "lib"
    for p in (conf, queue, data):
        p.mkdir(parents=True)
    shutil.chown(data, "postfix")
    main = [
        "compatibility_level = 3.6",
        f"queue_directory = {queue}",
        f"data_directory = {data}",
        f"maillog_file = {d}/maillog",
        f"maillog_file_prefixes = {d}",
        "myhostname = mx.lab.example.com",
        "mydestination = rx.lab.example.com",
        "inet_interfaces = 127.0.0.1",
        "inet_protocols = ipv4",
        "mynetworks = 127.0.0.1/32",
        "local_recipient_maps =",
        "alias_maps =",
        "alias_database =",
        "local_transport = discard",
        "default_transport = discard",
        "smtpd_banner = $myhostname ESMTP",
        "biff = no",
        "append_dot_mydomain = no",
    ] + profile["server"]["config"]
    (conf / "main.cf").write_text("\n".join(main) + "\n")
    inet = [re.sub(r"^smtp(\s+inet)", str(PORT) + r"\1", line) for line in profile["server"].get("master", SMTPD_INET)]
    (conf / "master.cf").write_text("\n".join(inet) + "\n" + MASTER_CF)
    out = subprocess.run(["postfix", "-c", str(conf), "start"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"receivers_real: postfix -c {conf} start failed: {out.stdout}{out.stderr}")
    for _ in range(50):
        try:
            with socket.create_connection(("127.0.0.1", PORT), timeout=1) as s:
                if s.recv(100).startswith(b"220"):
                    return conf
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"receivers_real: postfix did not greet on 127.0.0.1:{PORT}: " +
             ((d / "maillog").read_text(errors="replace") if (d / "maillog").exists() else ""))


def start_haraka(tmp, profile):
    d = tmp / ("haraka-" + profile["id"])
    out = subprocess.run([HARAKA, "-i", str(d)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"receivers_real: haraka -i {d} failed: {out.stdout}{out.stderr}")
    cfg = d / "config"
    (cfg / "smtp.ini").write_text(f"listen={LISTEN['haraka']}:{PORT}\n")
    (cfg / "me").write_text("mx.lab.example.com\n")
    (cfg / "host_list").write_text("rx.lab.example.com\n")
    (cfg / "plugins").write_text("\n".join(profile["server"]["config"]) + "\n")
    for name, contents in profile["server"].get("files", {}).items():
        (cfg / name).write_text(contents)
    log = open(d / "haraka.log", "w")
    proc = subprocess.Popen([HARAKA, "-c", str(d)], stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, YES_REALLY_DO_DISCARD="1"))
    for _ in range(100):
        try:
            with socket.create_connection((LISTEN["haraka"], PORT), timeout=1, source_address=("198.18.0.1", 0)) as s:
                if s.recv(100).startswith(b"220"):
                    time.sleep(3)  # dns-list tests its zones at start before it uses them
                    return proc
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.terminate()
    sys.exit("receivers_real: haraka did not greet: " + (d / "haraka.log").read_text(errors="replace")[-3000:])


def start_redis(tmp):
    d = tmp / "redis"
    d.mkdir(exist_ok=True)
    proc = subprocess.Popen(["redis-server", "--port", "6379", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(d)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        if subprocess.run(["redis-cli", "-p", "6379", "PING"], capture_output=True, text=True).stdout.strip() == "PONG":
            return proc
        time.sleep(0.1)
    proc.terminate()
    sys.exit("receivers_real: redis-server did not answer on 127.0.0.1:6379")


def stop_haraka(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def stop_postfix(conf):
    subprocess.run(["postfix", "-c", str(conf), "stop"], capture_output=True)
    time.sleep(0.5)


def split_reply(code, msg):
    text = msg.decode(errors="replace").replace("\n", " ")
    m = re.match(r"([245]\.\d{1,3}\.\d{1,3}) (.*)", text)
    return {"code": code, "status": m.group(1) if m else "", "text": m.group(2) if m else text}


def send(kind, ip, helo, mail_from):
    """The real session: (outcome, stage, reply or None)."""
    s = smtplib.SMTP(source_address=(ip, 0), timeout=40)
    code, msg = s.connect(LISTEN[kind], PORT)
    steps = []
    if helo is not None:
        steps.append(("helo", lambda: s.ehlo(helo)))
    steps += [("mail", lambda: s.docmd(f"MAIL FROM:<{mail_from}>")),
              ("rcpt", lambda: s.docmd(f"RCPT TO:<{RCPT}>")),
              ("data", lambda: s.docmd("DATA"))]
    try:
        if code >= 400:
            return ("defer" if code < 500 else "reject", "connect", split_reply(code, msg))
        for stage, step in steps:
            code, msg = step()
            if code >= 400:
                return ("defer" if code < 500 else "reject", stage, split_reply(code, msg))
        body = MESSAGE.read_bytes()
        s.send(body + b".\r\n")
        code, msg = s.getreply()
        if code >= 400:
            return ("defer" if code < 500 else "reject", "end_of_data", split_reply(code, msg))
        return ("accept", None, None)
    finally:
        try:
            s.quit()
        except (smtplib.SMTPException, OSError):
            s.close()


def predict(binary, profile_id, ip, helo, mail_from):
    cmd = [binary, "check", str(MESSAGE), "--format", "json", "--offline", "--zone", str(ZONES),
           "--ip", ip, "--helo", "" if helo is None else helo, "--mail-from", mail_from, "--rcpt", RCPT,
           "--receiver", profile_id]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1, 3):
        sys.exit(f"receivers_real: {' '.join(cmd)} exited {proc.returncode}: {proc.stderr}")
    v = json.loads(proc.stdout)["receivers"][0]
    because = ",".join(c["id"] for c in v["because"])
    return (v["outcome"], v["stage"], v["reply"]), because


def cell(outcome, stage, reply):
    if outcome == "accept":
        return "accept"
    return f"{outcome} at {stage}: {reply['code']} {reply['status']}".rstrip()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: receivers_postfix.py MAILAUDIT_BINARY")
    binary = str(pathlib.Path(sys.argv[1]).resolve())
    for need in ("postfix", "/usr/sbin/nsd"):
        if not shutil.which(need):
            skip(f"{need} not found (Debian packages postfix and nsd; scripts/setup installs them)")
    in_namespace([str(pathlib.Path(__file__).resolve())] + sys.argv[1:])
    out = subprocess.run([binary, "receivers", "--format", "json"], capture_output=True, text=True, check=True)
    profiles = [p for p in json.loads(out.stdout)["receivers"] if p.get("server", {}).get("kind") in LISTEN]
    if not any(p["server"]["kind"] == "postfix" for p in profiles):
        sys.exit("receivers_real: no profile with [server] kind = \"postfix\"")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="mailaudit-receivers-"))
    os.chmod(tmp, 0o755)
    nsd = None
    rows, failed, skipped = [], 0, []
    try:
        bind_file("nameserver 127.0.0.1\noptions timeout:2 attempts:2\n", "/etc/resolv.conf", tmp)
        bind_file("127.0.0.1 localhost\n", "/etc/hosts", tmp)
        nsd = start_nsd(tmp)
        for profile in profiles:
            kind = profile["server"]["kind"]
            if kind == "haraka" and not (os.access(HARAKA, os.X_OK) and shutil.which("node")):
                skipped.append(f"{profile['id']}: Haraka not installed at {HARAKA} (scripts/setup installs it)")
                continue
            redis = None
            if kind == "haraka" and "redis" in profile["server"]["config"]:
                if not shutil.which("redis-server"):
                    skipped.append(f"{profile['id']}: redis-server not found (Debian package redis-server; scripts/setup)")
                    continue
                redis = start_redis(tmp)
            server = start_postfix(tmp, profile) if kind == "postfix" else start_haraka(tmp, profile)
            try:
                for label, ip, helo, mail_from in SCENARIOS[kind]:
                    if redis:  # a sender the receiver has no history for (karma keeps per-IP history in redis)
                        subprocess.run(["redis-cli", "-p", "6379", "FLUSHALL"], capture_output=True, check=True)
                    real = send(kind, ip, helo, mail_from)
                    want, because = predict(binary, profile["id"], ip, helo, mail_from)
                    same = real[0] == want[0] and real[1] == want[1]
                    if same and real[2] is not None:
                        same = (real[2]["code"] == want[2]["code"] and real[2]["status"] == want[2]["status"]
                                and real[2]["text"].startswith(want[2]["text"]))
                    failed += not same
                    rows.append((profile["id"], label, cell(*real), cell(*want), because or "-", "yes" if same else "NO",
                                 "" if same or real[2] is None else f"real: {real[2]['text']}"
                                 + ("" if want[2] is None else f" / predicted: {want[2]['text']}")))
            finally:
                stop_postfix(server) if kind == "postfix" else stop_haraka(server)
                if redis:
                    stop_haraka(redis)
    finally:
        if nsd:
            nsd.terminate()
            nsd.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    head = ("profile", "scenario", "real Postfix", "predicted", "because", "same")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r[:6], widths)) + " |" + (f"  {r[6]}" if r[6] else ""))
    for sk in skipped:
        print(f"receivers_real: SKIP {sk}")
    print(f"receivers_real: {len(rows) - failed} of {len(rows)} predictions hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
