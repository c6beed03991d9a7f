#!/usr/bin/env python3
"""Build step: rules/findings.toml and rules/words.toml as C++ tables, so the built-in rules need no TOML
parsing for them at start (a `check` run reads every finding's words; parsing the two files was most of a
small run's rules cost). `--rules DIR` overlays still go through the TOML loader, and a unit test compares
these tables with what that loader reads from the same files, field by field.

  precompile_rules.py FINDINGS_TOML WORDS_TOML OUT_CPP

Only the shape is checked here (a table per finding, strings where strings belong); the loader that reads
the tables checks stages, severities and duplicate ids with the same errors as the TOML loader.
"""
import sys

try:
    import tomllib
except ImportError:  # Python before 3.11
    sys.exit("precompile_rules.py: needs Python 3.11 or later (tomllib); Debian 12's python3 has it")


def fail(path, message):
    sys.exit(f"{path}: {message}")


def literal(s):
    """A C++ string literal holding exactly the UTF-8 bytes of `s` (octal escapes: never ambiguous)."""
    out = ['"']
    for b in s.encode("utf-8"):
        c = chr(b)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 0x20 <= b < 0x7F and c != "?":  # '?' escaped: no trigraphs
            out.append(c)
        else:
            out.append(f"\\{b:03o}")
    out.append('"')
    return "".join(out)


def main():
    findings_path, words_path, out_path = sys.argv[1:4]
    with open(findings_path, "rb") as f:
        findings = tomllib.load(f)
    with open(words_path, "rb") as f:
        words = tomllib.load(f)

    rows = findings.get("finding")
    if not isinstance(rows, list):
        fail(findings_path, "expected [[finding]] tables")
    lines = [
        "// Generated from rules/findings.toml and rules/words.toml by cmake/precompile_rules.py. Do not edit.",
        '#include "rules/precompiled.hpp"',
        "namespace mailaudit::rules {",
        "namespace {",
    ]
    entries = []
    for n, t in enumerate(rows):
        if not isinstance(t, dict):
            fail(findings_path, "each [[finding]] must be a table")
        fields = {}
        for key in ("id", "stage", "severity", "title", "detail", "remedy", "source"):
            if not isinstance(t.get(key), str):
                fail(findings_path, f"finding {t.get('id', n)}: \"{key}\" must be a string")
            fields[key] = t[key]
        refs = t.get("references", [])
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            fail(findings_path, f"finding {fields['id']}: \"references\" must be a list of strings")
        field = t.get("field", "")
        if not isinstance(field, str):
            fail(findings_path, f"finding {fields['id']}: \"field\" must be a string")
        lines.append(f"const char* const refs_{n}[] = {{{', '.join(literal(r) for r in refs) or 'nullptr'}}};")
        entries.append("    {" + ", ".join(literal(fields[k]) for k in ("id", "stage", "severity", "title", "detail", "remedy", "source"))
                       + f", {literal(field)}, refs_{n}, {len(refs)}}},")
    lines.append("const PrecompiledFinding findings[] = {")
    lines += entries
    lines.append("};")

    word_rows = []
    for section, table in words.items():
        if not isinstance(table, dict):
            fail(words_path, f"top-level \"{section}\" must be a [section] of phrases")
        for key, value in table.items():
            if not isinstance(value, str):
                fail(words_path, f"{section}.{key} must be a string")
            word_rows.append(f"    {{{literal(section + '.' + key)}, {literal(value)}}},")
    lines.append("const PrecompiledWord words[] = {")
    lines += word_rows or ['    {"", ""},']
    lines.append("};")
    lines.append("}  // namespace")
    lines.append("std::span<const PrecompiledFinding> precompiled_findings() { return findings; }")
    lines.append(f"std::span<const PrecompiledWord> precompiled_words() {{ return {{words, {len(word_rows)}}}; }}")
    lines.append("}  // namespace mailaudit::rules")
    with open(out_path, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
