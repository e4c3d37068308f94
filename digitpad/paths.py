"""Where weights are found and written."""
import os
from pathlib import Path

import platformdirs

SHIPPED_FOLDER = Path(__file__).resolve().parent.parent / "weights"
WEIGHTS_NAMES = {"mlp": "mnist.weights.h5", "cnn": "mnist-cnn.weights.h5"}
SHIPPED_WEIGHTS = SHIPPED_FOLDER / WEIGHTS_NAMES["mlp"]


def shipped_weights(kind="mlp"):
    return SHIPPED_FOLDER / WEIGHTS_NAMES[kind]


def user_data_dir():
    """The per-user folder (DIGITPAD_HOME overrides it, e.g. for tests)."""
    override = os.environ.get("DIGITPAD_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir("digitpad"))


def user_weights(kind="mlp"):
    """Where training writes by default: never over the shipped file."""
    return user_data_dir() / WEIGHTS_NAMES[kind]


def resolve_weights(explicit=None, kind="mlp"):
    """--weights, else DIGITPAD_WEIGHTS, else the user's trained weights of that kind, else the shipped ones."""
    chosen = explicit or os.environ.get("DIGITPAD_WEIGHTS")
    if chosen:
        return Path(chosen).expanduser()
    user = user_weights(kind)
    return user if user.is_file() else shipped_weights(kind)
