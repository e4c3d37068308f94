"""The user's own handwriting: drawings kept with their right digit, to adapt the model.

A folder of PNG files and a labels.csv (file,label), the layout `digitpad evaluate --images`
and `digitpad adapt --samples` read. They stay on this computer.
"""
import csv
import io
import os
import re
import shutil
import stat
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from digitpad.i18n import _, os_reason
from digitpad.labels import LABELS, LabelsError, read_labels
from digitpad.paths import user_data_dir
from digitpad.recognition.images import ImageError, open_image
from digitpad.recognition.preprocess import mnist_pixels
from digitpad.recognition.weights import NO_FOLLOW, NON_BLOCKING, open_regular_file
from digitpad.training.data import DataError


def samples_dir():
    return user_data_dir() / "samples"


@dataclass
class Samples:
    images: list = field(default_factory=list)  # greyscale PIL images
    labels: list = field(default_factory=list)  # their digits
    paths: list = field(default_factory=list)  # their files
    skipped: list = field(default_factory=list)  # why a row or a file was not used


def add_sample(folder, image, label):
    """Keep a drawing as an example of `label`; returns the new file's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{label}-{uuid.uuid4().hex[:12]}.png"
    with _new_file_beside(path) as (partial, f):
        image.save(f, format="PNG")
        f.close()
        os.replace(partial, path)
    table = folder / LABELS
    # never through a symbolic link (it may point anywhere), never waiting on a named pipe
    try:
        fd = os.open(table, os.O_RDWR | os.O_APPEND | os.O_CREAT | NO_FOLLOW | NON_BLOCKING, 0o644)
    except OSError as error:
        path.unlink(missing_ok=True)
        raise DataError(_("{path} is not a regular file ({error}): the sample was not kept").format(
            path=table, error=error.strerror)) from None
    with open(fd, "a", newline="", encoding="utf-8") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            path.unlink(missing_ok=True)
            raise DataError(_("{path} is not a regular file: the sample was not kept").format(path=table))
        writer = csv.writer(f)
        if info.st_size == 0:
            writer.writerow(["file", "label"])
        elif os.pread(fd, 1, info.st_size - 1) not in (b"\n", b"\r"):
            f.write("\n")  # a table not ending its last line (edited by hand, damaged): the row goes on a line of its own
        writer.writerow([path.name, int(label)])
    return path


def read_samples(folder):
    """All usable samples; a broken row, a missing or unreadable file is skipped with a reason."""
    samples = Samples()
    if not (Path(folder) / LABELS).exists():
        return samples
    try:
        table = read_labels(folder)
    except LabelsError as error:
        samples.skipped.append(str(error))
        return samples
    samples.skipped += table.skipped
    for path, label in table.rows:
        try:
            image = open_image(path)
        except ImageError as error:
            samples.skipped.append(str(error))
            continue
        samples.images.append(image)
        samples.labels.append(int(label))
        samples.paths.append(path)
    return samples


def read_sample_pixels(folder):
    """The usable samples as model input: (pixels (n, 28, 28), labels (n,), reasons for skipped ones).

    Raises DataError when none is usable.
    """
    samples = read_samples(folder)
    pixels, labels = [], []
    for image, label in zip(samples.images, samples.labels):
        try:
            pixels.append(mnist_pixels(image))
            labels.append(label)
        except ImageError as error:  # a blank sample teaches nothing
            samples.skipped.append(_("a sample of {digit}: {error}").format(digit=label, error=error))
    if not labels:
        raise DataError(_("{folder}: no usable samples yet (after an answer, click the right digit "
                          "or press its key; or put images and labels.csv there)").format(folder=folder))
    return np.stack(pixels), np.array(labels), samples.skipped


def count_samples(folder):
    """How many samples there are: usable rows of labels.csv whose file is there (0 when there is no table)."""
    try:
        rows = read_labels(folder).rows
    except LabelsError:
        return 0
    return sum(1 for path, _label in rows if path.is_file())  # read_labels left out symlinks


def delete_samples(folder):
    """Forget every kept sample; returns how many there were. Raises DataError, saying what
    is left, when they cannot all be deleted."""
    folder = Path(folder)
    if not os.path.lexists(folder):
        return 0
    count = count_samples(folder)
    try:
        if folder.is_symlink() or not folder.is_dir():
            raise NotADirectoryError(20, _("not a folder"), str(folder))
        for path in _sample_files(folder):
            path.unlink()
        (folder / LABELS).unlink(missing_ok=True)
        if not any(folder.iterdir()):  # files of the user's own in it stay, and so does the folder
            folder.rmdir()
    except OSError as error:
        reason = os_reason(error)
        if error.filename and str(error.filename) != str(folder):
            message = _("could not delete the samples in {folder}: {error} ({name})").format(
                folder=folder, error=reason, name=error.filename)
        else:
            message = _("could not delete the samples in {folder}: {error}").format(folder=folder, error=reason)
        raise DataError(message) from None
    return count


SAMPLE_NAME = re.compile(r"[0-9]-[0-9a-f]{12}\.png")  # as add_sample names them


def _sample_files(folder):
    """The samples' files: those labels.csv names and those add_sample made, never anything else."""
    named = set()
    try:
        named = {path.name for path, _label in read_labels(folder).rows}
    except LabelsError:
        pass
    for path in folder.iterdir():
        if (path.name in named or SAMPLE_NAME.fullmatch(path.name)) and path.is_file() and not path.is_symlink():
            yield path


