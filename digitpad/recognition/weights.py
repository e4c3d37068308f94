"""Reading and atomically writing Keras 3 ``.weights.h5`` files, without TensorFlow.

A weights file may come from anywhere: before a byte of data is read, every object in it
is checked (plain groups and datasets only, numbers of the shapes the network has, no
links to other files); only regular files are opened and only regular files are replaced.
"""
import errno
import glob
import math
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

from digitpad.i18n import _
from digitpad.recognition.network import LAYERS, kind_of

try:
    import fcntl
except ImportError:  # Windows: msvcrt's lock on the file's first byte does the same job
    fcntl = None
    import msvcrt

NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # (Windows has no symbolic-link flag: lstat checks guard there)
NON_BLOCKING = getattr(os, "O_NONBLOCK", 0)

MAX_OBJECTS = 1000  # groups and datasets: Keras writes about 30 for the CNN with its optimizer
MAX_DATA_BYTES = 64 * 2**20  # all datasets together: the CNN's file with its optimizer is about 5 MB
PARTIAL_SUFFIX = ".partial.weights.h5"  # Keras writes only to names ending in .weights.h5


class WeightsError(Exception):
    """Weights that cannot be used, with a message fit for the user."""


class TrainingBusy(WeightsError):
    """Another training is writing the same weights file."""


@dataclass(frozen=True)
class Weights:
    path: Path
    kind: str  # "mlp" or "cnn": see network.py
    params: list = field(repr=False)  # (kernel, bias) pairs in forward order (thousands of numbers: not in repr)
    test_accuracy: float | None  # recorded by `digitpad train`, when known
    adapted_from: Path | None = None  # recorded by adapt(): the weights these were adapted from


def open_regular_file(path, what=None):
    """Open path for reading in binary, only when it is a regular file (symlinks to one are
    followed). A named pipe or a device would hang or never end: refused with a clear OSError
    message, as a missing file or a folder is. `what` names what it should be (translated): "a file"."""
    path, what = Path(path), what or _("a file")
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; no effect on regular files
        fd = os.open(path, os.O_RDONLY | NON_BLOCKING)
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, _("{path} does not exist").format(path=path)) from None
    except IsADirectoryError:
        raise IsADirectoryError(errno.EISDIR, _("{path} is a folder, not {what}").format(path=path, what=what)) from None
    except OSError as error:
        raise OSError(error.errno, _("{path}: cannot open ({error})").format(path=path, error=error.strerror)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, _("{path} is a folder, not {what}").format(path=path, what=what))
        raise OSError(errno.EINVAL, _("{path} is {kind}, not {what}").format(path=path, kind=_file_type(mode), what=what))
    return os.fdopen(fd, "rb")


def _file_type(mode):
    if stat.S_ISFIFO(mode):
        return _("a named pipe")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a special file")


def check_output(path):
    """Raise WeightsError unless path can be replaced by a new file: it is missing or a regular
    file (not a symlink, a device or a folder) in a folder where files can be created."""
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise WeightsError(_("cannot write {path}: {error}").format(path=path, error=error.strerror)) from None
    if mode is not None and stat.S_ISLNK(mode):
        raise WeightsError(_("{path} is a symbolic link: give the file it points to, or another --out").format(path=path))
    if mode is not None and not stat.S_ISREG(mode):
        kind = _("a folder") if stat.S_ISDIR(mode) else _file_type(mode)
        raise WeightsError(_("{path} is {kind}, not a weights file: choose another --out").format(path=path, kind=kind))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".probe")
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise WeightsError(_("cannot write {path}: {error}").format(path=path, error=error.strerror or error)) from None


def check_training_output(path, replace=False):
    """check_output(path); unless replace, also that a file already there holds weights
    (training compares them with its own, and keeps the better): else WeightsError."""
    check_output(path)
    if replace or not os.path.lexists(path):
        return
    try:
        read_weights(path)
    except WeightsError as error:
        raise WeightsError(_("{error}; it was left unchanged: to overwrite it, use --replace "
                             "(or write elsewhere with --out)").format(error=error)) from None


