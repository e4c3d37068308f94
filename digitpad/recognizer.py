"""Recognising digits with saved weights, in numpy (no TensorFlow needed)."""
from dataclasses import dataclass

import numpy as np

from digitpad.network import forward
from digitpad.paths import resolve_weights
from digitpad.preprocess import mnist_pixels
from digitpad.weights import read_weights


@dataclass(frozen=True)
class Recognizer:
    weights: object  # digitpad.weights.Weights
    framed: bool = True  # MNIST-style framing; False gives the tutorial's pipeline alone

    @classmethod
    def load(cls, weights=None, framed=True, kind="mlp"):
        """Load weights (see paths.resolve_weights for which file); raises WeightsError."""
        return cls(read_weights(resolve_weights(weights, kind)), framed)

    def pixels(self, image):
        """What the model sees: 28x28 floats in 0..1 (raises ImageError, BlankImageError)."""
        return mnist_pixels(image, framed=self.framed)

    def probabilities_of_pixels(self, pixels):
        """Probabilities (n, 10) for preprocessed images (n, 28, 28)."""
        return forward(self.weights.kind, self.weights.params, pixels)

    def probabilities(self, image):
        """Ten probabilities summing to 1 for one image (path or PIL image)."""
        return self.probabilities_of_pixels(self.pixels(image)[None])[0]

    def probabilities_batch(self, images):
        return self.probabilities_of_pixels(np.stack([self.pixels(image) for image in images]))

    def predict(self, image):
        """(digit, confidence) for one image."""
        probabilities = self.probabilities(image)
        digit = int(probabilities.argmax())
        return digit, float(probabilities[digit])
