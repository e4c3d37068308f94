"""Development tool: fill in translations given as a JSON object {msgid: msgstr} (needs Babel).

    python scripts/translate.py zh_CN new.json && python scripts/make_catalogs.py
"""
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent.parent / "digitpad" / "locale"


def main(language, translations_file):
    translations = json.loads(Path(translations_file).read_text(encoding="utf-8"))
    path = LOCALE / language / "LC_MESSAGES" / "digitpad.po"
    with open(path, "rb") as f:
        catalog = read_po(f, locale=language)
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in translations:
            text = translations[key]
            message.string = (text,) if isinstance(message.id, tuple) else text
            message.flags.discard("fuzzy")
    with open(path, "wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True, width=120)


if __name__ == "__main__":
    main(*sys.argv[1:])
