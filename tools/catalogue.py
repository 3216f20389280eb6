"""The Chinese message catalogue: `python -m tools.catalogue [--check]`.

Extracts every `_()`, `N_()` and `ngettext()` message from `lossdemo/` and `app.py` (Babel), brings
`lossdemo/language/locales/zh/LC_MESSAGES/lossdemo.po` up to date with them (new messages arrive
untranslated, messages the code no longer has are dropped) and compiles `lossdemo.mo` beside it.
Translate by filling the `msgstr` lines of the .po file, then run this again.

`--check` changes nothing: it lists untranslated and missing messages and exits 1 if there are any.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "lossdemo" / "language" / "locales" / "zh" / "LC_MESSAGES"
PO, MO = LOCALE / "lossdemo.po", LOCALE / "lossdemo.mo"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
TAGS = ("TRANSLATORS:",)  # a comment starting so, right above a message, reaches the .po file
WIDTH = 100


def template() -> Catalog:
    """Every message the code marks, with where it is used."""
    catalog = Catalog(project="lossdemo", fuzzy=False)
    found = [
        (f"lossdemo/{name}", *rest)
        for name, *rest in extract_from_dir(ROOT / "lossdemo", keywords=KEYWORDS, comment_tags=TAGS)
    ]
    app = extract_from_file("python", ROOT / "app.py", keywords=KEYWORDS, comment_tags=TAGS)
    found += [("app.py", *rest) for rest in app]
    for path, line, message, comments, context in found:
        catalog.add(message, locations=[(path, line)], auto_comments=comments, context=context)
    return catalog


def current() -> Catalog:
    """The Chinese catalogue as committed (an empty one before the first run)."""
    if not PO.exists():
        return Catalog(locale="zh_Hans_CN", project="lossdemo", fuzzy=False)
    with PO.open("rb") as f:
        return read_po(f, locale="zh_Hans_CN")


def missing(catalog: Catalog, wanted: Catalog) -> list[str]:
    """Messages of `wanted` that `catalog` lacks or leaves untranslated or fuzzy."""
    out = []
    for message in wanted:
        if not message.id:
            continue
        have = catalog.get(message.id, context=message.context)
        strings = _strings(have)
        if have is None or have.fuzzy or not all(strings):
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def _strings(message) -> tuple:
    if message is None:
        return ("",)
    return message.string if isinstance(message.string, tuple) else (message.string,)


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="report untranslated messages, change nothing")
    args = parser.parse_args()
    wanted, catalog = template(), current()
    if args.check:
        gaps = missing(catalog, wanted)
        for message in gaps:
            print(f"untranslated: {message!r}")
        return 1 if gaps else 0
    catalog.update(wanted, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    LOCALE.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, catalog, width=WIDTH, omit_header=False, include_previous=False)
    MO.write_bytes(compiled(catalog))
    gaps = missing(catalog, wanted)
    print(f"{PO.relative_to(ROOT)}: {len(list(wanted))} messages, {len(gaps)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
