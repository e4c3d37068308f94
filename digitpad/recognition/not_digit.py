"""Whether a 28x28 input is one digit at all: a small head on a network's fixed features.

The ten-way networks must answer a digit for anything; the head gives the probability that
the input is not one digit (a fragment of one, two touching digits, noise, a pattern, a
blank sheet). It reads what network.fixed_features gives: the convolutional layers' output
for "cnn" (so it still belongs to the network after adapting, which leaves those layers as
they are), the pixels for "mlp". A head records a digest of the fixed layers it was fitted
on and is used only with those: weights trained anew get no head (and the answers of today),
never a head made for other features. Fitted by digitpad/training/not_digit.py.

Pure numpy (recognising must not import TensorFlow).
"""
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from digitpad.i18n import _
from digitpad.recognition.network import dense_logits, split_params
from digitpad.recognition.weights import open_regular_file

SUFFIX = ".not-digit.npz"  # beside mnist.weights.h5: mnist.not-digit.npz
WEIGHTS_SUFFIX = ".weights.h5"
# Nine to one that it is not a digit: "not sure"; ninety-nine to one: "no digit found" (and
# such ink is left out of a number). At even odds the heads doubted 7-11 % of the digits of
# people they never saw (pendigits), at nine to one 1-3 % (benchmarks/not_digit.py).
NOT_SURE = 0.9
NO_DIGIT = 0.99
MAX_LAYERS = 4


class HeadError(Exception):
    """A head file that cannot be used, with a message fit for the user."""


@dataclass(frozen=True)
class NotDigitHead:
    kind: str  # the network kind whose fixed features it reads
    digest: str  # fixed_digest of the fixed layers it was fitted on
    params: list = field(repr=False)  # (kernel, bias) of its dense layers: relu, then one sigmoid output

    def probabilities(self, features):
        """Probability (n,) that each input is not one digit, from its fixed features (n, d)."""
        logits = dense_logits(self.params, features)[:, 0]
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -60, 60)))


def fixed_digest(kind, params):
    """A fingerprint of the fixed layers of a network of this kind (the kind alone for "mlp")."""
    fixed = split_params(kind, params)[0]
    digest = hashlib.sha256(kind.encode())
    for layer in fixed:
        for array in layer:
            digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
    return digest.hexdigest()


def head_path(weights_path):
    """Where the head of a weights file is kept: beside it, mnist.weights.h5 -> mnist.not-digit.npz."""
    path = Path(weights_path)
    stem = path.name[: -len(WEIGHTS_SUFFIX)] if path.name.endswith(WEIGHTS_SUFFIX) else path.stem
    return path.with_name(stem + SUFFIX)


def read_head(path):
    """A head from its file (raises HeadError for a file that is not one)."""
    try:
        with open_regular_file(path, _("a head file")) as f, np.load(f, allow_pickle=False) as data:
            kind, digest, count = str(data["kind"]), str(data["digest"]), int(data["layers"])
            if not 1 <= count <= MAX_LAYERS:
                raise ValueError(f"{count} layers")
            params = [(np.asarray(data[f"kernel_{i}"], dtype=np.float32), np.asarray(data[f"bias_{i}"], dtype=np.float32))
                      for i in range(count)]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise HeadError(_("{path}: not a not-a-digit head ({error})").format(path=path, error=error)) from None
    shapes = [(kernel.shape, bias.shape) for kernel, bias in params]
    widths = [params[0][0].shape[0] if params[0][0].ndim == 2 else -1] + [bias.shape[0] if bias.ndim == 1 else -1
                                                                          for _kernel, bias in params]
    if widths[-1] != 1 or any(shape != ((width, out), (out,)) for shape, width, out in zip(shapes, widths, widths[1:])):
        raise HeadError(_("{path}: not a not-a-digit head (layers of shapes {shapes})").format(path=path, shapes=shapes))
    return NotDigitHead(kind, digest, params)


def head_arrays(head):
    """The head as the arrays its file holds (np.savez)."""
    arrays = {"kind": np.array(head.kind), "digest": np.array(head.digest), "layers": np.array(len(head.params))}
    for i, (kernel, bias) in enumerate(head.params):
        arrays |= {f"kernel_{i}": kernel, f"bias_{i}": bias}
    return arrays


def find_head(weights):
    """The head that belongs to weights (digitpad.recognition.weights.Weights): the one beside
    its file, else a shipped one fitted on the same fixed layers; None when there is none."""
    from digitpad.paths import WEIGHTS_NAMES, shipped_weights

    digest = fixed_digest(weights.kind, weights.params)
    candidates = [head_path(weights.path)] if str(weights.path) not in ("", ".") else []
    candidates += [head_path(shipped_weights(kind)) for kind in WEIGHTS_NAMES]
    for path in candidates:
        try:
            head = read_head(path)
        except HeadError:
            continue  # missing or broken: the answers of today
        if head.kind == weights.kind and head.digest == digest and head.params[0][0].shape[0] == _feature_size(weights):
            return head
    return None


def _feature_size(weights):
    fixed, dense = split_params(weights.kind, weights.params)
    return dense[0][0].shape[0]
