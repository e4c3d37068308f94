"""Reading and atomically writing Keras 3 ``.weights.h5`` files, without TensorFlow."""
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from digitpad.recognition.network import LAYERS, kind_of


class WeightsError(Exception):
    """Weights that cannot be used, with a message fit for the user."""


@dataclass(frozen=True)
class Weights:
    path: Path
    kind: str  # "mlp" or "cnn": see network.py
    params: list  # (kernel, bias) pairs in forward order
    test_accuracy: float | None  # recorded by `digitpad train`, when known
    adapted_from: Path | None = None  # recorded by adapt(): the weights these were adapted from


def read_weights(path):
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a weights file" if path.is_dir() else "does not exist"
        raise WeightsError(f"{path} {what}")
    try:
        with h5py.File(path, "r") as f:
            kind = kind_of({f"layers/{name}" for name in f.get("layers", {})})
            params = [_read_layer(f, path, name, shapes) for name, shapes in LAYERS[kind].items()]
            accuracy = f.attrs.get("test_accuracy")
            origin = f.attrs.get("adapted_from")
    except (OSError, KeyError, ValueError) as error:
        raise WeightsError(f"{path} is not a readable weights file ({error})") from error
    return Weights(path, kind, params, None if accuracy is None else float(accuracy),
                   None if origin is None else Path(str(origin)))


def _read_layer(f, path, name, shapes):
    group = f.get(f"{name}/vars")
    if group is None:
        raise WeightsError(f"{path} holds no layer '{name}': not weights of digitpad's model")
    arrays = [np.asarray(group[str(i)], dtype=np.float32) for i in range(2)]
    for array, expected in zip(arrays, shapes):
        if array.shape != expected:
            raise WeightsError(
                f"{path}: layer '{name}' has shape {array.shape}, expected {expected}: "
                "weights of another model"
            )
    return tuple(arrays)


def write_attributes(path, **attributes):
    with h5py.File(path, "a") as f:
        f.attrs.update(attributes)


@contextmanager
def partial_path(dest):
    """Yield the path of a temporary ``.weights.h5`` file beside dest, removed at the end.

    Write there, then replace_atomically() into dest: dest is never half-written.
    The name is fixed, so a file left by a killed process is reused, not piled up.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name.removesuffix('.weights.h5')}.partial.weights.h5")
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


def replace_atomically(partial, dest):
    """Put a completely written file in place of dest in one rename."""
    _fsync(partial)
    os.replace(partial, dest)


def _fsync(path):
    with open(path, "rb") as f:
        os.fsync(f.fileno())
