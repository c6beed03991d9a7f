#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` builds it from this build tree; its contents hold the binary, the man pages,
# the completions, the rules and the demo; its Depends are Debian runtime packages (dpkg-shlibdeps); unpacked
# into a scratch root (dpkg -x) it runs --version, the demo and its own rules.
# Usage: deb_test.sh BUILD_DIR   (exit 77 = skipped: cpack or dpkg-deb missing)
set -uo pipefail
build=$(cd "$1" && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "$tool not installed (scripts/setup: build-essential, cmake): skipped"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1"; fi; }

(cd "$build" && cpack -G DEB -B "$work" --config "$build/CPackConfig.cmake") > "$work/cpack.log" 2>&1
deb=$(ls "$work"/*.deb 2>/dev/null | head -1)
check "cpack built a .deb" '[[ -n "$deb" ]]'
[[ -n "$deb" ]] || { tail -20 "$work/cpack.log"; echo "$passed passed, $failed failed"; exit 1; }
dpkg-deb -c "$deb" > "$work/contents"
for path in ./usr/bin/mailaudit ./usr/share/man/man1/mailaudit.1 ./usr/share/man/man5/mailaudit.toml.5 \
            ./usr/share/bash-completion/completions/mailaudit ./usr/share/zsh/vendor-completions/_mailaudit \
            ./usr/share/mailaudit/rules/findings.toml ./usr/share/mailaudit/rules/words.toml \
            ./usr/share/mailaudit/demo/newsletter.eml ./usr/share/mailaudit/demo/dns/example.com.zone; do
  check "the package holds $path" "grep -q ' $path\$' '$work/contents'"
done
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libgmime-3.0 libldns libcurl libidn2 libpsl libgumbo libpugixml; do
  check "Depends names $lib (got: $depends)" '[[ "$depends" == *"$lib"* ]]'
done
check "Package is mailaudit" '[[ $(dpkg-deb -f "$deb" Package) == mailaudit ]]'

root="$work/root"
dpkg -x "$deb" "$root"
bin="$root/usr/bin/mailaudit"
export ASAN_OPTIONS=detect_leaks=0 NO_COLOR=1
check "the unpacked binary runs --version" '[[ $("$bin" --version) == "mailaudit "* ]]'
demo="$root/usr/share/mailaudit/demo"
"$bin" check "$demo/newsletter.eml" --ip 192.0.2.10 --helo mail.news.example.com --mail-from bounces@news.example.com \
  --rcpt reader@example.net --zone "$demo/dns" --offline > "$work/demo.txt" 2>&1
status=$?
check "the demo runs from the package (exit $status, 0 or 1)" '[[ $status -le 1 ]]'
check "the demo's report comes from the packaged zones" 'grep -q "DNS: zones" "$work/demo.txt"'
"$bin" check "$demo/newsletter.eml" --offline --zone "$demo/dns" --rules "$root/usr/share/mailaudit/rules" > /dev/null 2> "$work/rules.err"
status=$?
check "the packaged rules load with --rules (exit $status)" '[[ $status -le 1 && ! -s "$work/rules.err" ]]'
check "man renders the packaged page" 'MANWIDTH=80 man -l "$root/usr/share/man/man1/mailaudit.1" 2>/dev/null | grep -q "^NAME"'
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
