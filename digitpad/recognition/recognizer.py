"""Recognising digits with saved weights, in numpy (no TensorFlow needed)."""
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from digitpad.paths import resolve_weights
from digitpad.recognition.network import CLASSES, dense_forward, fixed_features, forward, split_params
from digitpad.recognition.not_digit import NO_DIGIT, NOT_SURE, find_head
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

    @cached_property
    def not_digit_head(self):
        """The "not a digit" head that belongs to these weights (not_digit.py), or None: weights
        trained anew have none until one is fitted for them, nor has the tutorial's pipeline
        (the head learnt framed digits)."""
        return find_head(self.weights) if self.framed else None

    def judge(self, image):
        """A Prediction for one image: predict()'s digit, its ten probabilities and how likely
        the picture is no digit at all (raises ImageError, BlankImageError as predict does)."""
        probabilities, doubts = self.probabilities_and_doubts(self.pixels(image)[None])
        return Prediction(*top_answer(probabilities[0]), probabilities[0], None if doubts is None else float(doubts[0]))

    def probabilities_and_doubts(self, pixels):
        """(probabilities_of_pixels, the probability (n,) that each is not one digit, None without
        a head): the fixed layers run once per shift, and the head reads the unshifted ones."""
        answers, own_features = self._answers_and_features(pixels)
        head = self.not_digit_head
        return answers.mean(axis=0), None if head is None else head.probabilities(own_features)

    def pixels(self, image):
        """What the model sees: 28x28 floats in 0..1 (raises ImageError, BlankImageError)."""
        return mnist_pixels(image, framed=self.framed)

    def probabilities_of_pixels(self, pixels):
        """Probabilities (n, 10) for preprocessed images (n, 28, 28): the mean of answers_of_pixels."""
        return self.answers_of_pixels(pixels).mean(axis=0)

    def answers_of_pixels(self, pixels):
        """The network's answers (k, n, 10) that the probabilities average: one per SHIFTS in the
        app pipeline, the first being its own answer for the digit as framed; one in the tutorial's."""
        return self._answers_and_features(pixels)[0]

    def _answers_and_features(self, pixels):
        """(answers_of_pixels, fixed_features of the pixels as they are, for the head)."""
        kind = self.weights.kind
        fixed, dense = split_params(kind, self.weights.params)
        shifts = SHIFTS if self.framed else SHIFTS[:1]
        features = fixed_features(kind, fixed, pixels, shifts)  # every shift in one batch
        answers = dense_forward(dense, features).reshape(len(shifts), len(pixels), CLASSES)
        return answers, features[: len(pixels)]

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


@dataclass(frozen=True)
class Prediction:
    digit: int
    confidence: float
    probabilities: np.ndarray  # the ten probabilities
    not_digit: float | None  # probability that the picture is not one digit; None: these weights have no head

    @property
    def verdict(self):
        """IS_DIGIT; NOT_SURE_VERDICT when it is likelier not one digit; NO_DIGIT_VERDICT when 99 times likelier."""
        return verdict(self.not_digit)


# a prediction's verdict, the same words in every language (--json gives them to programs)
IS_DIGIT, NOT_SURE_VERDICT, NO_DIGIT_VERDICT = "digit", "not_sure", "no_digit"


def verdict(not_digit):
    """IS_DIGIT, NOT_SURE_VERDICT or NO_DIGIT_VERDICT for a not-a-digit probability (None: no head, IS_DIGIT)."""
    if not_digit is None or not_digit < NOT_SURE:
        return IS_DIGIT
    return NO_DIGIT_VERDICT if not_digit >= NO_DIGIT else NOT_SURE_VERDICT


def top_answer(probabilities):
    """(digit, confidence): the most probable digit and its probability."""
    digit = int(np.argmax(probabilities))
    return digit, float(probabilities[digit])
