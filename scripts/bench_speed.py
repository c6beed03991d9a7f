#!/usr/bin/env python3
"""scripts/bench speed: per-core throughput and start-up of the mailaudit binary, whole process.

  scripts/bench_speed.py MAILAUDIT_BINARY CORPORA_DIR [MESSAGES=1000]

Two generated mboxes: HTML-heavy mail (the corpus's Cerberus newsletter templates, as sent, personalised per
recipient) and link-dense newsletters (150 tracked links in ~75 KB each). For each, `urls` and
`check --offline` in text and JSON forms: MB/s per core = bytes / the child's CPU time (user + system), the
best of three runs. Then start-up on one small message: `--version`, `urls`, `check --offline`, the median of
30 runs, wall and CPU.
"""
import os
import pathlib
import statistics
import sys
import tempfile
import time


def spawn(argv):
    """(wall seconds, CPU seconds) of one run, output discarded."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) not in (0, 1, 3):
        sys.exit(f"bench speed: {' '.join(argv)} exited {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime


def html_heavy(corpora, n, path):
    templates = sorted((corpora / "messages" / "templates" / "cerberus").glob("*.html"))
    if not templates:
        sys.exit(f"bench speed: no Cerberus templates under {corpora}/messages/templates")
    bodies = [t.read_text(encoding="utf-8", errors="replace") for t in templates]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            out.write(f"From bounces@news.example.com Fri Nov 27 09:00:00 2026\nFrom: Example News <news@news.example.com>\n"
                      f"To: reader{i}@example.net\nSubject: Offers {i}\nDate: Fri, 27 Nov 2026 09:00:00 +0000\n"
                      f"Message-ID: <{i}.c@news.example.com>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n")
            out.write(bodies[i % len(bodies)].replace("\nFrom ", "\n>From "))
            out.write("\n\n")


def link_dense(n, path):
    hosts = ["news.example.com", "click.news.example.com", "shop.example.com", "www.example.com", "example.net",
             "blog.example.org", "track.example.com", "offers.example.com"]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            out.write(f"From bounces@news.example.com Fri Nov 27 09:00:00 2026\nFrom: Example News <news@news.example.com>\n"
                      f"To: reader{i}@example.net\nSubject: Offers {i}\nMIME-Version: 1.0\n"
                      f"List-Unsubscribe: <https://news.example.com/u/{i}>\nContent-Type: text/html; charset=utf-8\n\n"
                      "<html><body><table width=\"600\">\n")
            for row in range(150):
                host = hosts[row % len(hosts)]
                out.write(f"<tr><td style=\"padding:8px 16px;color:#333333;font-size:14px\"><img src=\"https://img.example.com/p/{row}.jpg\" "
                          f"width=\"120\" alt=\"Item {row}\"><h3>Offer {row} for reader {i}</h3><p>Lorem ipsum dolor sit amet, "
                          f"consectetur adipiscing elit &amp; more.</p><a href=\"https://{host}/c/{row}?u={i}&amp;utm_source=news"
                          f"&amp;utm_medium=email\">Read more</a></td></tr>\n")
            out.write(f"</table><p><a href=\"https://news.example.com/u/{i}\">Unsubscribe</a></p></body></html>\n\n")


def main():
    binary, corpora = sys.argv[1], pathlib.Path(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    work = pathlib.Path(tempfile.mkdtemp(prefix="mailaudit-bench-speed-"))
    sets = [("HTML-heavy (Cerberus templates)", work / "html-heavy.mbox"), ("link-dense newsletters", work / "links.mbox")]
    html_heavy(corpora, n, sets[0][1])
    link_dense(n, sets[1][1])
    commands = [["urls"], ["urls", "--format", "json"], ["check", "--offline"], ["check", "--offline", "--format", "jsonl"]]
    for label, path in sets:
        size = path.stat().st_size
        print(f"{label}: {n} messages, {size / 1e6:.1f} MB")
        for cmd in commands:
            cpu = min(spawn([binary] + cmd + [str(path)])[1] for _ in range(3))
            print(f"  {' '.join(cmd):34s} {cpu:6.3f} s CPU: {size / 1e6 / cpu:6.1f} MB/s per core")
    small = work / "small.eml"
    small.write_text("From: Example <news@news.example.com>\nTo: reader@example.net\nSubject: Hello\n"
                     "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@news.example.com>\n\n"
                     "Hello, see https://news.example.com/offers\n")
    print("start-up, one small message (median of 30 runs):")
    for cmd in (["--version"], ["urls", str(small)], ["check", "--offline", str(small)]):
        runs = [spawn([binary] + cmd) for _ in range(30)]
        print(f"  {' '.join(c for c in cmd if not c.startswith('/')):34s} wall {1000 * statistics.median(r[0] for r in runs):5.1f} ms, "
              f"CPU {1000 * statistics.median(r[1] for r in runs):5.1f} ms")
    for _, path in sets:
        path.unlink()
    small.unlink()
    work.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
