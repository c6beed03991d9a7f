#!/usr/bin/env bash
# Renders `mailaudit check --format html` in headless Chromium (Debian's chromium): the page must load
# completely (the DOM reaches its last element), make no request outside the file, log no console error,
# and produce a screenshot. Usage: render_test.sh MAILAUDIT_BINARY SOURCE_DIR
set -uo pipefail
bin="$1"; src="$2"
chromium=$(command -v chromium || true)
if [[ -z "$chromium" ]]; then echo "chromium not installed (scripts/setup installs it): skipped"; exit 77; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1"; fi; }
cd "$src"
"$bin" check fixtures/messages/null-mx-from.eml --ip 192.0.2.77 --helo mail.news.example.com \
  --mail-from bounces@news.example.com --rcpt a@example.net --offline --zone fixtures/dns \
  --format html --output "$work/report.html"
check "the report was written" '[[ -s "$work/report.html" ]]'
check "no external references (src/href to a URL scheme)" '! grep -Eqi "(src|href)=\"(https?:|//)" "$work/report.html"'
check "no scripts" '! grep -qi "<script" "$work/report.html"'
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
timeout 60 "$chromium" "${flags[@]}" --dump-dom "file://$work/report.html" > "$work/dom.html" 2> "$work/dom.log"
check "the page loaded completely (last element in the DOM)" 'grep -q "id=\"end\"" "$work/dom.html"'
check "the stages picture is there" 'grep -q "id=\"stages\"" "$work/dom.html"'
check "no console errors" '! grep -q "CONSOLE" "$work/dom.log"'
timeout 60 "$chromium" "${flags[@]}" --window-size=1200,1600 --screenshot="$work/report.png" \
  "file://$work/report.html" > /dev/null 2> "$work/shot.log"
check "a screenshot was rendered" '[[ $(stat -c %s "$work/report.png" 2>/dev/null || echo 0) -gt 20000 ]]'
[[ -n "${MAILAUDIT_KEEP_SCREENSHOT:-}" ]] && cp "$work/report.png" "$MAILAUDIT_KEEP_SCREENSHOT"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
