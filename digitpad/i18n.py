"""The window's language: gettext catalogs shipped as package data (digitpad/locale).

English is the source language. The language comes from the window's setting, else
LANGUAGE, LC_ALL, LC_MESSAGES or LANG, else locale.getlocale() (all a GUI app gets on
Windows and macOS). Chosen once at start: a change in the window applies at the next start.
"""
import gettext
import locale
import os
import sys
import unicodedata
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

DOMAIN = "digitpad"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}  # code -> name, each in its own language
CJK_FONT_HINT = ("Chinese needs a CJK font, and none is installed: showing English. "
                 "Install one (Debian/Ubuntu: sudo apt install fonts-noto-cjk) and restart.")
_CJK_FAMILY_WORDS = ("cjk", "wenquanyi", "wqy", "droid sans fallback", "source han", "noto sans sc",
                     "noto serif sc", "ar pl", "yahei", "simsun", "simhei", "pingfang", "heiti", "hiragino sans gb",
                     "songti", "fangsong", "kaiti", "dengxian")

_translation = gettext.NullTranslations()
_language = "en"


def N_(message):  # noqa: N802 - gettext's name for "mark for translation, translate later"
    """Marks a string for extraction where it is defined; _() translates it where it is shown."""
    return message


def _(message):
    return _translation.gettext(message)


def locale_dir():
    return Path(str(resources.files("digitpad") / "locale"))


def normalise(language):
    """'zh_CN.UTF-8', 'zh-Hans', 'zh' -> 'zh_CN'; anything without a catalog -> 'en'."""
    code = (language or "").split(":")[0].split(".")[0].split("@")[0].replace("-", "_")
    if code.lower().startswith("zh") and not code.lower().startswith(("zh_tw", "zh_hk", "zh_hant")):
        return "zh_CN"
    return "en"


def system_language():
    """What the environment asks for, else the locale the platform reports."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value and value not in ("C", "POSIX"):
            return value
    try:
        return locale.getlocale()[0] or ""
    except ValueError:
        return ""


def choose_language(setting=""):
    """The language to show: the setting if there is one, else the system's."""
    return normalise(setting or system_language())


def use_language(language):
    """Translate from now on into `language` (a code of LANGUAGES)."""
    global _translation, _language
    _language = language
    if language == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, locale_dir(), languages=[language], fallback=True)


@contextmanager
def in_language(language):
    """Translate into `language` for a while: e.g. English in output read by programs (--json)."""
    before = _language
    use_language(language)
    try:
        yield
    finally:
        use_language(before)


def has_cjk_font(families):
    """Whether Chinese can be shown: Windows and macOS always have a CJK font; Linux needs one installed."""
    if not sys.platform.startswith("linux"):
        return True
    return any(word in family.lower() for family in families for word in _CJK_FAMILY_WORDS)


def columns(text):
    """How many columns of a terminal or a monospaced font text takes: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


def padded(text, width, left=False):
    """text with spaces up to `width` columns: right-aligned, or left-aligned when left."""
    padding = " " * max(0, width - columns(text))
    return text + padding if left else padding + text


def ngettext(singular, plural, count):
    return _translation.ngettext(singular, plural, count)
