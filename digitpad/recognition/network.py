"""The networks as data, and their forward pass in numpy.

The Keras models (model.py) have these layers, and the recognizer runs the same layers
in numpy, so recognising never imports TensorFlow. Two kinds:
- "mlp": the tutorial's Flatten -> Dense(128, relu) -> Dense(10, softmax), the default;
- "cnn": a small convolutional network, Conv(32) -> pool -> Conv(64) -> pool -> Dense(128) -> Dense(10).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from digitpad.i18n import _, padded

IMAGE_SIZE = 28
CLASSES = 10
HIDDEN_UNITS = 128
CONV_FILTERS = (32, 64)
KERNEL = 3
KINDS = ("mlp", "cnn")

# Where a Keras 3 .weights.h5 file stores each layer's (kernel, bias), by class and
# position whatever the layer's name, in forward order, with their shapes.
_CNN_FLAT = ((IMAGE_SIZE - 2) // 2 - 2) // 2  # 5: two valid 3x3 convolutions, two 2x2 poolings
LAYERS = {
    "mlp": {
        "layers/dense": ((IMAGE_SIZE * IMAGE_SIZE, HIDDEN_UNITS), (HIDDEN_UNITS,)),
        "layers/dense_1": ((HIDDEN_UNITS, CLASSES), (CLASSES,)),
    },
    "cnn": {
        "layers/conv2d": ((KERNEL, KERNEL, 1, CONV_FILTERS[0]), (CONV_FILTERS[0],)),
        "layers/conv2d_1": ((KERNEL, KERNEL, CONV_FILTERS[0], CONV_FILTERS[1]), (CONV_FILTERS[1],)),
        "layers/dense": ((_CNN_FLAT * _CNN_FLAT * CONV_FILTERS[1], HIDDEN_UNITS), (HIDDEN_UNITS,)),
        "layers/dense_1": ((HIDDEN_UNITS, CLASSES), (CLASSES,)),
    },
}


# How many of a network's first layers are fixed features; the dense layers after them learn.
FIXED_LAYERS = {"mlp": 0, "cnn": 2}


def kind_of(layer_paths):
    """Which network a weights file holds, from the layer paths it contains."""
    return "cnn" if "layers/conv2d" in layer_paths else "mlp"


def forward(kind, params, images):
    """Probabilities (n, 10) for images (n, 28, 28) in 0..1; params are (kernel, bias) pairs."""
    fixed, dense = split_params(kind, params)
    return dense_forward(dense, fixed_features(kind, fixed, images))


def split_params(kind, params):
    """(the fixed layers' params, the dense layers' params): adapting changes only the dense ones."""
    count = FIXED_LAYERS[kind]
    return list(params[:count]), list(params[count:])


def fixed_features(kind, fixed_params, images):
    """What the dense layers see (n, d) for images (n, 28, 28) in 0..1: the convolutional
    layers' output for "cnn", the pixels themselves for "mlp"."""
    x = np.asarray(images, dtype=np.float32)
    if kind == "cnn":
        x = x[..., None]
        for kernel, bias in fixed_params:
            x = _max_pool(np.maximum(_convolve(x, kernel) + bias, 0.0))
    return x.reshape(len(x), int(np.prod(x.shape[1:])))  # not -1: no images is a valid batch


def dense_forward(dense_params, features):
    """Probabilities (n, 10) from fixed_features through the dense layers."""
    *hidden, (out_kernel, out_bias) = dense_params
    x = features
    for kernel, bias in hidden:
        x = np.maximum(x @ kernel + bias, 0.0)
    return softmax(x @ out_kernel + out_bias)


def softmax(logits):
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def _convolve(x, kernel):
    """'valid' 2-D convolution (as Keras Conv2D computes it) of x (n, h, w, c) with kernel (kh, kw, c, f)."""
    windows = sliding_window_view(x, kernel.shape[:2], axis=(1, 2))  # (n, h', w', c, kh, kw)
    return np.tensordot(windows, kernel.transpose(2, 0, 1, 3), axes=([3, 4, 5], [0, 1, 2]))


def _max_pool(x):
    n, h, w, c = x.shape
    return x[:, : h // 2 * 2, : w // 2 * 2].reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def summary(kind, params):
    """The model's layers and parameter counts, as text (no TensorFlow needed)."""
    lines = [padded(_("layer"), 10, left=True) + padded(_("output"), 14) + padded(_("activation"), 12)
             + padded(_("parameters"), 12)]
    names = [path.split("/")[-1] for path in LAYERS[kind]]
    activations = ["relu"] * (len(params) - 1) + ["softmax"]
    for name, (kernel, bias), activation in zip(names, params, activations):
        lines.append(f"{name:<10}{kernel.shape[-1]:>14}{activation:>12}{kernel.size + bias.size:>12,}")
    lines.append(_("total parameters: {count}").format(count=f"{sum(k.size + b.size for k, b in params):,}"))
    return "\n".join(lines)