def export_samples(folder, destination):
    """Copy the usable samples (those read_samples reads, the ones `samples list` counts) and a
    labels.csv listing just them into a new folder; returns the Samples copied (with the reasons
    others were skipped). Raises DataError when the folder exists or cannot be written; a
    half-made copy is removed."""
    samples = read_samples(folder)
    destination = Path(destination)
    try:
        destination.mkdir(parents=True)  # never into an existing folder: nothing of the user's is overwritten
    except FileExistsError:
        raise DataError(_("{path} already exists: export needs a new folder").format(path=destination)) from None
    except OSError as error:
        raise DataError(_("could not export the samples to {folder}: {reason}").format(
            folder=destination, reason=os_reason(error))) from None
    try:
        rows = io.StringIO(newline="")
        writer = csv.writer(rows)
        writer.writerow(["file", "label"])
        copied = set()
        for path, label in zip(samples.paths, samples.labels):
            if path.name not in copied:  # a file two rows name is copied once
                with open_regular_file(path, _("a sample")) as source, open(destination / path.name, "xb") as copy:
                    shutil.copyfileobj(source, copy)
                copied.add(path.name)
            writer.writerow([path.name, label])
        with _new_file_beside(destination / LABELS) as (partial, f):  # last: a half-made copy has no table
            f.write(rows.getvalue().encode("utf-8"))
            f.close()
            os.replace(partial, destination / LABELS)
    except OSError as error:
        shutil.rmtree(destination, ignore_errors=True)  # made just now: holds only what was copied
        raise DataError(_("could not export the samples to {folder}: {reason}").format(
            folder=destination, reason=error.strerror if error.filename is None else os_reason(error))) from None
    return samples


def remove_sample(folder, path):
    """Forget one kept sample (its file and its row)."""
    folder, path = Path(folder), Path(path)
    table = folder / LABELS
    with open_regular_file(table, _("a table of labels")) as f:
        text = f.read().decode("utf-8", errors="replace")
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row and row[0] != path.name]
    with _new_file_beside(table) as (partial, f):
        text = io.StringIO(newline="")
        csv.writer(text).writerows(rows)
        f.write(text.getvalue().encode("utf-8"))
        f.close()
        os.replace(partial, table)
    path.unlink(missing_ok=True)


@contextmanager
def _new_file_beside(path):
    """A new temporary file (unique name, O_EXCL: never through a planted link) in path's folder,
    open for writing in binary; removed unless it was renamed into place."""
    fd, name = tempfile.mkstemp(dir=Path(path).parent, prefix=f".{Path(path).name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as f:
            yield Path(name), f
    finally:
        Path(name).unlink(missing_ok=True)
