"""The "not a digit" heads: no confident digit for what is not one, and only with their own weights."""
import dataclasses

import numpy as np
import pytest
from PIL import Image

from digitpad.recognition.images import BlankImageError
from digitpad.recognition.network import split_params
from digitpad.recognition.not_digit import HeadError, find_head, head_arrays, head_path, read_head
from digitpad.recognition.recognizer import IS_DIGIT, NO_DIGIT_VERDICT, NOT_SURE_VERDICT, Recognizer
from tests.conftest import DRAWN_DIGITS, line_drawing

drawn = line_drawing


def checkerboard(period=35, side=280):
    ys, xs = np.mgrid[0:side, 0:side]
    return Image.fromarray(np.where((xs // period + ys // period) % 2 == 0, 20, 235).astype(np.uint8))


def noise(side=280, seed=0):
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (side, side), dtype=np.uint8))


def stripes(period=40, side=280):
    xs = np.arange(side)[None, :].repeat(side, axis=0)
    return Image.fromarray(np.where((xs // (period // 2)) % 2 == 0, 20, 235).astype(np.uint8))


def dash(side=400, thickness=12):
    picture = np.full((side, side), 240, np.uint8)
    picture[side // 2 : side // 2 + thickness, 6:-6] = 20
    return Image.fromarray(picture)


def stripes_across(period=44, side=400):
    return stripes(period, side).transpose(Image.Transpose.TRANSPOSE)


def dots(period=50, side=400, diameter=6):
    picture = np.full((side, side), 240, np.uint8)
    for y in range(period // 2, side, period):
        for x in range(period // 2, side, period):
            picture[y : y + diameter, x : x + diameter] = 20
    return Image.fromarray(picture)


def test_the_shipped_weights_have_their_heads(recognizer):
    assert recognizer.not_digit_head is not None
    assert recognizer.not_digit_head.kind == recognizer.weights.kind


@pytest.mark.parametrize("picture", [checkerboard, stripes, noise, dash, stripes_across, dots])
def test_patterns_and_noise_give_no_confident_digit(recognizer, picture):
    image = picture()
    try:
        judged = recognizer.judge(image)
    except BlankImageError:  # the preprocessing found no ink: no digit either
        judged = None
    assert judged is None or judged.verdict in (NOT_SURE_VERDICT, NO_DIGIT_VERDICT), judged
    reading = recognizer.read(image)
    assert reading.number == "" and "no digit found" in reading.message


def test_two_digits_side_by_side_given_as_one_are_not_sure(recognizer):
    four = [[(30, 50), (20, 160), (100, 160)], [(80, 60), (85, 250)]]
    seven = [[(150, 60), (250, 60), (190, 250)]]
    judged = recognizer.judge(drawn(four + seven))
    assert judged.verdict != "digit", judged


@pytest.mark.parametrize("digit", sorted(DRAWN_DIGITS))
def test_a_lone_digit_is_a_digit_and_reads_as_predict(recognizer, digit):
    image = drawn(DRAWN_DIGITS[digit], pen=24)
    judged = recognizer.judge(image)
    assert judged.verdict == IS_DIGIT and judged.not_digit < 0.5
    assert (judged.digit, judged.confidence) == recognizer.predict(image)
    reading = recognizer.read(image)
    assert reading.number == str(judged.digit)
    assert reading.digits[0].not_digit == pytest.approx(judged.not_digit, abs=1e-6)
    assert reading.digits[0].verdict == IS_DIGIT


def test_a_head_goes_only_with_the_fixed_layers_it_was_fitted_on(recognizer, tmp_path):
    weights = recognizer.weights
    fixed, dense = split_params(weights.kind, weights.params)
    retrained_dense = dataclasses.replace(weights, path=tmp_path / "mine.weights.h5",
                                          params=fixed + [(k * 1.01, b) for k, b in dense])
    # adapting changes the dense layers only: the head still reads the same features
    assert find_head(retrained_dense) is not None
    if fixed:
        retrained = dataclasses.replace(retrained_dense, params=[(k * 1.01, b) for k, b in fixed] + dense)
        assert find_head(retrained) is None  # a network trained anew: today's answers, not a wrong head
        assert Recognizer(retrained).probabilities_and_doubts(np.zeros((1, 28, 28)))[1] is None
        # even a head file beside the weights is refused when it was made for other features
        np.savez(head_path(retrained.path), **head_arrays(recognizer.not_digit_head))
        assert find_head(retrained) is None


def test_a_broken_head_file_is_left_out_with_a_clear_error(recognizer, tmp_path):
    broken = tmp_path / "mine.not-digit.npz"
    broken.write_bytes(b"not a zip")
    with pytest.raises(HeadError, match="not a not-a-digit head"):
        read_head(broken)
    weights = dataclasses.replace(recognizer.weights, path=tmp_path / "mine.weights.h5")
    found = find_head(weights)  # the shipped one, as the file beside it is broken
    assert found is not None and found.digest == recognizer.not_digit_head.digest


def test_the_tutorial_pipeline_has_no_head(recognizer):
    assert Recognizer(recognizer.weights, framed=False).probabilities_and_doubts(np.zeros((1, 28, 28)))[1] is None
