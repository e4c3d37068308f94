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
CHUNK = 16  # images the convolutional layers take at once: their windows stay in the cache

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


NO_SHIFT = ((0, 0),)


def forward(kind, params, images):
    """Probabilities (n, 10) for images (n, 28, 28) in 0..1; params are (kernel, bias) pairs."""
    fixed, dense = split_params(kind, params)
    return dense_forward(dense, fixed_features(kind, fixed, images))


def split_params(kind, params):
    """(the fixed layers' params, the dense layers' params): adapting changes only the dense ones."""
    count = FIXED_LAYERS[kind]
    return list(params[:count]), list(params[count:])


def fixed_features(kind, fixed_params, images, shifts=NO_SHIFT):
    """What the dense layers see (k * n, d) for images (n, 28, 28) in 0..1, each moved by each of
    the k shifts (rows down, columns right; see shifted), shift by shift: the convolutional
    layers' output for "cnn", the pixels themselves for "mlp"."""
    x = np.asarray(images, dtype=np.float32)
    if kind == "cnn":
        # in chunks: a large batch does not fill the memory
        chunks = [x[i : i + CHUNK] for i in range(0, len(x), CHUNK)] or [x]
        features = np.concatenate([_convolutional_features(fixed_params, chunk, shifts) for chunk in chunks], axis=1)
    else:
        features = np.stack([shifted(x, *shift) for shift in shifts])
    return features.reshape(len(shifts) * len(x), int(np.prod(features.shape[2:])))  # not -1: no images is a valid batch


def _convolutional_features(fixed_params, images, shifts):
    """The two convolutional layers' output (k, n, h, w, c) for each shift of the images.

    A convolution moves with its input, so the first layer runs once, on the images with a blank
    margin as wide as the largest shift, and each shift's output is a window of it. Pooling
    halves the positions: the shifts whose windows start on rows and columns of the same parity
    share one pooled grid, and the second layer's output on it."""
    (first_kernel, first_bias), (second_kernel, second_bias) = fixed_params
    margin = max(abs(step) for shift in shifts for step in shift)
    first = _convolve(np.pad(images, ((0, 0), (margin, margin), (margin, margin)))[..., None], first_kernel)
    size = (images.shape[1] - first_kernel.shape[0] + 1) // 2 - second_kernel.shape[0] + 1  # one shift's output: 11
    second = {}
    windows = []
    for rows, columns in shifts:
        top, left = margin - rows, margin - columns  # the shifted images' first output: first[:, top:, left:]
        parity = top % 2, left % 2
        if parity not in second:
            second[parity] = _convolve(_pool_relu(first[:, parity[0] :, parity[1] :], first_bias), second_kernel)
        windows.append(second[parity][:, top // 2 : top // 2 + size, left // 2 : left // 2 + size])
    return _pool_relu(np.stack(windows), second_bias)


def shifted(images, rows, columns):
    """Images (n, h, w) moved down by `rows` and right by `columns`, blank where they move in."""
    margin = max(abs(rows), abs(columns))
    padded = np.pad(np.asarray(images, dtype=np.float32), ((0, 0), (margin, margin), (margin, margin)))
    height, width = padded.shape[1] - 2 * margin, padded.shape[2] - 2 * margin
    return padded[:, margin - rows : margin - rows + height, margin - columns : margin - columns + width]


def dense_forward(dense_params, features):
    """Probabilities (n, 10) from fixed_features through the dense layers."""
    return softmax(dense_logits(dense_params, features))


def dense_logits(dense_params, features):
    """The last layer's input to its activation: dense layers with relu between them (the
    network's and the not-a-digit head's)."""
    *hidden, (out_kernel, out_bias) = dense_params
    x = np.asarray(features, dtype=np.float32)
    for kernel, bias in hidden:
        x = np.maximum(x @ kernel + bias, 0.0)
    return x @ out_kernel + out_bias


def softmax(logits):
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def _convolve(x, kernel):
    """'valid' 2-D convolution (as Keras Conv2D computes it) of x (n, h, w, c) with kernel (kh, kw, c, f):
    one matrix product of every window's pixels (kh, kw, c), the kernel's order, with the kernel."""
    height, width, channels, filters = kernel.shape
    windows = sliding_window_view(x, (height, width), axis=(1, 2))  # (n, h', w', c, kh, kw)
    rows = windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, height * width * channels)  # a copy, contiguous
    return (rows @ kernel.reshape(-1, filters)).reshape(*windows.shape[:3], filters)


def _pool_relu(x, bias):
    """relu(x + bias) max-pooled 2x2 over the rows and columns of x (..., h, w, c), computed as
    relu(pooled x + bias): the same numbers (the maximum commutes with adding a constant and
    with relu), with a quarter of the additions."""
    h, w = x.shape[-3:-1]
    x = x[..., : h // 2 * 2, : w // 2 * 2, :]
    rows = np.maximum(x[..., 0::2, :, :], x[..., 1::2, :, :])
    pooled = np.maximum(rows[..., 0::2, :], rows[..., 1::2, :])
    pooled += bias
    return np.maximum(pooled, 0.0, out=pooled)


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
