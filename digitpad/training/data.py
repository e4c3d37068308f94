"""Loading MNIST: a folder of LeCun IDX files, a Keras-style mnist.npz, or a download."""
import gzip
import math
import os
from pathlib import Path

import numpy as np

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


def load_mnist(source=None):
    """Return ((x_train, y_train), (x_test, y_test)) as uint8 arrays.

    source: a folder with the four IDX files (gzipped or not), an ``.npz`` file,
    or None for $DIGITPAD_MNIST, else ``keras.datasets.mnist.load_data()``.
    """
    source = source or os.environ.get("DIGITPAD_MNIST")
    if source is None:
        return _download()
    path = Path(source).expanduser()
    if path.is_dir():
        arrays = {key: _read_idx(_find_idx(path, name), magic) for key, (name, magic) in IDX_FILES.items()}
    elif path.is_file():
        arrays = _read_npz(path)
    else:
        raise DataError(f"{path}: no such MNIST folder or .npz file")
    for split in ("train", "test"):
        _check_split(path, split, arrays[f"x_{split}"], arrays[f"y_{split}"])
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _check_split(path, split, images, labels):
    """MNIST's shapes and values, or a DataError naming the file: (n, 28, 28) uint8 images,
    n > 0, and n labels 0-9."""
    if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE):
        raise DataError(f"{path}: {split} images have shape {images.shape}, expected (n, {SIDE}, {SIDE})")
    if labels.ndim != 1:
        raise DataError(f"{path}: {split} labels have shape {labels.shape}, expected (n,)")
    if len(images) == 0:
        raise DataError(f"{path}: no {split} images")
    if len(images) != len(labels):
        raise DataError(f"{path}: {len(images)} {split} images but {len(labels)} labels")
    if images.dtype != np.uint8 or labels.dtype.kind not in "iu":
        raise DataError(f"{path}: {split} data of type {images.dtype} / {labels.dtype}, expected bytes as in MNIST")
    if labels.min() < 0 or labels.max() > 9:
        raise DataError(f"{path}: {split} labels go from {labels.min()} to {labels.max()}, expected digits 0-9")


def describe_source(source=None):
    """Where load_mnist(source) will read from, in words for the user."""
    source = source or os.environ.get("DIGITPAD_MNIST")
    return str(source) if source else "download via keras.datasets.mnist (needs internet)"


def _find_idx(folder, name):
    for candidate in (folder / f"{name}.gz", folder / name):
        if os.path.lexists(candidate):  # not only regular files: _read_idx says what else it is
            return candidate
    raise DataError(f"{folder}: missing {name}.gz (or {name})")


def _read_idx(path, expected_magic):
    """Read an IDX file, its header checked before the data: only as many bytes as an
    MNIST-shaped header promises are ever read."""
    try:
        with open_regular_file(path, "an MNIST file") as file, _decompressed(path, file) as f:
            header = f.read(4)
            if len(header) < 4:
                raise DataError(f"{path}: too short to be an IDX file")
            magic = int.from_bytes(header, "big")
            if magic != expected_magic:
                raise DataError(f"{path}: wrong magic number {magic:#010x}, expected {expected_magic:#010x}")
            ndim = magic & 0xFF
            dims = f.read(4 * ndim)
            if len(dims) < 4 * ndim:
                raise DataError(f"{path}: too short to be an IDX file")
            shape = tuple(int.from_bytes(dims[4 * i : 4 * i + 4], "big") for i in range(ndim))
            if shape[1:] != (SIDE, SIDE)[: ndim - 1] or not 0 < shape[0] <= MAX_IMAGES:
                raise DataError(f"{path}: shape {shape}, expected {('n', SIDE, SIDE)[:ndim]} "
                                f"with 0 < n <= {MAX_IMAGES}")
            expected = math.prod(shape)
            raw = f.read(expected + 1)  # one byte more: to tell that there is too much
    except OSError as error:  # gzip errors too
        raise DataError(f"{path}: cannot read ({error.strerror or error})") from error
    except EOFError as error:
        raise DataError(f"{path}: cannot read ({error})") from error
    if len(raw) != expected:
        size = 4 + 4 * ndim + len(raw)
        raise DataError(f"{path}: {'more than ' if len(raw) > expected else ''}{size} bytes, expected "
                        f"{4 + 4 * ndim + expected} for shape {shape} (truncated?)")
    return np.frombuffer(raw, dtype=np.uint8).reshape(shape)


def _decompressed(path, file):
    return gzip.GzipFile(fileobj=file, mode="rb") if path.suffix == ".gz" else file


def _read_npz(path):
    try:
        with open_regular_file(path, "a .npz file") as file, np.load(file, allow_pickle=False) as npz:
            return {key: npz[key] for key in IDX_FILES}
    except KeyError as error:
        raise DataError(f"{path}: not an MNIST .npz (missing {error})") from error
    except ValueError:  # (numpy's own text here would advise loading pickled objects: never)
        raise DataError(f"{path}: not an MNIST .npz file (arrays of numbers)") from None
    except OSError as error:
        raise DataError(f"{path}: not a readable .npz file ({error.strerror or error})") from error


def _download():
    from digitpad.training import TrainingUnavailable, require_tensorflow

    try:
        require_tensorflow("downloading MNIST")
    except TrainingUnavailable as error:
        raise DataError(f"{error}; or pass --data with a folder of the four IDX files or an mnist.npz") from None
    import keras  # only here: the download path needs Keras, local files do not

    try:
        return keras.datasets.mnist.load_data()
    except Exception as error:  # urllib, HTTP and file errors alike
        raise DataError(
            f"could not download MNIST ({error}); pass --data with a folder of the four "
            "IDX files or an mnist.npz, or set DIGITPAD_MNIST"
        ) from error
