#!/usr/bin/env python3
"""scripts/bench urls: URL extraction throughput over shared/corpora/messages (messages as they are, HTML
templates wrapped into MIME): the library in one process (bench_urls, ROUNDS rounds), then whole processes
side by side, CPU time (user + system) of each: `mailaudit urls --format json` over every file in one process,
rspamd's `rspamadm mime urls` over every file in one process and one process per file (how it is used from
the command line), and SpamAssassin's URI parser (scripts/sa_uris.pl, its library in one process, rules
loaded once); the ratios; and every host a peer finds that mailaudit does not.

  scripts/bench_urls.py BENCH_BINARY CORPORA_DIR [ROUNDS] [MAILAUDIT_BINARY]
"""
import os
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib


def corpus_files(corpora, work):
    files = []
    for p in sorted((corpora / "messages").rglob("*")):
        if not p.is_file() or p.name.startswith(("LICENSE", "NOTICE", "README")):
            continue
        if p.suffix == ".html":
            wrapped = work / (p.parent.name + "-" + p.stem + ".eml")
            wrapped.write_bytes(b"From: a@example.com\r\nSubject: template\r\nMIME-Version: 1.0\r\n"
                                b"Content-Type: text/html; charset=utf-8\r\n\r\n" + p.read_bytes())
            files.append(wrapped)
        else:
            head = p.read_bytes()[:200]
            if b":" in head.split(b"\n", 1)[0]:  # a header field first: a message
                files.append(p)
    return files


