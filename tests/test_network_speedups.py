"""The fast forward pass (network.py) gives the numbers of a plain one, written here as the
layers are defined: each image moved on its own, a convolution summed window by window, bias,
relu, then pooling."""
import numpy as np
import pytest
from conftest import DRAWN_DIGITS, drawing

from digitpad import Recognizer
from digitpad.paths import shipped_weights
from digitpad.recognition import network
from digitpad.recognition.network import NO_SHIFT, dense_forward, fixed_features, shifted, split_params
from digitpad.recognition.recognizer import SHIFTS


def plain_convolution(x, kernel):
    height, width = kernel.shape[:2]
    rows, columns = x.shape[1] - height + 1, x.shape[2] - width + 1
    return sum(np.einsum("nhwc,cf->nhwf", x[:, i : i + rows, j : j + columns], kernel[i, j].astype(np.float64))
               for i in range(height) for j in range(width))


def plain_features(kind, fixed, images):
    x = np.asarray(images, dtype=np.float64)
    if kind == "cnn":
        x = x[..., None]
        for kernel, bias in fixed:
            x = np.maximum(plain_convolution(x, kernel) + bias, 0.0)
            n, h, w, c = x.shape
            x = x[:, : h // 2 * 2, : w // 2 * 2].reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))
    return x.reshape(len(x), -1)


def plain_probabilities(kind, params, images):
    fixed, (*hidden, (out_kernel, out_bias)) = split_params(kind, params)
    x = plain_features(kind, fixed, images)
    for kernel, bias in hidden:
        x = np.maximum(x @ kernel.astype(np.float64) + bias, 0.0)
    logits = x @ out_kernel.astype(np.float64) + out_bias
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def some_images():
    """Drawings framed as the app frames them, ink at the edges, noise, and one blank image."""
    recognizer = Recognizer.load()
    images = [recognizer.pixels(drawing(digit)) for digit in DRAWN_DIGITS]
    rng = np.random.default_rng(0)
    images += list(rng.random((12, 28, 28)).astype(np.float32))
    edges = np.zeros((3, 28, 28), np.float32)
    edges[0, :, 0] = edges[1, 27] = edges[2, :, 26:] = 1.0
    return np.concatenate([np.stack(images), edges, np.zeros((1, 28, 28), np.float32)])


@pytest.fixture(scope="module")
def images():
    return some_images()


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_features_of_every_shift_are_those_of_the_shifted_images(kind, images):
    fixed = split_params(kind, Recognizer.load(shipped_weights(kind)).weights.params)[0]
    shifts = SHIFTS + ((1, 1), (-1, 1), (2, -1))  # the app's, and others: corners and a two-pixel move
    features = fixed_features(kind, fixed, images, shifts).reshape(len(shifts), len(images), -1)
    for shift, got in zip(shifts, features):
        np.testing.assert_allclose(got, plain_features(kind, fixed, shifted(images, *shift)), rtol=1e-5, atol=1e-5)
    assert np.abs(features[1] - features[0]).max() > 0.1  # the shifts differ


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_answers_are_those_of_the_plain_network(kind, images):
    recognizer = Recognizer.load(shipped_weights(kind))
    params = recognizer.weights.params
    np.testing.assert_allclose(recognizer.network_probabilities(images), plain_probabilities(kind, params, images),
                               rtol=0, atol=1e-5)
    expected = np.stack([plain_probabilities(kind, params, shifted(images, *shift)) for shift in SHIFTS])
    np.testing.assert_allclose(recognizer.answers_of_pixels(images), expected, rtol=0, atol=1e-5)
    probabilities, doubts = recognizer.probabilities_and_doubts(images)
    np.testing.assert_allclose(probabilities, expected.mean(axis=0), rtol=0, atol=1e-5)
    head = recognizer.not_digit_head
    np.testing.assert_allclose(doubts, head.probabilities(plain_features(kind, split_params(kind, params)[0], images)),
                               rtol=0, atol=1e-5)


def test_chunks_of_a_large_batch_give_the_same_features(monkeypatch, images):
    fixed = split_params("cnn", Recognizer.load(shipped_weights("cnn")).weights.params)[0]
    whole = fixed_features("cnn", fixed, images, SHIFTS)
    monkeypatch.setattr(network, "CHUNK", 4)  # the images in uneven chunks
    np.testing.assert_allclose(fixed_features("cnn", fixed, images, SHIFTS), whole, rtol=0, atol=1e-6)


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_no_images_is_a_batch(kind):
    params = Recognizer.load(shipped_weights(kind)).weights.params
    fixed, dense = split_params(kind, params)
    features = fixed_features(kind, fixed, np.zeros((0, 28, 28), np.float32), SHIFTS)
    assert features.shape == (0, dense[0][0].shape[0])
    assert dense_forward(dense, features).shape == (0, 10)
    assert fixed_features(kind, fixed, np.zeros((0, 28, 28)), NO_SHIFT).shape == (0, dense[0][0].shape[0])


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_answers_on_mnist_are_those_of_the_plain_network(kind, shared_mnist):
    _, (x_test, _labels) = shared_mnist
    images = x_test[::40] / 255.0  # 250 digits
    recognizer = Recognizer.load(shipped_weights(kind))
    expected = np.stack([plain_probabilities(kind, recognizer.weights.params, shifted(images, *shift)) for shift in SHIFTS])
    np.testing.assert_allclose(recognizer.probabilities_of_pixels(images), expected.mean(axis=0), rtol=0, atol=1e-5)
