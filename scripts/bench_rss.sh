#!/usr/bin/env bash
# Peak memory of a batch in every streamed format, at two batch sizes: generated campaign messages (small,
# an HTML and a text part with links each) in one mbox, audited --offline (no DNS: the figure is about the
# writers, not the cache). Prints peak RSS per format and size and the ratio large/small (want <= 1.5).
# Usage: scripts/bench_rss.sh MAILAUDIT_BINARY [SMALL=500] [LARGE=5000]   (scripts/bench rss calls it)
set -euo pipefail
bin="$1"; small="${2:-500}"; large="${3:-5000}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gen() {  # gen N FILE
  python3 - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as out:
    for i in range(n):
        out.write(f"""From bounces@news.example.com Fri Nov 27 09:00:00 2026
From: Example News <news@news.example.com>
To: reader{i}@example.net
Subject: November offers for reader {i}
Date: Fri, 27 Nov 2026 09:00:00 +0000
Message-ID: <{i}.campaign@news.example.com>
MIME-Version: 1.0
List-Unsubscribe: <https://news.example.com/u/{i}>
Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Hello reader {i}, our offers: https://news.example.com/offers?r={i}
--b
Content-Type: text/html; charset=utf-8

<p>Hello reader {i}, <a href="https://news.example.com/offers?r={i}">our offers</a>,
<a href="https://t.example.net/c?u=https%3A%2F%2Fshop.example.org%2Fdeal%3Fid%3D{i}">a deal</a>
<img src="https://img.example.com/p/{i}.png"></p>
--b--

""")
PY
}
gen "$small" "$work/small.mbox"
gen "$large" "$work/large.mbox"
echo "rss bench: $small and $large generated messages ($(du -h "$work/small.mbox" | cut -f1), $(du -h "$work/large.mbox" | cut -f1)), check --offline, jobs = cores ($(nproc))"
measure() {  # measure MBOX ARGS... -> "rss_kb seconds"
  local mbox="$1"; shift
  /usr/bin/time -f "%M %e" -o "$work/time" "$bin" "$@" "$mbox" > "$work/out" 2> "$work/err" || true
  cat "$work/time"
}
worst=0
printf "%-12s %12s %12s %7s %14s\n" format "RSS@$small" "RSS@$large" ratio "time@$large"
for spec in "check json" "check junit" "check jsonl" "check sarif" "check text" "urls json"; do
  read -r cmd fmt <<< "$spec"
  extra=(); [[ "$cmd" == check ]] && extra=(--offline --fail-on never)
  read -r rss_small _ <<< "$(measure "$work/small.mbox" "$cmd" --format "$fmt" "${extra[@]}")"
  read -r rss_large secs <<< "$(measure "$work/large.mbox" "$cmd" --format "$fmt" "${extra[@]}")"
  out_size=$(du -h "$work/out" | cut -f1)
  ratio=$(python3 -c "print(f'{$rss_large / $rss_small:.2f}')")
  printf "%-12s %8s MiB %8s MiB %6sx %12s s  (output %s)\n" "$cmd-$fmt" "$((rss_small / 1024))" \
    "$((rss_large / 1024))" "$ratio" "$secs" "$out_size"
  [[ -s "$work/err" ]] && { echo "  stderr: $(head -2 "$work/err")"; }
  python3 -c "import sys; sys.exit(0 if $rss_large / $rss_small <= 1.5 else 1)" || worst=1
done
exit $worst
