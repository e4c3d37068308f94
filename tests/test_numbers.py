"""Reading whole numbers: Recognizer.read on the pad's strokes and on pictures, and `digitpad read`."""
import functools
import json

import numpy as np
import pytest
from PIL import Image, ImageFilter

from digitpad.cli import main
from digitpad.recognition.numbers import best_path
from digitpad.recognition.pad_numbers import group_strokes
from digitpad.recognition.strokes import pixels_from_strokes
from tests.conftest import DRAWN_DIGITS, line_drawing

# Pad coordinates of a number on a pad wider than today's 280 px: a 4 in two strokes (an L,
# then the down stroke crossing it), a 7, then a 1 written right after the 7.
FOUR = [[(40, 40), (30, 150), (110, 150)], [(90, 60), (95, 240)]]
SEVEN = [[(150, 50), (250, 50), (190, 240)]]
ONE_AFTER_SEVEN = [[(300, 40), (300, 240)]]
FIVE = [[(440, 60), (420, 140), (470, 130), (500, 170), (490, 220), (440, 240), (415, 225)]]
FIVE_BAR = [[(445, 55), (505, 55)]]


drawn = functools.partial(line_drawing, size=(560, 280), pen=18)  # wide enough for a number


def test_strokes_are_grouped_into_digits_by_overlap_and_touch():
    groups = group_strokes(FOUR + SEVEN + ONE_AFTER_SEVEN)
    assert groups == [FOUR, SEVEN, ONE_AFTER_SEVEN]


def test_a_bar_drawn_last_joins_its_digit_even_after_other_digits():
    groups = group_strokes(FIVE + SEVEN + FIVE_BAR)
    assert groups == [SEVEN, FIVE + FIVE_BAR]


def test_47_with_the_4_in_two_strokes_reads_47(recognizer):
    reading = recognizer.read(FOUR + SEVEN)
    assert reading.number == "47"
    assert [len(d.probabilities) for d in reading.digits] == [10, 10]
    assert all(d.pixels.shape == (28, 28) for d in reading.digits)
    four_box, seven_box = (d.box for d in reading.digits)
    assert four_box[2] < seven_box[2] and four_box[0] < 40 < four_box[2]


def test_digits_beyond_todays_pad_read_as_lone_digits_do(recognizer):
    reading = recognizer.read(FOUR + SEVEN + ONE_AFTER_SEVEN)
    assert reading.number == "471"
    alone = recognizer.probabilities_of_pixels(pixels_from_strokes([[(140, 40), (140, 240)]])[None])[0]
    np.testing.assert_allclose(reading.digits[2].probabilities, alone, atol=1e-6)  # moved, not changed


@pytest.mark.parametrize("digit", sorted(DRAWN_DIGITS))
def test_a_lone_digit_reads_as_predict_answers(recognizer, digit):
    strokes = DRAWN_DIGITS[digit]
    from_pad = recognizer.read(strokes)
    expected = recognizer.probabilities_of_pixels(pixels_from_strokes(strokes)[None])[0]
    assert len(from_pad.digits) == 1
    np.testing.assert_array_equal(from_pad.digits[0].probabilities, expected)
    image = drawn(strokes, size=(280, 280), pen=24)
    from_picture = recognizer.read(image)
    assert from_picture.number == str(recognizer.predict(image)[0])
    np.testing.assert_allclose(from_picture.digits[0].probabilities, recognizer.probabilities(image), atol=1e-6)


def test_a_photo_with_a_detached_five_bar_reads_the_five(recognizer):
    photo = _photo(drawn(SEVEN + FIVE + FIVE_BAR, size=(560, 280)))
    reading = recognizer.read(photo)
    assert reading.number == "75"


def test_two_touching_digits_are_split(recognizer):
    # a 4 and a 7 whose ink meets: one connected part, cut in two (the convolutional network is
    # sure the pair is a 7: only its "not a digit" head tells the cut is better)
    image = drawn(FOUR + [[(100, 55), (200, 55), (150, 240)]], size=(300, 280), pen=20)
    import cv2

    assert cv2.connectedComponents((np.asarray(image) < 128).astype(np.uint8))[0] == 2  # they do touch: one part
    assert recognizer.read(image).number == "47"


def test_boxes_are_in_the_pictures_own_coordinates(recognizer):
    large = drawn(FOUR + SEVEN + ONE_AFTER_SEVEN, size=(1600, 700), pen=18, offset=(900, 300))
    large = large.resize((3200, 1400))  # larger than the 1024 px worked on
    reading = recognizer.read(large)
    assert reading.number == "471"
    one = reading.digits[2].box
    assert 2 * (900 + 300) - 40 < one[0] < one[2] < 2 * (900 + 300) + 40
    assert 2 * (300 + 40) - 40 < one[1] < one[3] < 2 * (300 + 240) + 40


def test_blank_pad_and_blank_picture_read_nothing_with_a_message(recognizer):
    for blank in ([], [[]], Image.new("L", (300, 200), 255)):
        reading = recognizer.read(blank)
        assert reading.number == "" and reading.digits == () and reading.min_confidence is None
        assert "no digit found" in reading.message


def test_best_path_takes_the_likeliest_grouping():
    scores = {(0, 1): -0.1, (1, 2): -0.1, (0, 2): -0.5, (2, 3): -3.0, (1, 3): -0.2}
    assert best_path(scores, 3) == [(0, 1), (1, 3)]
    assert best_path({(0, 1): -1.0, (1, 2): -1.0, (0, 2): -0.5}, 2) == [(0, 2)]


