"""Reading pictures of numbers: the cost of reading them and where touching digits are cut."""
import functools
from dataclasses import replace

import numpy as np

from digitpad.recognition import preprocess
from tests.conftest import DRAWN_DIGITS, line_drawing

drawn = functools.partial(line_drawing, size=(900, 280), pen=18)


def _moved(strokes, dx):
    return [[(x + dx, y) for x, y in stroke] for stroke in strokes]


def _spy_on_one_digit_masks(monkeypatch):
    """A list that gets one entry each time a picture's ink is found as for one digit alone."""
    calls = []
    real = preprocess.ink_mask

    def ink_mask(grey, one_digit=True):
        if one_digit:
            calls.append(grey.size)
        return real(grey, one_digit)

    monkeypatch.setattr(preprocess, "ink_mask", ink_mask)
    return calls


def test_a_number_of_digits_apart_is_not_also_read_as_one_digit(recognizer, monkeypatch):
    # the whole picture read as a lone digit is (its own ink mask: a third of a photo's time) is
    # no answer when the digits are apart and each is read surely
    image = drawn(DRAWN_DIGITS[7] + _moved(DRAWN_DIGITS[1], 280) + _moved(DRAWN_DIGITS[0], 560))
    calls = _spy_on_one_digit_masks(monkeypatch)
    assert recognizer.read(image).number == "710"
    assert calls == []


def test_a_lone_digit_is_still_read_as_predict_reads_it(recognizer, monkeypatch):
    image = line_drawing(DRAWN_DIGITS[7], size=(280, 280), pen=20)
    calls = _spy_on_one_digit_masks(monkeypatch)
    reading = recognizer.read(image)
    assert calls  # the whole picture, as predict() reads it
    assert reading.number == str(recognizer.predict(image)[0])
    np.testing.assert_allclose(reading.digits[0].probabilities, recognizer.probabilities(image), atol=1e-6)


def test_a_wide_part_cut_only_into_ones_is_read_whole():
    # a 1 with a long second or flag, cut for its width, reads as two 1s wherever it is cut; two
    # 1s side by side do not touch, so it is one digit
    from digitpad.recognition.numbers import _choose, _Piece

    height = 100
    stem = _Piece(0, 0, np.ones((100, 40), dtype=bool))
    second = _Piece(0, 40, np.ones((100, 40), dtype=bool), crossings=1)
    pieces = [replace(stem, part=0), replace(second, part=0)]
    one = np.eye(10)[1]
    sure_one, likely_one = 0.98 * one + 0.002, 0.9 * one + 0.01 * (1 - one)
    rows = {(0, 1): (np.ones((28, 28)), sure_one, 0.0), (1, 2): (np.ones((28, 28)), sure_one, 0.0),
            (0, 2): (np.ones((28, 28)), likely_one, 0.3)}
    path, _total = _choose(rows, pieces, height, True, [0.0, 0.0])
    assert path == [(0, 2)]
