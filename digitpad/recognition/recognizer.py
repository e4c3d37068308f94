"""Recognising digits with saved weights, in numpy (no TensorFlow needed)."""
from dataclasses import dataclass

import numpy as np

from digitpad.paths import resolve_weights
from digitpad.recognition.network import forward
from digitpad.recognition.preprocess import mnist_pixels
from digitpad.recognition.weights import read_weights

# The app pipeline averages the network's answers for the framed digit and for it moved one
# pixel up, down, left and right: an answer then hangs less on exactly where the framing put
# the ink (+0.2 to +0.6 points on pendigits, README).
SHIFTS = ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))  # (rows, columns)


@dataclass(frozen=True)
class Recognizer:
    weights: object  # digitpad.recognition.weights.Weights
    framed: bool = True  # MNIST-style framing; False gives the tutorial's pipeline alone

    @classmethod
    def load(cls, weights=None, framed=True, kind="mlp"):
        """Load weights (see paths.resolve_weights for which file); raises WeightsError."""
        return cls(read_weights(resolve_weights(weights, kind)), framed)

    def pixels(self, image):
        """What the model sees: 28x28 floats in 0..1 (raises ImageError, BlankImageError)."""
        return mnist_pixels(image, framed=self.framed)

    def probabilities_of_pixels(self, pixels):
        """Probabilities (n, 10) for preprocessed images (n, 28, 28): the mean of answers_of_pixels."""
        return self.answers_of_pixels(pixels).mean(axis=0)

    def answers_of_pixels(self, pixels):
        """The network's answers (k, n, 10) that the probabilities average: one per SHIFTS in the
        app pipeline, the first being its own answer for the digit as framed; one in the tutorial's."""
        shifts = SHIFTS if self.framed else SHIFTS[:1]
        return np.stack([self.network_probabilities(shifted(pixels, *shift)) for shift in shifts])

    def network_probabilities(self, pixels):
        """The network's own output (n, 10) for images (n, 28, 28), as Keras computes it."""
        return forward(self.weights.kind, self.weights.params, pixels)

    def probabilities(self, image):
        """Ten probabilities summing to 1 for one image (path or PIL image)."""
        return self.probabilities_of_pixels(self.pixels(image)[None])[0]

    def probabilities_batch(self, images):
        return self.probabilities_of_pixels(np.stack([self.pixels(image) for image in images]))

    def predict(self, image):
        """(digit, confidence) for one image."""
        return top_answer(self.probabilities(image))

    def read(self, image_or_strokes):
        """The number in a picture (path or PIL image) or in the pad's strokes (lists of (x, y)
        points, in the order drawn): a numbers.Reading, its digits left to right. A lone digit
        reads as predict() recognises it. Raises ImageError for a picture that cannot be read."""
        from digitpad.recognition.numbers import read

        return read(self, image_or_strokes)


def top_answer(probabilities):
    """(digit, confidence): the most probable digit and its probability."""
    digit = int(np.argmax(probabilities))
    return digit, float(probabilities[digit])


def shifted(images, rows, columns):
    """Images (n, h, w) moved down by `rows` and right by `columns` (at most 1), blank where they move in."""
    padded = np.pad(np.asarray(images, dtype=np.float32), ((0, 0), (1, 1), (1, 1)))
    height, width = padded.shape[1] - 2, padded.shape[2] - 2
    return padded[:, 1 - rows : 1 - rows + height, 1 - columns : 1 - columns + width]
