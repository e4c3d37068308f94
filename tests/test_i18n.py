"""The strings users see (the window, the command line, the library's messages): all marked for
translation, all translated into Chinese, in the language chosen in the right order."""
import ast
import gettext
import re
from pathlib import Path

import pytest

from digitpad import i18n

babel = pytest.importorskip("babel", reason="Babel (the test extra) checks the catalogs")
from babel.messages.extract import extract_from_file  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

PACKAGE = Path(i18n.__file__).parent
# the window, the command line (and argparse's own words), and the library modules whose messages
# they show (scripts/make_catalogs.py extracts from the same files)
DEVELOPER_TOOLS = {"not_digit.py"}  # training/not_digit.py fits the shipped not-a-digit heads: not digitpad's commands
LIBRARY = ["samples.py", "adapting.py", "labels.py", "paths.py",
           *(f"recognition/{name}" for name in ("images.py", "weights.py", "strokes.py", "network.py", "numbers.py", "pad_numbers.py",
                                                "recognizer.py", "not_digit.py", "preprocess.py")),
           *(f"training/{path.name}" for path in sorted((PACKAGE / "training").glob("*.py"))
             if path.name not in DEVELOPER_TOOLS)]
SOURCES = (sorted((PACKAGE / "gui").glob("*.py"))
           + [PACKAGE / name for name in ("settings.py", "cli.py", "argparse_i18n.py", *LIBRARY)])
CATALOG = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "digitpad.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\([a-z_]+\)[sr]|%[sr]")  # str.format's, and argparse's %
# not for translation: key names and file patterns shown as they are, a folder's name, option values,
# a command to type
NOT_TEXT = re.compile(r"^(Ctrl\+\w|F\d+$|Return$|Escape, Delete$|\*\.|0 … 9$|784-128-10$|TkDefaultFont|TkFixedFont"
                      r"|Pictures$|center right$|pip install )")
TRANSLATING_CALLS = {"_", "N_", "ngettext"}


def extracted():
    messages = set()
    for path in [*SOURCES, PACKAGE / "i18n.py"]:  # i18n.py: its plain reasons of OSErrors
        for _, message, _, _ in extract_from_file("python", str(path), keywords=KEYWORDS):
            messages.add(message)
    return messages


def read_catalog():
    with open(CATALOG, "rb") as f:
        return read_po(f, locale="zh_CN")


def test_every_string_users_see_has_a_checked_chinese_translation():
    catalog = read_catalog()
    assert not catalog.fuzzy
    for message in extracted():
        entry = catalog.get(message)
        assert entry is not None, f"not in the Chinese catalog: {message!r}"
        assert "fuzzy" not in entry.flags, f"fuzzy: {message!r}"
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        singular = message[0] if isinstance(message, tuple) else message
        for string in strings:
            assert string.strip(), f"untranslated: {message!r}"
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(singular)), message


def test_the_shipped_compiled_catalog_is_the_po_file_compiled():
    translation = gettext.translation("digitpad", PACKAGE / "locale", languages=["zh_CN"])
    for entry in read_catalog():
        if not entry.id:
            continue
        if isinstance(entry.id, tuple):
            assert translation.ngettext(*entry.id, 2) == entry.string[0]
        else:
            assert translation.gettext(entry.id) == entry.string, f"run scripts/make_catalogs.py: {entry.id!r}"


def _translated_nodes(tree):
    """Nodes inside _(), N_() or ngettext(), and inside log and warnings calls (for developers, or
    matching a library's own warning: not shown)."""
    inside = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        translating = getattr(node.func, "id", None) in TRANSLATING_CALLS
        logging = getattr(getattr(node.func, "value", None), "id", None) in {"log", "logger", "logging", "warnings"}
        if translating or logging:
            inside.update(id(child) for child in ast.walk(node))
    return inside


def _docstrings(tree):
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node)}


def looks_like_text(text):
    """Words a person reads: a sentence, or a capitalised word (Tk's option values are lower case)."""
    text = text.strip()
    return (bool(re.search(r"[A-Za-z]{2,}", text)) and (" " in text or bool(re.match(r"[A-Z][a-z]", text)))
            and not text.startswith(("<", "#")) and not NOT_TEXT.match(text))


def unmarked_strings(source):
    """(line, text) of each string in source that a person reads but that is not marked for translation.

    The rule, the same for the window, the command line and the library: every string literal or
    f-string that reads like words (looks_like_text: two letters or more, and a space or a capital)
    must be inside _(), N_() or ngettext(); only docstrings, log and warnings calls, and NOT_TEXT
    (key names, file patterns, a command to type) are left out. So a message raised, printed,
    returned as a reason or given to argparse as help= or description= fails the test unless marked;
    an f-string always does (translate a template: _("… {name}").format(name=...)).
    """
    tree = ast.parse(source)
    skip = _translated_nodes(tree) | _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # its parts are judged as one f-string
            skip.update(id(part) for part in node.values)
    unmarked = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and looks_like_text(node.value):
            unmarked.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):  # an f-string cannot be translated: _("… {name}").format(...)
            literal = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
            if looks_like_text(literal):
                unmarked.append((node.lineno, literal))
    return unmarked


def source_id(path):
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", SOURCES, ids=source_id)
def test_no_string_users_see_is_left_unmarked(path):
    unmarked = unmarked_strings(path.read_text(encoding="utf-8"))
    assert not unmarked, f"{source_id(path)}: shown but not marked for translation: {unmarked}"


