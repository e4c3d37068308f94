"""Training and MNIST data: the only part of digitpad that may import TensorFlow.

TensorFlow comes with the `train` extra; without it, training says in one line how to add it.
"""
import importlib.util

INSTALL_HINT = "pip install 'digitpad[train]'"


class TrainingUnavailable(Exception):
    """TensorFlow is not installed, so this cannot train."""


def require_tensorflow(what="training"):
    """Raise TrainingUnavailable, with how to install TensorFlow, when it is missing."""
    if importlib.util.find_spec("tensorflow") is None:
        raise TrainingUnavailable(f"{what} needs TensorFlow, which is not installed: {INSTALL_HINT}")
