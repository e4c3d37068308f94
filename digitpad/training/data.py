"""Loading MNIST: a folder of LeCun IDX files, a Keras-style mnist.npz, or a download."""
import gzip
import math
import os
from pathlib import Path

import numpy as np

from digitpad.i18n import N_, _
from digitpad.recognition.weights import open_regular_file

IDX_FILES = {
    "x_train": ("train-images-idx3-ubyte", 0x00000803),
    "y_train": ("train-labels-idx1-ubyte", 0x00000801),
    "x_test": ("t10k-images-idx3-ubyte", 0x00000803),
    "y_test": ("t10k-labels-idx1-ubyte", 0x00000801),
}


SIDE = 28  # MNIST images are 28x28
MAX_IMAGES = 1_000_000  # MNIST has 60 000 training images; EMNIST digits 240 000


class DataError(Exception):
    """MNIST data that cannot be read, with a message naming the file."""


def load_mnist(source=None, hint=None):
    """Return ((x_train, y_train), (x_test, y_test)) as uint8 arrays.

    source: a folder with the four IDX files (gzipped or not), an ``.npz`` file,
    or None for $DIGITPAD_MNIST, else ``keras.datasets.mnist.load_data()``.
    hint: how the caller's user gives local files when the download fails (the command line's
    ``--data`` when None).
    """
    source = source or os.environ.get("DIGITPAD_MNIST")
    if source is None:
        return _download(hint)
    path = Path(source).expanduser()
    if path.is_dir():
        arrays = {key: _read_idx(_find_idx(path, name), magic) for key, (name, magic) in IDX_FILES.items()}
    elif path.is_file():
        arrays = _read_npz(path)
    else:
        raise DataError(_("{path}: no such MNIST folder or .npz file").format(path=path))
    for split in (N_("train"), N_("test")):
        _check_split(path, split, arrays[f"x_{split}"], arrays[f"y_{split}"])
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _check_split(path, split, images, labels):
    """MNIST's shapes and values, or a DataError naming the file: (n, 28, 28) uint8 images,
    n > 0, and n labels 0-9."""
    split = _(split)  # "train" or "test": N_ in load_mnist
    if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE):
        raise DataError(_("{path}: {split} images have shape {shape}, expected (n, {side}, {side})").format(
            path=path, split=split, shape=images.shape, side=SIDE))
    if labels.ndim != 1:
        raise DataError(_("{path}: {split} labels have shape {shape}, expected (n,)").format(
            path=path, split=split, shape=labels.shape))
    if len(images) == 0:
        raise DataError(_("{path}: no {split} images").format(path=path, split=split))
    if len(images) != len(labels):
        raise DataError(_("{path}: {images} {split} images but {labels} labels").format(
            path=path, images=len(images), split=split, labels=len(labels)))
    if images.dtype != np.uint8 or labels.dtype.kind not in "iu":
        raise DataError(_("{path}: {split} data of type {images} / {labels}, expected bytes as in MNIST").format(
            path=path, split=split, images=images.dtype, labels=labels.dtype))
    if labels.min() < 0 or labels.max() > 9:
        raise DataError(_("{path}: {split} labels go from {low} to {high}, expected digits 0-9").format(
            path=path, split=split, low=labels.min(), high=labels.max()))


def describe_source(source=None):
    """Where load_mnist(source) will read from, in words for the user."""
    source = source or os.environ.get("DIGITPAD_MNIST")
    return str(source) if source else _("download via keras.datasets.mnist (needs internet)")


def _find_idx(folder, name):
    for candidate in (folder / f"{name}.gz", folder / name):
        if os.path.lexists(candidate):  # not only regular files: _read_idx says what else it is
            return candidate
    raise DataError(_("{folder}: missing {name}.gz (or {name})").format(folder=folder, name=name))


def _read_idx(path, expected_magic):
    """Read an IDX file, its header checked before the data: only as many bytes as an
    MNIST-shaped header promises are ever read."""
    try:
        with open_regular_file(path, _("an MNIST file")) as file, _decompressed(path, file) as f:
            header = f.read(4)
            if len(header) < 4:
                raise DataError(_("{path}: too short to be an IDX file").format(path=path))
            magic = int.from_bytes(header, "big")
            if magic != expected_magic:
                raise DataError(_("{path}: wrong magic number {magic}, expected {expected}").format(
                    path=path, magic=f"{magic:#010x}", expected=f"{expected_magic:#010x}"))
            ndim = magic & 0xFF
            dims = f.read(4 * ndim)
            if len(dims) < 4 * ndim:
                raise DataError(_("{path}: too short to be an IDX file").format(path=path))
            shape = tuple(int.from_bytes(dims[4 * i : 4 * i + 4], "big") for i in range(ndim))
            if shape[1:] != (SIDE, SIDE)[: ndim - 1] or not 0 < shape[0] <= MAX_IMAGES:
                raise DataError(_("{path}: shape {shape}, expected {expected} with 0 < n <= {limit}").format(
                    path=path, shape=shape, expected=("n", SIDE, SIDE)[:ndim], limit=MAX_IMAGES))
            expected = math.prod(shape)
            raw = f.read(expected + 1)  # one byte more: to tell that there is too much
    except OSError as error:  # gzip errors too
        raise DataError(_("{path}: cannot read ({error})").format(path=path, error=error.strerror or error)) from error
    except EOFError as error:
        raise DataError(_("{path}: cannot read ({error})").format(path=path, error=error)) from error
    if len(raw) != expected:
        size = 4 + 4 * ndim + len(raw)
        message = (_("{path}: more than {size} bytes, expected {expected} for shape {shape} (truncated?)")
                   if len(raw) > expected else
                   _("{path}: {size} bytes, expected {expected} for shape {shape} (truncated?)"))
        raise DataError(message.format(path=path, size=size, expected=4 + 4 * ndim + expected, shape=shape))
    return np.frombuffer(raw, dtype=np.uint8).reshape(shape)


def _decompressed(path, file):
    return gzip.GzipFile(fileobj=file, mode="rb") if path.suffix == ".gz" else file


def _read_npz(path):
    try:
        with open_regular_file(path, _("a .npz file")) as file, np.load(file, allow_pickle=False) as npz:
            return {key: npz[key] for key in IDX_FILES}
    except KeyError as error:
        raise DataError(_("{path}: not an MNIST .npz (missing {name})").format(path=path, name=error)) from error
    except ValueError:  # (numpy's own text here would advise loading pickled objects: never)
        raise DataError(_("{path}: not an MNIST .npz file (arrays of numbers)").format(path=path)) from None
    except OSError as error:
        raise DataError(_("{path}: not a readable .npz file ({error})").format(
            path=path, error=error.strerror or error)) from error


def _download(hint=None):
    from digitpad.training import TrainingUnavailable, require_tensorflow

    try:
        require_tensorflow(_("downloading MNIST"))
    except TrainingUnavailable as error:
        if hint is None:
            hint = _("or pass --data with a folder of the four IDX files or an mnist.npz")
        raise DataError(_("{error}; {hint}").format(error=error, hint=hint)) from None
    import keras  # only here: the download path needs Keras, local files do not

    try:
        return keras.datasets.mnist.load_data()
    except Exception as error:  # urllib, HTTP and file errors alike
        if hint is None:
            hint = _("pass --data with a folder of the four IDX files or an mnist.npz, or set DIGITPAD_MNIST")
        raise DataError(_("could not download MNIST ({error}); {hint}").format(error=error, hint=hint)) from error
