#!/usr/bin/env python3
"""Renders every chat template in tests/data/templates/ with every case in cases/, using Jinja2 set up
the way Hugging Face transformers renders chat templates (ImmutableSandboxedEnvironment, trim_blocks,
lstrip_blocks, loop controls, its own tojson, raise_exception and strftime_now), and writes the results
to expected/<template>.<case>.txt — or .error with the message when the template raises.

The C++ test (tests/engine/test_template_render.cpp) renders the same pairs and compares byte for byte.
Run it after adding or changing a template or a case, and commit what it writes:

    python3 scripts/render_templates.py          # Debian: apt install python3-jinja2
"""
import json
import pathlib
import sys

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "templates"


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' override: no HTML escaping, non-ASCII kept, key order kept.
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    # Fixed, so the expected files do not change from day to day (no test template calls it).
    return "26 Jul 2024"


def make_environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    env = make_environment()
    out_dir = ROOT / "expected"
    out_dir.mkdir(exist_ok=True)
    for old in out_dir.iterdir():
        old.unlink()
    cases = sorted((ROOT / "cases").glob("*.json"))
    written = 0
    for template_path in sorted(ROOT.glob("*.jinja")):
        template = env.from_string(template_path.read_text(encoding="utf-8"))
        for case_path in cases:
            variables = json.loads(case_path.read_text(encoding="utf-8"))
            stem = f"{template_path.stem}.{case_path.stem}"
            try:
                text = template.render(**variables)
                (out_dir / f"{stem}.txt").write_bytes(text.encode("utf-8"))
            except Exception as e:  # the template's own raise_exception, or a type error
                (out_dir / f"{stem}.error").write_text(f"{type(e).__name__}: {e}\n", encoding="utf-8")
            written += 1
    print(f"wrote {written} expected renders to {out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
