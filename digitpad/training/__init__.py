"""Training and MNIST data: the only part of digitpad that may import TensorFlow.

TensorFlow comes with the `train` extra; without it, training says in one line how to add it.
"""
import importlib.util

from digitpad.i18n import _

INSTALL_HINT = "pip install 'digitpad[train]'"


class TrainingUnavailable(Exception):
    """TensorFlow is not installed, so this cannot train."""


def require_tensorflow(what=None):
    """Raise TrainingUnavailable, with how to install TensorFlow, when it is missing;
    `what` (translated) needs it: training, by default."""
    if importlib.util.find_spec("tensorflow") is None:
        raise TrainingUnavailable(_("{what} needs TensorFlow, which is not installed: {command}").format(
            what=what or _("training"), command=INSTALL_HINT))
