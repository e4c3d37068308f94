"""argparse's own words ("usage: ", "options", its error messages) in the user's language.

argparse looks them up through its module-level gettext functions `_` and `ngettext`, and
Python ships no Chinese catalog for them: translate_argparse() hands argparse ours, and the
messages below (Python 3.11's, those a user can meet) are listed here so that extraction puts
them in our catalog. A message of another Python version that is not listed stays English.
"""
import argparse
import re

from digitpad import i18n
from digitpad.i18n import N_, columns, ngettext

ARGPARSE_MESSAGES = [
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("ignored explicit argument %r"),
]


def _plural_messages():  # never called: marks argparse's ngettext messages for extraction
    return ngettext("expected %s argument", "expected %s arguments", 1)


def translate_argparse():
    """From now on argparse's words follow digitpad's language (i18n.use_language)."""
    argparse._ = i18n._
    argparse.ngettext = i18n.ngettext


# what a line may not break inside: a wide character with the opening punctuation before it and
# the closing punctuation after it (neither ends or begins a line), a word, a run of spaces
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CLOSING = "，。；：、）！？》”’"
_PIECES = re.compile(rf"[（《“‘]*[{_WIDE}][{_CLOSING}]*|[^\s{_WIDE}]+[{_CLOSING}]*|\s+")


def wrap(text, width):
    """Lines of text at most `width` columns wide (a longer word keeps a line of its own);
    Chinese may break between any two characters, as it has no spaces."""
    lines, line = [], ""
    for piece in _PIECES.findall(" ".join(text.split())):
        if piece.isspace():
            line += " " if line else ""
        elif line and columns(line) + columns(piece) > width:
            lines.append(line.rstrip())
            line = piece
        else:
            line += piece
    return lines + [line.rstrip()] if line.strip() else lines


_CHINESE_HEADING = re.compile(rf"(?m)^(\S.*[{_WIDE}]):$")


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped by columns instead of characters: Chinese lines fit the terminal;
    a Chinese section heading ends with a Chinese colon, as Chinese text does."""

    def format_help(self):
        return _CHINESE_HEADING.sub(r"\1：", super().format_help())

    def _format_usage(self, usage, actions, groups, prefix):
        # argparse lines the usage up under the program's name counting characters: "用法：" takes
        # three more columns than characters, so the usage is wrapped narrower and its lines moved
        shown = prefix if prefix is not None else argparse._("usage: ")
        extra = columns(shown) - len(shown)
        if extra <= 0:
            return super()._format_usage(usage, actions, groups, prefix)
        self._width -= extra
        try:
            first, *rest = super()._format_usage(usage, actions, groups, prefix).split("\n")
        finally:
            self._width += extra
        return "\n".join([first, *(" " * extra + line if line else line for line in rest)])

    def _split_lines(self, text, width):
        return wrap(text, width) if columns(text) != len(text) else super()._split_lines(text, width)

    def _fill_text(self, text, width, indent):
        if columns(text) == len(text):
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))
