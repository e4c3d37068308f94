"""Development tool: fill in translations given as a JSON object {msgid: msgstr} (needs Babel).

    python scripts/translate.py zh_CN new.json && python scripts/make_catalogs.py

Strings just marked in the code are extracted first, so their translations are filled in too;
a msgid of the JSON that the code does not have (yet) is listed and left out.
"""
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from make_catalogs import update

LOCALE = Path(__file__).resolve().parent.parent / "digitpad" / "locale"


def main(language, translations_file):
    translations = json.loads(Path(translations_file).read_text(encoding="utf-8"))
    update()
    path = LOCALE / language / "LC_MESSAGES" / "digitpad.po"
    with open(path, "rb") as f:
        catalog = read_po(f, locale=language)
    unused = set(translations)
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        unused.discard(key)
        if key in translations:
            text = translations[key]
            message.string = (text,) if isinstance(message.id, tuple) else text
            message.flags.discard("fuzzy")
    with open(path, "wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True, width=120)
    for key in sorted(unused):
        print(f"not in the code (yet): {key!r}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
