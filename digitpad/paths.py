"""Where weights are found and written."""
import os
from importlib import resources
from pathlib import Path

import platformdirs

WEIGHTS_NAMES = {"mlp": "mnist.weights.h5", "cnn": "mnist-cnn.weights.h5"}


def shipped_weights(kind="mlp"):
    """The weights installed with the package (the top-level weights/ folder, as package data)."""
    return Path(str(resources.files("digitpad.shipped") / WEIGHTS_NAMES[kind]))


SHIPPED_WEIGHTS = shipped_weights("mlp")


def user_data_dir():
    """The per-user folder (DIGITPAD_HOME overrides it, e.g. for tests)."""
    override = os.environ.get("DIGITPAD_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir("digitpad"))


def user_weights(kind="mlp"):
    """Where training writes by default: never over the shipped file."""
    return user_data_dir() / WEIGHTS_NAMES[kind]


def resolve_weights(explicit=None, kind="mlp"):
    """--weights, else DIGITPAD_WEIGHTS (when it holds weights of that kind), else the user's
    trained weights of that kind, else the shipped ones."""
    if explicit:
        return Path(explicit).expanduser()
    from_environment = os.environ.get("DIGITPAD_WEIGHTS")
    if from_environment and _kind_of_file(Path(from_environment).expanduser()) in (kind, None):
        return Path(from_environment).expanduser()
    user = user_weights(kind)
    return user if user.is_file() else shipped_weights(kind)


def _kind_of_file(path):
    """The network kind a weights file holds, or None when it cannot be told (the reader then says why)."""
    from digitpad.recognition.weights import WeightsError, read_weights

    try:
        return read_weights(path).kind
    except WeightsError:
        return None