def _photo(image):
    """A pad-like drawing as a dim, unevenly lit, noisy, slightly blurred photo."""
    grey = np.asarray(image, dtype=np.float32) / 255
    light = np.linspace(0.6, 1.0, grey.shape[1])[None, :]
    rng = np.random.default_rng(0)
    pixels = (50 + 170 * grey) * light + rng.normal(0, 6, grey.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1))


def test_cli_read_prints_the_number_and_each_digits_confidence(tmp_path, capsys):
    number = tmp_path / "number.png"
    drawn(FOUR + SEVEN + ONE_AFTER_SEVEN).save(number)
    (tmp_path / "blank.png").write_bytes(b"")
    Image.new("L", (100, 100), 255).save(tmp_path / "white.png")
    code = main(["read", str(number), str(tmp_path / "white.png"), str(tmp_path / "blank.png")])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1  # one file could not be read
    assert lines[0].startswith(f"{number}: 471 (min confidence ")
    assert lines[0].count("%") == 4  # the least sure, then each digit's
    assert lines[1] == f"{tmp_path / 'white.png'}: no digit found: the image is blank"
    assert lines[2].startswith(f"{tmp_path / 'blank.png'}: error: ")


def test_cli_read_json(tmp_path, capsys):
    number = tmp_path / "number.png"
    drawn(FOUR + SEVEN).save(number)
    Image.new("L", (100, 100), 255).save(tmp_path / "white.png")
    main(["read", "--json", "--model", "cnn", str(number), str(tmp_path / "white.png"), str(tmp_path / "missing.png")])
    found, white, missing = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert found["number"] == "47" and found["file"] == str(number)
    assert [d["digit"] for d in found["digits"]] == [4, 7]
    assert all(0 < d["confidence"] <= 1 and len(d["box"]) == 4 for d in found["digits"])
    assert white["number"] == "" and white["digits"] == []
    assert missing["number"] is None and "does not exist" in missing["error"]


def test_strokes_that_are_not_points_are_a_clear_error_and_nan_points_no_ink(recognizer):
    with pytest.raises(ValueError, match="lists of \\(x, y\\) points"):
        recognizer.read([(1, 2), (3, 4)])
    with pytest.raises(ValueError, match="lists of \\(x, y\\) points"):
        recognizer.read([[None]])
    assert recognizer.read([[(float("nan"), 1.0), (float("inf"), 3.0)]]).number == ""


# -- pictures: touching digits

def _moved(strokes, dx):
    return [[(x + dx, y) for x, y in stroke] for stroke in strokes]


ZERO, ONE = DRAWN_DIGITS[0], DRAWN_DIGITS[1]
TWO_ZEROS = ZERO + _moved(ZERO, 148)  # the second 0's left side lies on the first's right side
FOUR_TOUCHING_ZERO = FOUR + _moved(ZERO, 40)  # the 4's bar runs into the 0


def _one_part(image):
    import cv2

    return cv2.connectedComponents((np.asarray(image) < 128).astype(np.uint8))[0] == 2


@pytest.mark.parametrize("strokes, number", [(TWO_ZEROS, "00"), (FOUR_TOUCHING_ZERO, "40")])
def test_touching_digits_are_cut_at_their_joint(recognizer, strokes, number):
    # where two loops meet the ink is thickest: no valley of the column counts is there, but the
    # outlines dip from above and rise from below, and a drop-fall path follows them in
    image = drawn(_moved(strokes, 40), size=(420, 280), pen=20)
    assert _one_part(image)
    assert recognizer.read(image).number == number


def test_a_cut_candidate_runs_through_the_joint_of_two_zeros():
    from digitpad.recognition.cuts import candidate_cuts

    mask = np.asarray(drawn(_moved(TWO_ZEROS, 40), size=(420, 280), pen=20)) < 128
    rows, columns = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    part = mask[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]
    joint = 40 + 215 - columns[0]  # the first 0's right side, in the part's columns
    middle = part.shape[0] // 2
    paths = candidate_cuts(part, part.shape[0])
    assert any(abs(path[middle] - joint) <= 10 and abs(path[5] - joint) <= 25 for path in paths)


def test_a_pair_narrower_than_a_wide_digit_is_cut_when_the_head_doubts_it():
    from digitpad.recognition.numbers import SPLIT_WIDTH
    from digitpad.recognition.recognizer import Recognizer

    recognizer = Recognizer.load(kind="cnn")  # (the two-layer network's head is not sure this pair is no digit)
    image = drawn(_moved(ONE + _moved(ZERO, 75), -40), size=(300, 280), pen=20)  # a 1 touching a 0
    assert _one_part(image)
    ys, xs = np.nonzero(np.asarray(image) < 128)
    assert np.ptp(xs) < SPLIT_WIDTH * np.ptp(ys)  # not wide enough to be cut for its width
    assert recognizer.read(image).number == "10"


def test_a_lone_one_with_a_long_flag_is_not_cut_into_two_ones(recognizer):
    image = drawn([[(60, 120), (150, 40), (150, 240)]], size=(280, 280), pen=20)
    assert recognizer.read(image).number == str(recognizer.predict(image)[0])
