"""The window's language: gettext catalogs shipped as package data (digitpad/locale).

English is the source language. The window's language comes from its setting, else the
environment (LANGUAGE, LC_ALL, LC_MESSAGES or LANG, as gettext reads them), else locale.getlocale()
(all a GUI app gets on Windows and macOS); the command line asks the environment before the
setting. Chosen once at start: a change in the window applies at the next start.
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
    return _catalog_language(language) or "en"


def _catalog_language(code):
    """The code of LANGUAGES that one locale name asks for ('C' and 'POSIX' are English), or None
    when it has no catalog (de_DE; Traditional Chinese: zh_TW, zh_HK, zh_MO, zh_Hant)."""
    code = (code or "").split(".")[0].split("@")[0].replace("-", "_").strip()
    parts = code.lower().split("_")
    if code in ("C", "POSIX") or parts[0] == "en":
        return "en"
    if parts[0] != "zh":
        return None
    if "hans" in parts[1:]:
        return "zh_CN"
    if {"hant", "tw", "hk", "mo"} & set(parts[1:]):
        return None
    return "zh_CN"


def environment_language():
    """The language the environment asks for, as gettext reads it: the first non-empty of LANGUAGE,
    LC_ALL, LC_MESSAGES and LANG, a colon-separated list (empty items skipped) of which the first
    with a catalog counts, C or POSIX meaning English, none with a catalog meaning English too.
    None when none of them is set."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            for item in value.split(":"):
                if item and _catalog_language(item):
                    return _catalog_language(item)
            return "en"  # gettext's answer for languages without a catalog: untranslated
    return None


def platform_language():
    """The locale the platform reports (all a GUI app gets on Windows and macOS)."""
    try:
        return normalise(locale.getlocale()[0] or "")
    except ValueError:
        return "en"


def choose_language(setting="", environment_first=False):
    """The language to show. The window: its setting, else the environment, else the platform's
    locale. The command line (environment_first): the environment when it asks for a language
    (LC_ALL=C in a script means English), else the window's setting, else the platform's locale."""
    chosen = [_catalog_language(setting) if setting else None, environment_language()]
    for language in reversed(chosen) if environment_first else chosen:
        if language:
            return language
    return platform_language()


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


_OS_REASONS = {  # errno name -> plain words, in place of the C library's English
    "ENOENT": N_("does not exist"),
    "EEXIST": N_("already exists"),
    "EACCES": N_("permission denied"),
    "EPERM": N_("not permitted"),
    "ENOSPC": N_("no space left on device"),
    "EDQUOT": N_("disk quota exceeded"),
    "EROFS": N_("read-only file system"),
    "EISDIR": N_("is a folder"),
    "ENOTDIR": N_("not a folder"),
    "ENAMETOOLONG": N_("name too long"),
    "EIO": N_("input/output error"),
    "EFBIG": N_("file too large"),
    "ENOTEMPTY": N_("folder not empty"),
    "EXDEV": N_("on another device"),
}


def os_reason(error):
    """Why an OSError happened, in a few plain words in the user's language (for errors without
    words of ours, e.g. "No space left on device" -> "no space left on device")."""
    import errno

    reason = _OS_REASONS.get(errno.errorcode.get(error.errno, ""))
    if reason:
        return _(reason)
    return error.strerror or str(error)
