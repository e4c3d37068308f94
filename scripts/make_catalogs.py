"""Development tool: extract the strings users see and compile the catalogs (needs Babel).

    python scripts/make_catalogs.py

Writes digitpad.pot, merges it into each language's .po (new strings come out untranslated
and the tests fail until they are translated) and compiles the .mo files shipped with the package.
"""
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "digitpad"
HERE = PACKAGE / "locale"
# what tests/test_i18n.py checks: the window, the command line (with argparse's own words) and
# the library modules whose messages they show
SOURCES = [PACKAGE / "gui", PACKAGE / "settings.py", PACKAGE / "i18n.py", PACKAGE / "cli.py",
           PACKAGE / "argparse_i18n.py", PACKAGE / "samples.py", PACKAGE / "labels.py", PACKAGE / "paths.py",
           PACKAGE / "training", PACKAGE / "adapting.py", *(PACKAGE / "recognition" / name for name in
                                   ("images.py", "weights.py", "strokes.py", "network.py", "numbers.py", "pad_numbers.py", "recognizer.py", "not_digit.py", "preprocess.py"))]
KEYWORDS = ["-k", "N_", "-k", "ngettext:1,2"]


def pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


def update():
    """Extract the template and merge it into each catalog; returns the catalogs."""
    template = HERE / "digitpad.pot"
    pybabel("extract", *KEYWORDS, "--no-location", "--sort-output", "--omit-header", "-o", str(template),
            *map(str, SOURCES))
    catalogs = sorted(HERE.glob("*/LC_MESSAGES/digitpad.po"))
    for catalog in catalogs:
        pybabel("update", "--no-fuzzy-matching", "--ignore-obsolete", "-l", catalog.parent.parent.name,
                "-i", str(template), "-o", str(catalog))
    return catalogs


def main():
    for catalog in update():
        pybabel("compile", "-l", catalog.parent.parent.name, "-i", str(catalog), "-o", str(catalog.with_suffix(".mo")))


if __name__ == "__main__":
    main()