def main():
    bench, corpora = sys.argv[1], pathlib.Path(sys.argv[2])
    rounds = sys.argv[3] if len(sys.argv) > 3 else "20"
    mailaudit = sys.argv[4] if len(sys.argv) > 4 else str(pathlib.Path(bench).resolve().parent.parent / "mailaudit")
    if not (corpora / "messages").is_dir():
        sys.exit(f"bench urls: no corpus at {corpora}/messages")
    work = pathlib.Path(tempfile.mkdtemp(prefix="mailaudit-bench-urls-"))
    files = corpus_files(corpora, work)
    hosts_file = work / "hosts.jsonl"
    subprocess.run([bench, str(hosts_file), rounds] + [str(f) for f in files], check=True)
    ours = {}
    for line in hosts_file.read_text().splitlines():
        d = json.loads(line)
        ours[d["file"]] = set(d["hosts"])
    def a_label(host):
        host = host.strip().lower().rstrip(".")
        if not host.isascii():  # peers keep U-labels; mailaudit reports A-labels
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                pass
        return host

    signing = {}
    for line in hosts_file.read_text().splitlines():
        d = json.loads(line)
        signing[d["file"]] = set(d.get("signing_domains", []))
    rules_dir = pathlib.Path(__file__).resolve().parent.parent / "rules"
    file_extensions = set(tomllib.loads((rules_dir / "urls.toml").read_text())["file_extensions"])
    raw_cache = {}

    def file_name_host(f, host):
        labels = host.split(".")
        if len(labels) != 2 or labels[1] not in file_extensions:
            return False
        if f not in raw_cache:
            raw_cache[f] = pathlib.Path(f).read_bytes().decode("utf-8", "replace").lower()
        raw = raw_cache[f]
        return not any(p + host in raw for p in ("://", "@", "www."))

    def report(peer, found):
        """found: (file, host) pairs the peer reports and mailaudit's URL hosts lack."""
        missed, not_urls, false_positives = [], [], []
        for f, h in found:
            if h in signing.get(str(f), set()):
                not_urls.append((f, h))
            elif file_name_host(str(f), h):
                false_positives.append((f, h))
            else:
                missed.append((f, h))
        print(f"hosts {peer} found that mailaudit did not: {len(missed)}")
        for f, h in missed:
            print(f"  {h}  ({f})")
        if not_urls:
            print(f"  not URLs: DKIM signing domains, checked by domain_lists (dkim.listed), not listed by `urls`: "
                  f"{len(not_urls)}")
            for f, h in not_urls:
                print(f"    {h}  ({f})")
        if false_positives:
            print(f"  peer false positives: file names (a two-label name whose TLD is a file extension in "
                  f"rules/urls.toml, with no scheme, '@' or www.): {len(false_positives)}")
            for f, h in false_positives:
                print(f"    {h}  ({f})")
        return len(missed)

    def whole_process(argv):
        """The child's CPU seconds (user + system), best of three, output discarded."""
        best = None
        for _ in range(3):
            with open(os.devnull, "wb") as null:
                p = subprocess.Popen(argv, stdout=null, stderr=null)
                _, _, usage = os.wait4(p.pid, 0)
            cpu = usage.ru_utime + usage.ru_stime
            best = cpu if best is None else min(best, cpu)
        return best

    names = [str(f) for f in files]
    ours_cpu = whole_process([mailaudit, "urls", "--format", "json"] + names)
    print(f"whole process, {len(files)} messages: mailaudit urls (one process) {1000 * ours_cpu:.1f} ms CPU")
    # One process per message, as rspamadm and spamassassin are run from the command line below.
    start = time.monotonic()
    for f in names:
        subprocess.run([mailaudit, "urls", "--format", "json", f], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ours_per_file = (time.monotonic() - start) / len(names)
    print(f"whole process: mailaudit urls, one process per message: {1000 * ours_per_file:.2f} ms/message (wall)")
    if shutil.which("rspamadm"):
        rspamd_cpu = whole_process(["rspamadm", "mime", "urls", "-H"] + names)
        print(f"whole process: rspamadm mime urls (one process) {1000 * rspamd_cpu:.1f} ms CPU: mailaudit "
              f"{rspamd_cpu / ours_cpu:.1f}x faster")
    if subprocess.run(["perl", "-MMail::SpamAssassin", "-e", "1"], capture_output=True).returncode == 0:
        sa_cpu = whole_process(["perl", str(pathlib.Path(__file__).resolve().parent / "sa_uris.pl")] + names)
        print(f"whole process: SpamAssassin sa_uris.pl (one process) {1000 * sa_cpu:.1f} ms CPU: mailaudit "
              f"{sa_cpu / ours_cpu:.1f}x faster")
        if shutil.which("spamassassin"):
            # `spamassassin -L -t` per message (local tests only: its rules load each time), on a sample: a
            # second or so each. HOME points at the work folder, where it writes its user preferences.
            sample = names[:10]
            env = dict(os.environ, HOME=str(work))
            start = time.monotonic()
            for f in sample:
                with open(f, "rb") as msg:
                    subprocess.run(["spamassassin", "-L", "-t"], stdin=msg, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env=env)
            sa_per_file = (time.monotonic() - start) / len(sample)
            print(f"whole process: spamassassin -L -t, one process per message ({len(sample)} of them): "
                  f"{1000 * sa_per_file:.0f} ms/message (wall): mailaudit per message {sa_per_file / ours_per_file:.0f}x faster")

    if not shutil.which("rspamadm"):
        print("rspamd: rspamadm not installed (apt-get install rspamd); no peer figure")
    else:
        missed = []
        start = time.monotonic()
        for f in files:
            p = subprocess.run(["rspamadm", "mime", "urls", "-H", str(f)], capture_output=True, text=True, errors="replace")
            for line in p.stdout.splitlines():
                host = a_label(line)
                if not host or line.startswith("File:") or " " in host:
                    continue
                if host not in ours.get(str(f), set()):
                    missed.append((f, host))
        secs = time.monotonic() - start
        print(f"rspamd:    {len(files)} messages, one `rspamadm mime urls -H` process each, in {secs:.3f} s: "
              f"{len(files) / secs:.0f} messages/s, {1000 * secs / len(files):.3f} ms/message (wall): mailaudit per "
              f"message {secs / len(files) / ours_per_file:.0f}x faster")
        report("rspamd", missed)
    sa = pathlib.Path(__file__).resolve().parent / "sa_uris.pl"
    if subprocess.run(["perl", "-MMail::SpamAssassin", "-e", "1"], capture_output=True).returncode != 0:
        print("SpamAssassin: Mail::SpamAssassin not installed (apt-get install spamassassin); no peer figure")
    else:
        start = time.monotonic()
        p = subprocess.run(["perl", str(sa)] + [str(f) for f in files], capture_output=True, text=True, errors="replace")
        secs = time.monotonic() - start
        missed = []
        for line in p.stdout.splitlines():
            f, _, hosts = line.partition("\t")
            for host in hosts.split():
                host = a_label(host)
                if host and host not in ours.get(f, set()):
                    missed.append((f, host))
        print(f"SpamAssassin: {len(files)} messages in one process (get_uri_detail_list), in {secs:.3f} s: "
              f"{len(files) / secs:.0f} messages/s, {1000 * secs / len(files):.3f} ms/message")
        report("SpamAssassin", missed)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