def read_weights(path):
    path = Path(path)
    try:
        file = open_regular_file(path, _("a weights file"))
    except OSError as error:
        raise WeightsError(error.strerror or str(error)) from None
    try:
        with file, h5py.File(file, "r") as f:
            datasets = _checked_datasets(f, path)
            kind = kind_of({name for name in datasets if name.count("/") == 1})
            params = [_read_layer(f, datasets, path, name, shapes) for name, shapes in LAYERS[kind].items()]
            accuracy = _number_attribute(f, "test_accuracy")
            origin = _text_attribute(f, "adapted_from")
    except WeightsError:
        raise
    except Exception as error:  # h5py raises OSError, KeyError, ValueError, TypeError, RuntimeError
        raise WeightsError(_("{path} is not a readable weights file ({error})").format(path=path, error=error)) from error
    if not all(np.isfinite(array).all() for pair in params for array in pair):
        raise WeightsError(_("{path} holds weights that are not numbers (NaN or infinite): training went wrong")
                           .format(path=path))
    return Weights(path, kind, params, accuracy, None if origin is None else Path(origin))


def _checked_datasets(f, path):
    """{'group/.../name': dataset} for every dataset, and every group's name, checked without
    reading data: hard links only, plain numeric datasets stored in the file, of bounded size."""
    found, total = {}, 0
    pending = [("", f)]
    while pending:
        prefix, group = pending.pop()
        for name in group:
            full = f"{prefix}{name}"
            link = group.get(name, getlink=True)
            if not isinstance(link, h5py.HardLink):
                raise WeightsError(_("{path}: '{name}' is a link ({link}): not a weights file digitpad wrote")
                                   .format(path=path, name=full, link=type(link).__name__))
            if len(found) >= MAX_OBJECTS or full.count("/") > 8:
                raise WeightsError(_("{path}: too many objects or nested too deep: not a weights file").format(path=path))
            item = group[name]
            if isinstance(item, h5py.Group):
                found[full] = None
                pending.append((f"{full}/", item))
                continue
            if not isinstance(item, h5py.Dataset):
                raise WeightsError(_("{path}: '{name}' is neither a group nor a dataset").format(path=path, name=full))
            if item.dtype.kind not in "fiub" or item.dtype.names or h5py.check_vlen_dtype(item.dtype):
                raise WeightsError(_("{path}: '{name}' holds {type}, not numbers").format(
                    path=path, name=full, type=item.dtype))
            if item.external or item.is_virtual:
                raise WeightsError(_("{path}: '{name}' is stored outside the file: refused").format(path=path, name=full))
            total += math.prod(item.shape or ()) * item.dtype.itemsize
            if total > MAX_DATA_BYTES:
                raise WeightsError(_("{path} declares more than {size} MB of data: not weights of digitpad's networks")
                                   .format(path=path, size=MAX_DATA_BYTES // 2**20))
            found[full] = item
    return found


def _read_layer(f, datasets, path, name, shapes):
    arrays = []
    for index, expected in enumerate(shapes):
        dataset = datasets.get(f"{name}/vars/{index}")
        if dataset is None:
            raise WeightsError(_("{path} holds no layer '{name}': not weights of digitpad's model").format(
                path=path, name=name))
        if dataset.shape != expected:
            raise WeightsError(_("{path}: layer '{name}' has shape {shape}, expected {expected}: weights of another model")
                               .format(path=path, name=name, shape=dataset.shape, expected=expected))
        if dataset.dtype.kind != "f":
            raise WeightsError(_("{path}: layer '{name}' holds {type}, not floating-point weights").format(
                path=path, name=name, type=dataset.dtype))
        arrays.append(np.asarray(dataset[()], dtype=np.float32))
    return tuple(arrays)


def _number_attribute(f, name):
    """A recorded number, or None when it is missing or not one number in 0..1 (then unknown)."""
    if name not in f.attrs:
        return None
    attribute = f.attrs.get_id(name)
    if attribute.dtype.kind not in "fiu" or attribute.shape not in ((), (1,)):
        return None
    value = float(np.asarray(f.attrs[name]).reshape(-1)[0])
    return value if 0.0 <= value <= 1.0 else None


def _text_attribute(f, name):
    """A recorded short text, or None when it is missing or not one."""
    if name not in f.attrs:
        return None
    attribute = f.attrs.get_id(name)
    if attribute.dtype.kind not in "SOU" or attribute.shape not in ((), None):
        return None
    value = f.attrs[name]
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) and 0 < len(value) <= 4096 else None


def write_attributes(path, **attributes):
    with h5py.File(path, "r+") as f:  # r+: the file must exist; never create an empty one
        f.attrs.update(attributes)


@contextmanager
def partial_path(dest):
    """Yield the path of a new, empty temporary ``.weights.h5`` file beside dest, removed at the end.

    Write there, then replace_atomically() into dest: dest is never half-written. The name
    is unique (created with O_EXCL), so a file left by a killed process is never reused.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{_stem(dest)}.", suffix=PARTIAL_SUFFIX)
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


def _stem(path):
    return Path(path).name.removesuffix(".weights.h5")


def backup_path(dest):
    """Where training keeps the weights it replaced: <name>.previous.weights.h5 beside dest."""
    dest = Path(dest)
    return dest.with_name(f"{_stem(dest)}.previous.weights.h5")


def keep_backup(dest):
    """Copy dest (when it exists) to backup_path(dest), atomically; returns the backup's path."""
    dest, backup = Path(dest), backup_path(dest)
    if not dest.exists():
        return None
    check_output(backup)
    with partial_path(backup) as partial, open_regular_file(dest, _("a weights file")) as source:
        with open(partial, "wb") as copy:
            shutil.copyfileobj(source, copy)
        replace_atomically(partial, backup)
    return backup


def replace_atomically(partial, dest):
    """Put a completely written file in place of dest in one rename (dest must be a regular file or missing)."""
    check_output(dest)
    try:  # the file replaced keeps its permissions; a new one gets a weights file's usual ones
        mode = stat.S_IMODE(os.stat(dest).st_mode)
    except FileNotFoundError:
        mode = 0o644
    os.chmod(partial, mode)
    _fsync(partial)
    os.replace(partial, dest)


def _fsync(path):
    with open(path, "rb") as f:
        os.fsync(f.fileno())


@contextmanager
def training_lock(out):
    """Hold the lock of one weights file for a training: a second one raises TrainingBusy.

    The lock is flock() on a lock file beside out: the system releases it when the process
    ends however it ends, so a crashed run leaves nothing stuck. Temporary files of runs
    that died are removed once the lock is held (no live run can be writing them).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.with_name(f".{out.name}.lock")
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | NO_FOLLOW, 0o600)
        try:
            _lock_now(fd)
        except (BlockingIOError, PermissionError):
            os.close(fd)
            raise TrainingBusy(_("another training is writing {path}: wait until it ends, or write elsewhere (--out)")
                               .format(path=out)) from None
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock_path, follow_symlinks=False))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the run before removed this lock file just as it was opened: take the new one
    try:
        _remove_leftovers(out)
        yield
    finally:
        with suppress(FileNotFoundError):  # before unlocking: a run that opened the old file then retries
            os.unlink(lock_path)
        os.close(fd)


def _lock_now(fd):
    """Lock the open file fd for this process, or raise BlockingIOError at once."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _remove_leftovers(out):
    """Temporary files of out (partial_path's, and the fixed name older versions used) left by runs that died."""
    prefix = glob.escape(f".{_stem(out)}.")
    for pattern in (f"{prefix}{'?' * 8}{PARTIAL_SUFFIX}", f"{prefix}{PARTIAL_SUFFIX.lstrip('.')}"):
        for path in out.parent.glob(pattern):  # mkstemp's random part is 8 characters
            if stat.S_ISREG(os.lstat(path).st_mode):
                path.unlink(missing_ok=True)