def test_the_checker_finds_an_unmarked_string():
    source = 'def f(app, n):\n    app.say("Saved it")\n    app.say(_("Saved it"))\n    x = f"Kept {n} of them"\n'
    assert sorted(unmarked_strings(source)) == [(2, "Saved it"), (4, "Kept  of them")]


def test_the_checker_finds_unmarked_messages_of_the_command_line_and_the_library():
    source = """
import warnings
def f(parser, path, n):
    parser.add_argument("--out", help="where to write")
    parser.add_argument("--in", help=_("where to read"))
    print(f"saved {n} samples")
    print(_("saved {count} samples").format(count=n))
    warnings.filterwarnings("ignore", "Skipping variable loading")
    if n:
        raise DataError(f"{path}: not an MNIST file")
    raise DataError(_("{path}: not an MNIST file").format(path=path))
"""
    assert sorted(unmarked_strings(source)) == [(4, "where to write"), (6, "saved  samples"),
                                                (10, ": not an MNIST file")]


LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.mark.parametrize("setting, environment, window, command_line", [
    ("", {"LANGUAGE": "zh_CN:en"}, "zh_CN", "zh_CN"),
    ("en", {"LANGUAGE": "zh_CN"}, "en", "zh_CN"),  # the window: its setting; the command line: the environment
    ("zh_CN", {"LANGUAGE": "en"}, "zh_CN", "en"),
    ("zh_CN", {"LC_ALL": "C"}, "zh_CN", "en"),  # a script's LC_ALL=C: stable English output
    ("zh_CN", {}, "zh_CN", "zh_CN"),  # the environment says nothing: the setting decides
    ("", {"LC_ALL": "zh_CN.UTF-8"}, "zh_CN", "zh_CN"),
    ("", {"LANG": "zh_CN.GB18030"}, "zh_CN", "zh_CN"),
    ("", {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en", "en"),  # LC_ALL overrides LANG, C is English
    ("", {"LC_ALL": "POSIX", "LANG": "zh_CN.UTF-8"}, "en", "en"),
    ("", {"LANGUAGE": "C", "LANG": "zh_CN.UTF-8"}, "en", "en"),
    ("", {"LC_MESSAGES": "zh_TW.UTF-8"}, "en", "en"),  # traditional Chinese has no catalog yet
    ("", {"LANGUAGE": "zh_HK"}, "en", "en"),
    ("", {"LANGUAGE": "zh_MO"}, "en", "en"),  # Macau: traditional too
    ("", {"LANG": "zh_Hant_TW.UTF-8"}, "en", "en"),
    ("", {"LANGUAGE": "zh_SG"}, "zh_CN", "zh_CN"),  # Singapore: simplified
    ("", {"LANGUAGE": "zh-Hans-HK"}, "zh_CN", "zh_CN"),
    ("", {"LANGUAGE": ":zh_CN"}, "zh_CN", "zh_CN"),  # a list: empty items skipped
    ("", {"LANGUAGE": "de_DE:zh_CN:en"}, "zh_CN", "zh_CN"),  # the first with a catalog
    ("zh_CN", {"LANG": "de_DE.UTF-8"}, "zh_CN", "en"),  # no catalog: untranslated, as gettext does
    ("", {"LANG": "de_DE.UTF-8"}, "en", "en"),
])
def test_the_language_comes_from_the_setting_and_the_environment_in_each_one_s_order(
        monkeypatch, setting, environment, window, command_line):
    for variable in LANGUAGE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.setattr(i18n.locale, "getlocale", lambda: ("de_DE", "UTF-8"))
    assert i18n.choose_language(setting) == window
    assert i18n.choose_language(setting, environment_first=True) == command_line


def test_without_environment_variables_the_platform_locale_decides(monkeypatch):
    for variable in LANGUAGE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(i18n.locale, "getlocale", lambda: ("zh_CN", "UTF-8"))  # what Windows and macOS give
    assert i18n.choose_language() == "zh_CN" and i18n.choose_language(environment_first=True) == "zh_CN"
    monkeypatch.setenv("LANG", "C")  # C is a choice: English
    assert i18n.choose_language() == "en"


def test_chinese_text_is_translated_and_english_is_the_source():
    i18n.use_language("zh_CN")
    assert i18n._("Recognize") == "识别"
    assert i18n.ngettext("{count} sample kept", "{count} samples kept", 3).format(count=3) == "已保存 3 个样本"
    i18n.use_language("en")
    assert i18n._("Recognize") == "Recognize"


def test_a_cjk_font_is_recognised_by_its_family_name(monkeypatch):
    monkeypatch.setattr(i18n.sys, "platform", "linux")
    assert i18n.has_cjk_font(["DejaVu Sans", "Noto Sans CJK SC"])
    assert i18n.has_cjk_font(["WenQuanYi Micro Hei"])
    assert not i18n.has_cjk_font(["DejaVu Sans", "Liberation Serif"])
    monkeypatch.setattr(i18n.sys, "platform", "win32")
    assert i18n.has_cjk_font([])


def calls_gettext(path):
    return "_(" in path.read_text(encoding="utf-8").replace("N_(", "")


@pytest.mark.parametrize("path", [path for path in SOURCES if calls_gettext(path)], ids=source_id)
def test_nothing_hides_the_translation_function(path):
    """`_` is gettext where it is called: `x, _ = ...` in a function would make its _("…") calls fail."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hiding = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "_"
              and isinstance(node.ctx, ast.Store)]
    hiding += [node.lineno for node in ast.walk(tree) if isinstance(node, ast.arg) and node.arg == "_"]
    assert not hiding, f"{path.name} lines {hiding}"
