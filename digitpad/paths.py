"""Where weights, the shipped MNIST subset and caches are found and written."""
import os
from importlib import resources
from pathlib import Path

import platformdirs

WEIGHTS_NAMES = {"mlp": "mnist.weights.h5", "cnn": "mnist-cnn.weights.h5"}
ADAPTED_NAMES = {"mlp": "mnist.adapted.weights.h5", "cnn": "mnist-cnn.adapted.weights.h5"}
MNIST_SUBSET_NAME = "mnist-subset.npz"


def shipped_weights(kind="mlp"):
    """The weights installed with the package (the top-level weights/ folder, as package data)."""
    return _shipped(WEIGHTS_NAMES[kind])


def shipped_mnist_subset():
    """The fixed MNIST subset adapting mixes in (weights/README.md: where it comes from)."""
    return _shipped(MNIST_SUBSET_NAME)


def _shipped(name):
    return Path(str(resources.files("digitpad.shipped") / name))


SHIPPED_WEIGHTS = shipped_weights("mlp")


def user_data_dir():
    """The per-user folder (DIGITPAD_HOME overrides it, e.g. for tests)."""
    override = os.environ.get("DIGITPAD_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir("digitpad"))


def user_cache_dir():
    """Files that can be made again (DIGITPAD_HOME overrides it, as for user_data_dir)."""
    override = os.environ.get("DIGITPAD_HOME")
    return Path(override) / "cache" if override else Path(platformdirs.user_cache_dir("digitpad"))


def features_cache_dir():
    """The shipped MNIST subset through each weights file's fixed layers (adapting.py)."""
    return user_cache_dir() / "features"


def user_weights(kind="mlp"):
    """Where training writes by default: never over the shipped file."""
    return user_data_dir() / WEIGHTS_NAMES[kind]


def adapted_weights(kind="mlp"):
    """Where adapting writes by default: a file of its own, so the weights it starts from stay."""
    return user_data_dir() / ADAPTED_NAMES[kind]


def resolve_weights(explicit=None, kind="mlp"):
    """--weights, else DIGITPAD_WEIGHTS (when it holds weights of that kind), else the adapted
    weights when they were made from the weights that would be used without them, else the
    user's trained weights of that kind, else the shipped ones."""
    if explicit:
        return Path(explicit).expanduser()
    from_environment = os.environ.get("DIGITPAD_WEIGHTS")
    if from_environment and _kind_of_file(Path(from_environment).expanduser()) in (kind, None):
        return Path(from_environment).expanduser()
    user = user_weights(kind)
    underlying = user if user.is_file() else shipped_weights(kind)
    adapted = adapted_weights(kind)
    if adapted.is_file():
        from digitpad.adapting import made_from

        if made_from(adapted, underlying):
            return adapted  # an adaptation of older weights is not used once the user trains anew
    return underlying


def _kind_of_file(path):
    """The network kind a weights file holds, or None when it cannot be told (the reader then says why)."""
    from digitpad.recognition.weights import WeightsError, read_weights

    try:
        return read_weights(path).kind
    except WeightsError:
        return None

