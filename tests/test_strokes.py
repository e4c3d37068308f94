import pytest
from conftest import DRAWN_DIGITS

from digitpad.recognition.pad_numbers import group_strokes, slant
from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.strokes import (
    FULL_SIZE,
    MIN_PEN,
    PEN_WIDTH,
    recognition_image,
    recognition_pen,
    render_strokes,
)


def scaled(strokes, scale, left=40, top=40):
    return [[(left + x * scale, top + y * scale) for x, y in stroke] for stroke in strokes]


def test_render_strokes_draws_round_capped_black_strokes_on_white():
    image = render_strokes([[(100, 140), (180, 140)]])
    assert image.mode == "L" and image.size == (280, 280)
    assert image.getpixel((140, 140)) == 0 and image.getpixel((140, 140 + PEN_WIDTH)) == 255
    assert image.getpixel((100 - PEN_WIDTH // 2 + 2, 140)) == 0  # the round cap reaches past the end
    assert render_strokes([[(50, 50)]]).getpixel((50, 50)) == 0  # a click leaves a dot


def test_recognition_pen_is_the_pads_on_a_full_size_digit_and_thinner_on_smaller_ones():
    one = DRAWN_DIGITS[1]  # 200 px tall
    assert recognition_pen(scaled(one, FULL_SIZE / 200)) == PEN_WIDTH
    assert recognition_pen(scaled(one, 1.2)) == PEN_WIDTH  # never thicker than what the user sees
    assert recognition_pen(scaled(one, FULL_SIZE / 400)) == PEN_WIDTH // 2
    assert recognition_pen(scaled(DRAWN_DIGITS[7], 0.5)) == round(PEN_WIDTH * 95 / FULL_SIZE)  # its longer side
    assert recognition_pen([[(60, 60)]]) == MIN_PEN
    assert recognition_pen([]) == PEN_WIDTH


def test_a_small_zero_keeps_its_hole_when_drawn_again_for_recognition():
    zero = scaled(DRAWN_DIGITS[0], 0.15)  # 22 x 30 px: the pad's pen fills it
    centre = (40 + 140 * 0.15, 40 + 140 * 0.15)
    assert render_strokes(zero).getpixel(centre) == 0
    assert recognition_image(zero).getpixel(centre) == 255
    assert recognition_image(DRAWN_DIGITS[0]).tobytes() == render_strokes(DRAWN_DIGITS[0]).tobytes()


# -- grouping the strokes of a number into digits (pad_numbers.group_strokes)

# A 4 leaning right, in two strokes: its downstroke reaches well past the end of its bar.
LEANING_FOUR = [[(100, 40), (50, 160), (168, 160)], [(220, 40), (130, 240)]]
LEANING_ONE = [[(60, 40), (10, 240)]]


def moved(strokes, dx):
    return [[(x + dx, y) for x, y in stroke] for stroke in strokes]


def test_slant_is_how_far_the_downstrokes_lean():
    upright = DRAWN_DIGITS[1] + [[(40, 100), (200, 104)]]  # a bar does not count
    assert slant(upright) == 0.0
    leaning = [[(x + 0.3 * (240 - y), y) for x, y in stroke] for stroke in upright]
    assert slant(leaning) == pytest.approx(-0.3)
    assert slant([[(5, 5)]]) == 0.0 and slant([]) == 0.0


def test_a_leaning_four_in_two_strokes_is_one_digit():
    assert group_strokes(LEANING_FOUR) == [LEANING_FOUR]


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_slanted_14_and_41_whose_digits_overlap_straight_up_and_down_read_right(kind):
    recognizer = Recognizer.load(kind=kind)
    assert recognizer.read(moved(LEANING_ONE, -40) + moved(LEANING_FOUR, 40)).number == "14"
    assert recognizer.read(LEANING_FOUR + moved(LEANING_ONE, 200)).number == "41"
    assert recognizer.read(LEANING_FOUR).number == "4"


def test_strokes_the_network_finds_as_likely_one_digit_as_two_are_two():
    """Most digits are one stroke: joining two that overlap in part needs the network to prefer
    it; a stroke well inside a digit joins it (a slashed zero)."""
    seven, zero = DRAWN_DIGITS[7], moved(DRAWN_DIGITS[0], 80)  # overlapping by half, crossing
    as_likely = lambda groups, height: [0.0] * len(groups)  # noqa: E731
    assert group_strokes(seven + zero, score=as_likely) == [seven, zero]
    assert group_strokes(seven + zero, score=lambda groups, height: [0.0 if len(g) > 1 else -5.0 for g in groups]) == [seven + zero]
    zero, slash = DRAWN_DIGITS[0], [[(150, 90), (130, 190)]]
    assert group_strokes(zero + slash, score=as_likely) == [zero + slash]
