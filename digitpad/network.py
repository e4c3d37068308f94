"""The tutorial's network as data, and its forward pass in numpy.

The Keras model (model.py) is built from these layer names and shapes, and the
recognizer runs the same layers in numpy, so recognising never imports TensorFlow.
"""
import numpy as np

IMAGE_SIZE = 28
CLASSES = 10
HIDDEN_UNITS = 128

# Dense layers in forward order: where a Keras 3 .weights.h5 file stores them (by
# class and position, whatever the layer's name) -> (kernel shape, bias shape).
DENSE_LAYERS = {
    "layers/dense": ((IMAGE_SIZE * IMAGE_SIZE, HIDDEN_UNITS), (HIDDEN_UNITS,)),
    "layers/dense_1": ((HIDDEN_UNITS, CLASSES), (CLASSES,)),
}


def forward(params, images):
    """Probabilities (n, 10) for images (n, 28, 28) in 0..1; params are (kernel, bias) pairs."""
    x = np.asarray(images, dtype=np.float32).reshape(len(images), -1)
    *hidden, (out_kernel, out_bias) = params
    for kernel, bias in hidden:
        x = np.maximum(x @ kernel + bias, 0.0)
    logits = x @ out_kernel + out_bias
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def summary(params):
    """The model's layers and parameter counts, as text (no TensorFlow needed)."""
    lines = [f"{'layer':<10}{'output':>8}{'activation':>12}{'parameters':>12}", f"{'flatten':<10}{IMAGE_SIZE * IMAGE_SIZE:>8}"]
    activations = ["relu"] * (len(params) - 1) + ["softmax"]
    for index, ((kernel, bias), activation) in enumerate(zip(params, activations)):
        lines.append(f"{'dense' + ('_' + str(index) if index else ''):<10}{kernel.shape[1]:>8}{activation:>12}"
                     f"{kernel.size + bias.size:>12,}")
    lines.append(f"total parameters: {sum(k.size + b.size for k, b in params):,}")
    return "\n".join(lines)
