"""Loading MNIST: a folder of LeCun IDX files, a Keras-style mnist.npz, or a download."""
import gzip
import os
from pathlib import Path

import numpy as np

IDX_FILES = {
    "x_train": ("train-images-idx3-ubyte", 0x00000803),
    "y_train": ("train-labels-idx1-ubyte", 0x00000801),
    "x_test": ("t10k-images-idx3-ubyte", 0x00000803),
    "y_test": ("t10k-labels-idx1-ubyte", 0x00000801),
}


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
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if len(images) != len(labels):
            raise DataError(f"{path}: {len(images)} {split} images but {len(labels)} labels")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def describe_source(source=None):
    """Where load_mnist(source) will read from, in words for the user."""
    source = source or os.environ.get("DIGITPAD_MNIST")
    return str(source) if source else "download via keras.datasets.mnist (needs internet)"


def _find_idx(folder, name):
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
            return candidate
    raise DataError(f"{folder}: missing {name}.gz (or {name})")


def _read_idx(path, expected_magic):
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as error:
        raise DataError(f"{path}: cannot read ({error})") from error
    if len(raw) < 8:
        raise DataError(f"{path}: too short to be an IDX file")
    magic = int.from_bytes(raw[:4], "big")
    if magic != expected_magic:
        raise DataError(f"{path}: wrong magic number {magic:#010x}, expected {expected_magic:#010x}")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        raise DataError(f"{path}: {len(raw)} bytes, expected {expected} for shape {shape} (truncated?)")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _read_npz(path):
    try:
        with np.load(path) as npz:
            return {key: npz[key] for key in IDX_FILES}
    except KeyError as error:
        raise DataError(f"{path}: not an MNIST .npz (missing {error})") from error
    except (OSError, ValueError) as error:
        raise DataError(f"{path}: not a readable .npz file ({error})") from error


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
