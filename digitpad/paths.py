"""Where weights are found and written."""
import os
from pathlib import Path

import platformdirs

WEIGHTS_NAME = "mnist.weights.h5"
SHIPPED_WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / WEIGHTS_NAME


def user_data_dir():
    """The per-user folder (DIGITPAD_HOME overrides it, e.g. for tests)."""
    override = os.environ.get("DIGITPAD_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir("digitpad"))


def user_weights():
    """Where training writes by default: never over the shipped file."""
    return user_data_dir() / WEIGHTS_NAME


def resolve_weights(explicit=None):
    """--weights, else DIGITPAD_WEIGHTS, else the user's trained weights, else the shipped file."""
    chosen = explicit or os.environ.get("DIGITPAD_WEIGHTS")
    if chosen:
        return Path(chosen).expanduser()
    user = user_weights()
    return user if user.is_file() else SHIPPED_WEIGHTS
