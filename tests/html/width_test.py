#!/usr/bin/env python3
"""The HTML report fits a 1280 px window: for every golden message (fixtures/messages, with its .args as the
golden harness runs it) the page rendered in headless Chromium at 1280 px has a scroll width of at most 1280 px
(long DKIM keys, URLs and TXT records wrap instead of widening the page).
Usage: width_test.py MAILAUDIT_BINARY   (exit 77 = skipped: chromium missing)."""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = str(pathlib.Path(sys.argv[1]).resolve())
MESSAGES = ROOT / "fixtures" / "messages"
WIDTH = 1280

# The page measures itself once laid out. The test copy drops the report's Content-Security-Policy so that this
# one inline script may run; the report itself has no script (html.render checks that).
MEASURE = ("<script>document.getElementById('end').setAttribute('data-scroll-width',"
           "String(document.documentElement.scrollWidth));</script>")


def fixture_args(fixture):
    args_file = fixture.with_suffix(".args")
    extra = [a for a in args_file.read_text().splitlines() if a.strip() and not a.startswith("#")] if args_file.exists() else []
    if (fixture.parent / "mailaudit.toml").exists() or any(a.startswith(("--zone", "--resolver", "--offline")) for a in extra):
        return extra
    return extra + ["--offline", "--zone", "fixtures/dns"]


def main():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium not installed (scripts/setup installs it): skipped")
        return 77
    work = pathlib.Path(tempfile.mkdtemp(prefix="mailaudit-width-"))
    passed = failed = 0
    fixtures = sorted(list(MESSAGES.glob("*.eml")) + list(MESSAGES.glob("*.mbox")) + list(MESSAGES.glob("*/*.eml")))
    for fixture in fixtures:
        rel = str(fixture.relative_to(ROOT))
        p = subprocess.run([BIN, "check", rel, "--format", "html"] + fixture_args(fixture), cwd=ROOT, capture_output=True,
                           text=True, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
        # A batch (mbox) is several pages one after another: each is measured.
        pages = [pg + "</html>\n" for pg in p.stdout.split("</html>\n") if pg.strip()]
        for i, page in enumerate(pages):
            page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
            page = page.replace("</body>", MEASURE + "</body>", 1)
            html = work / f"{fixture.stem}-{i}.html"
            html.write_text(page)
            flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", f"--user-data-dir={work / 'profile'}",
                     "--hide-scrollbars", f"--window-size={WIDTH},900", "--dump-dom", f"file://{html}"]
            dom = subprocess.run([chromium] + flags, capture_output=True, text=True, timeout=120).stdout
            m = re.search(r'data-scroll-width="(\d+)"', dom)
            label = f"{rel}" + (f" page {i}" if len(pages) > 1 else "")
            if not m:
                failed += 1
                print(f"FAIL {label}: got no measurement from chromium, want a scroll width")
                continue
            width = int(m.group(1))
            if width <= WIDTH:
                passed += 1
                print(f"ok   {label}: scroll width {width} px")
            else:
                failed += 1
                print(f"FAIL {label}: got scroll width {width} px at a {WIDTH} px window, want at most {WIDTH}")
    shutil.rmtree(work, ignore_errors=True)
    if passed + failed < len(fixtures):
        print(f"FAIL got {passed + failed} pages measured, want one per fixture at least ({len(fixtures)})")
        failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
