#!/usr/bin/env bash
# Peak memory and time of `mailaudit bounce DIR` over N bounce files, and a check that every file is
# reported. Usage: scripts/bench_bounces.sh MAILAUDIT_BINARY [N] [CORPORA_DIR]   (scripts/bench bounces calls it)
set -euo pipefail
bin="$1"; n="${2:-10000}"; corpora="${3:-../shared/corpora}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sources=()
for f in fixtures/bounces/*.eml fixtures/bounces/*.txt "$corpora"/sisimai/maildir/*; do
  [[ -f "$f" ]] || continue
  head -c 5 "$f" | grep -q '^From ' && continue  # an mbox holds several bounces: keep one bounce per file
  sources+=("$f")
done
mkdir -p "$work/bounces"
for ((i = 0; i < n; i++)); do
  cp "${sources[i % ${#sources[@]}]}" "$work/bounces/$(printf '%06d' "$i")"
done
echo "bounce folder: $n files from ${#sources[@]} distinct bounces ($(du -sh "$work/bounces" | cut -f1))"
/usr/bin/time -f "%M %e" -o "$work/time" "$bin" bounce "$work/bounces" --format jsonl > "$work/out.jsonl" 2> "$work/err" || true
read -r rss_kb secs < "$work/time"
lines=$(wc -l < "$work/out.jsonl")
echo "bounce DIR --format jsonl: $((lines - 1)) bounces reported (want $n), peak RSS $((rss_kb / 1024)) MiB, ${secs} s"
/usr/bin/time -f "%M %e" -o "$work/time" "$bin" bounce "$work/bounces" --summary > "$work/summary.txt" 2>> "$work/err" || true
read -r rss_kb secs < "$work/time"
echo "bounce DIR --summary: peak RSS $((rss_kb / 1024)) MiB, ${secs} s; $(head -1 "$work/summary.txt")"
[[ -s "$work/err" ]] && { echo "stderr:"; head -5 "$work/err"; }
[[ $((lines - 1)) -eq $n ]]
