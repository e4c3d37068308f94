import os
import subprocess
import sys

import h5py
import numpy as np
import pytest
from conftest import DRAWN_DIGITS, drawing, needs_tensorflow
from PIL import Image

from digitpad import BlankImageError, Recognizer, WeightsError
from digitpad.paths import SHIPPED_WEIGHTS, user_weights
from digitpad.recognition.network import shifted


def test_probabilities_sum_to_one(shipped_weights):
    probabilities = Recognizer.load(shipped_weights).probabilities(drawing(7))
    assert probabilities.shape == (10,)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert (probabilities >= 0).all()


@pytest.mark.parametrize("digit", sorted(DRAWN_DIGITS))
def test_recognises_simple_drawings(shipped_weights, digit):
    predicted, confidence = Recognizer.load(shipped_weights).predict(drawing(digit))
    assert predicted == digit
    assert confidence > 0.5


def test_batch_matches_single(shipped_weights):
    recognizer = Recognizer.load(shipped_weights)
    images = [drawing(d) for d in sorted(DRAWN_DIGITS)]
    batch = recognizer.probabilities_batch(images)
    np.testing.assert_allclose(batch, [recognizer.probabilities(image) for image in images], atol=1e-6)


def test_blank_drawing_is_not_a_digit(shipped_weights):
    with pytest.raises(BlankImageError):
        Recognizer.load(shipped_weights).predict(Image.new("L", (280, 280), 255))


@needs_tensorflow
def test_numpy_forward_agrees_with_keras(shipped_weights):
    from digitpad.training.models import build_model, load_weights_into

    rng = np.random.default_rng(0)
    images = rng.random((200, 28, 28)).astype(np.float32)
    model = build_model()
    load_weights_into(model, shipped_weights)
    expected = model.predict(images, verbose=0)
    got = Recognizer.load(shipped_weights).network_probabilities(images)
    np.testing.assert_allclose(got, expected, atol=1e-5)


@needs_tensorflow
def test_numpy_forward_agrees_with_keras_on_mnist(shipped_weights, shared_mnist):
    from digitpad.training.models import build_model, load_weights_into

    _, (x_test, _) = shared_mnist
    images = x_test[:2000] / 255.0
    model = build_model()
    load_weights_into(model, shipped_weights)
    np.testing.assert_allclose(
        Recognizer.load(shipped_weights).network_probabilities(images), model.predict(images, verbose=0), atol=1e-5
    )


def test_app_pipeline_averages_the_digit_and_its_four_one_pixel_moves(shipped_weights):
    recognizer = Recognizer.load(shipped_weights)
    images = np.zeros((20, 28, 28), np.float32)
    images[:, 4:24, 4:24] = np.random.default_rng(0).random((20, 20, 20))  # ink clear of the edges
    moves = [np.roll(images, shift, axis=(1, 2)) for shift in [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]]
    expected = np.mean([recognizer.network_probabilities(moved) for moved in moves], axis=0)
    np.testing.assert_allclose(recognizer.probabilities_of_pixels(images), expected, atol=1e-6)
    assert np.abs(expected - recognizer.network_probabilities(images)).max() > 0.01  # it changes answers
    answers = recognizer.answers_of_pixels(images)
    assert answers.shape == (5, 20, 10)
    # the network's own answer first (every shift runs in one batch: the same up to float32 rounding)
    np.testing.assert_allclose(answers[0], recognizer.network_probabilities(images), rtol=0, atol=1e-6)


def test_tutorial_pipeline_asks_the_network_once(shipped_weights):
    images = np.random.default_rng(0).random((20, 28, 28)).astype(np.float32)
    tutorial = Recognizer(Recognizer.load(shipped_weights).weights, framed=False)
    np.testing.assert_array_equal(tutorial.probabilities_of_pixels(images), tutorial.network_probabilities(images))
    assert tutorial.answers_of_pixels(images).shape == (1, 20, 10)


def test_shifting_never_wraps_ink_round():
    images = np.zeros((1, 28, 28), np.float32)
    images[0, :, 27] = 1.0  # ink on the right edge
    assert shifted(images, 0, 1).sum() == 0
    assert shifted(images, 0, -1)[0, :, 26].all() and shifted(images, 0, -1).sum() == 28
    assert shifted(images, 1, 0)[0, 0].sum() == 0 and shifted(images, 1, 0)[0, 1:, 27].all()


def test_shipped_weights_reach_target_on_mnist_test(shipped_weights, shared_mnist):
    _, (x_test, y_test) = shared_mnist
    predictions = Recognizer.load(shipped_weights).probabilities_of_pixels(x_test / 255.0).argmax(axis=1)
    assert np.mean(predictions == y_test) >= 0.978


