"""The one reader of labels.csv (file,label): the user's samples and `evaluate --images` use it.

Each row that cannot be used is skipped with a reason; the rest are read. Accepts a UTF-8
byte-order mark, CRLF line ends, quoted fields and a missing header. Only regular files
inside the folder are used: never a symbolic link (it may point anywhere), a named pipe
(it would hang) or a device.
"""
import csv
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from digitpad.i18n import _
from digitpad.recognition.weights import open_regular_file

LABELS = "labels.csv"
MAX_BYTES = 16 * 1024 * 1024  # a labels.csv of 100 000 samples is about 3 MB
MAX_FIELD = 4096  # characters: longer is no file name
DIGIT = re.compile(r"[0-9]")  # ASCII only: str.isdigit() also accepts "³"
NUMBER = re.compile(r"[0-9]+")


class LabelsError(Exception):
    """A labels.csv that cannot be read at all, with a message naming the file."""


@dataclass
class LabelRows:
    rows: list = field(default_factory=list)  # (path inside the folder, label as written)
    skipped: list = field(default_factory=list)  # why a row was not used


def read_labels(folder, pattern=DIGIT):
    """The usable rows of folder/labels.csv whose label fully matches `pattern`.

    A file named in a row is always taken from the folder itself (never from elsewhere).
    Raises LabelsError when the table is missing, not a regular file, too large or unreadable.
    """
    folder = Path(folder)
    table = folder / LABELS
    raw = _read_table(table)
    result = LabelRows()
    for number, line in enumerate(raw.splitlines(), start=1):
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            result.skipped.append(_("{path} line {number}: not UTF-8 text").format(path=table, number=number))
            continue
        if not text.strip():
            continue
        try:
            row = next(csv.reader([text]))
        except csv.Error as error:
            result.skipped.append(_("{path} line {number}: {reason}").format(path=table, number=number, reason=error))
            continue
        if number == 1 and len(row) >= 2 and row[0].strip().lower() == "file" and row[1].strip().lower() == "label":
            continue  # the header
        reason = _problem(row, pattern)
        if reason:
            result.skipped.append(_("{path} line {number}: {reason}").format(path=table, number=number, reason=reason))
            continue
        path = folder / Path(row[0].strip()).name
        reason = _not_a_plain_file(path, path.name)
        if reason:
            result.skipped.append(_("{path} line {number}: {reason}").format(path=table, number=number, reason=reason))
            continue
        result.rows.append((path, row[1].strip()))
    return result


def _not_a_plain_file(path, shown):
    """Why path (named `shown` in the message) cannot be used, when it exists and is not a
    regular file; None otherwise (a missing file is reported when it is opened)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return _("{name} is a symbolic link: only files inside the folder are used").format(name=shown)
    if not stat.S_ISREG(mode):
        return _("{name} is not a regular file").format(name=shown)
    return None


def _read_table(table):
    if not os.path.lexists(table):
        raise LabelsError(_("{folder}: no {name} (file,label)").format(folder=table.parent, name=LABELS))
    reason = _not_a_plain_file(table, table)
    if reason:
        raise LabelsError(reason)
    try:
        with open_regular_file(table, _("a table of labels")) as f:
            if os.fstat(f.fileno()).st_size > MAX_BYTES:
                raise LabelsError(_("{path}: larger than {size} MB, not a table of labels").format(
                    path=table, size=MAX_BYTES // 2**20))
            return f.read(MAX_BYTES + 1)
    except OSError as error:
        raise LabelsError(_("{path}: cannot read ({error})").format(path=table, error=error.strerror or error)) from error


def _problem(row, pattern):
    if len(row) < 2:
        return _("not 'file,label'")
    name, label = row[0].strip(), row[1].strip()
    if not name or len(name) > MAX_FIELD or Path(name).name in ("", ".", ".."):
        return _("no usable file name")
    if len(label) > MAX_FIELD or not pattern.fullmatch(label):
        shown = repr(label if len(label) <= 20 else label[:20] + "…")
        if pattern is DIGIT:
            return _("label {label} is not a digit 0-9").format(label=shown)
        return _("label {label} is not a number of digits 0-9").format(label=shown)
    return None