def test_app_pipeline_keeps_mnist_recognisable(shipped_weights, shared_mnist):
    _, (x_test, y_test) = shared_mnist
    recognizer = Recognizer.load(shipped_weights)
    predictions = [recognizer.predict(Image.fromarray(image))[0] for image in x_test[:500]]
    assert np.mean(np.array(predictions) == y_test[:500]) >= 0.95


def test_loading_and_recognising_never_imports_tensorflow(shipped_weights):
    code = (
        "import sys, digitpad\n"
        "from digitpad.recognition.strokes import render_strokes\n"
        f"r = digitpad.Recognizer.load({str(shipped_weights)!r})\n"
        "r.predict(render_strokes([[(140, 40), (140, 240)]]))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_which_weights_are_used(monkeypatch, tmp_path, shipped_weights):
    assert Recognizer.load().weights.path == SHIPPED_WEIGHTS
    user = user_weights()
    user.parent.mkdir(parents=True)
    user.write_bytes(shipped_weights.read_bytes())
    assert Recognizer.load().weights.path == user
    chosen = tmp_path / "chosen.weights.h5"
    chosen.write_bytes(shipped_weights.read_bytes())
    monkeypatch.setenv("DIGITPAD_WEIGHTS", str(chosen))
    assert Recognizer.load().weights.path == chosen
    assert Recognizer.load(shipped_weights).weights.path == shipped_weights


def test_shipped_weights_record_their_accuracy(shipped_weights):
    assert Recognizer.load(shipped_weights).weights.test_accuracy >= 0.978 - 1e-6  # stored as float32


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: None, "does not exist"),
        (lambda p: p.write_bytes(b""), "not a readable weights file"),
        (lambda p: p.write_bytes(SHIPPED_WEIGHTS.read_bytes()[:5000]), "not a readable weights file"),
        (lambda p: p.mkdir(), "is a folder"),
    ],
    ids=["missing", "empty", "truncated", "folder"],
)
def test_unusable_weights_give_clear_errors(tmp_path, make, message):
    path = tmp_path / "bad.weights.h5"
    make(path)
    with pytest.raises(WeightsError, match=message):
        Recognizer.load(path)


def test_weights_of_another_model_are_refused(tmp_path):
    path = tmp_path / "other.weights.h5"
    with h5py.File(path, "w") as f:
        f["layers/dense/vars/0"] = np.zeros((784, 64), np.float32)
        f["layers/dense/vars/1"] = np.zeros(64, np.float32)
    with pytest.raises(WeightsError, match="another model"):
        Recognizer.load(path)


@needs_tensorflow
def test_convolutional_network_in_numpy_agrees_with_keras(tmp_path):
    from digitpad.training.models import build_model

    model = build_model("cnn")
    rng = np.random.default_rng(1)
    for variable in model.trainable_variables:  # random, not the initial zeros of the biases
        variable.assign(rng.normal(0, 0.1, variable.shape).astype(np.float32))
    path = tmp_path / "cnn.weights.h5"
    model.save_weights(path)
    recognizer = Recognizer.load(path)
    assert recognizer.weights.kind == "cnn"
    images = rng.random((50, 28, 28)).astype(np.float32)
    np.testing.assert_allclose(recognizer.network_probabilities(images), model.predict(images, verbose=0), atol=1e-5)


def test_model_kind_chooses_the_default_weights(isolated_home):
    assert Recognizer.load(kind="cnn").weights.kind == "cnn"
    assert Recognizer.load(kind="mlp").weights.kind == "mlp"


@pytest.mark.parametrize("digit", sorted(DRAWN_DIGITS))
def test_shipped_convolutional_network_recognises_drawings(digit):
    assert Recognizer.load(kind="cnn").predict(drawing(digit))[0] == digit


def test_shipped_convolutional_network_reaches_target_on_mnist_test(shared_mnist):
    _, (x_test, y_test) = shared_mnist
    recognizer = Recognizer.load(kind="cnn")
    assert np.mean(recognizer.probabilities_of_pixels(x_test / 255.0).argmax(axis=1) == y_test) >= 0.993


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_an_empty_batch_gives_empty_answers(kind):
    recognizer = Recognizer.load(kind=kind)
    probabilities, doubts = recognizer.probabilities_and_doubts(np.zeros((0, 28, 28), np.float32))
    assert probabilities.shape == (0, 10)
    assert doubts.shape == (0,)


@pytest.mark.parametrize("given, expected", [(None, "1"), ("2", "2")])
def test_recognition_uses_one_blas_thread_unless_told_otherwise(given, expected):
    env = {key: value for key, value in os.environ.items() if key != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    code = "import os, digitpad, numpy; print(os.environ['OPENBLAS_NUM_THREADS'])"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == expected
