"""Numbers written on the pad: how the strokes are grouped into digits (pad_numbers.group_strokes)
and what a pad that holds no digit reads as."""
from conftest import DRAWN_DIGITS

from digitpad.recognition.numbers import NOT_A_DIGIT
from digitpad.recognition.pad_numbers import group_strokes
from digitpad.recognition.recognizer import IS_DIGIT


def moved(strokes, dx, dy=0):
    return [[(x + dx, y + dy) for x, y in stroke] for stroke in strokes]


def scorer(table, order):
    """A stand-in for the network: the score of each group by the places of its strokes in `order`."""
    def score(groups, height):
        return [table.get(tuple(sorted(order.index(stroke) for stroke in group)), -30.0) for group in groups]
    return score


# A 7 whose bar reaches the first stroke of the 4 after it (an L), then the 4's downstroke.
SEVEN = [[(20, 40), (150, 40), (60, 240)]]
FOUR_L = [[(130, 40), (110, 160), (200, 160)]]
FOUR_DOWN = [[(180, 60), (185, 240)]]
ORDER = SEVEN + FOUR_L + FOUR_DOWN


def test_a_stroke_is_judged_with_the_strokes_drawn_after_it_too():
    """The L of a 4 alone is no digit, and the 7 with it is a poor one: joining it to the 7
    looked better than leaving it alone, but the 4's downstroke makes it a good 4."""
    table = {(0,): 0.0, (1,): -10.0, (2,): -10.0, (0, 1): -2.0, (1, 2): -0.5, (0, 1, 2): -20.0}
    assert group_strokes(ORDER, score=scorer(table, ORDER)) == [SEVEN, FOUR_L + FOUR_DOWN]


def test_a_one_at_the_edge_of_a_zero_is_a_digit_of_its_own(recognizer):
    """A 1 that overlaps the side of the 0 after it lies inside the 0's extent, but at its
    edge: it is a digit of its own (a stroke in the middle of a digit, a slash, is not)."""
    one, zero = [[(95, 40), (95, 240)]], moved(DRAWN_DIGITS[0], 30)  # the 0 spans 95..245: they touch
    assert recognizer.read(one + zero).number == "10"
    slash = [[(190, 70), (150, 210)]]
    assert len(group_strokes(zero + slash, score=lambda groups, height: [0.0] * len(groups))) == 1


def test_a_blacked_out_block_is_one_thing_and_no_digit(recognizer):
    """Strokes drawn over the one before (blacking out) belong to it: not a row of 1s."""
    for spacing in (8, 16):
        block = [[(x, 60), (x, 240)] for x in range(40, 400, spacing)]
        reading = recognizer.read(block)
        assert len(reading.digits) <= 1
        assert all(digit.verdict != IS_DIGIT for digit in reading.digits)


def test_a_grid_of_taps_holds_no_digit(recognizer):
    for step in (20, 40):
        taps = [[(x, y)] for x in range(40, 400, step) for y in range(60, 240, step)]
        reading = recognizer.read(taps)
        assert reading.number == "" and reading.reason == NOT_A_DIGIT
        assert "nothing on the pad" in reading.message


def test_a_tap_beside_a_digit_is_left_out(recognizer):
    reading = recognizer.read(DRAWN_DIGITS[7] + [[(260, 235)]])
    assert reading.number == "7"


def test_a_stroke_within_a_digit_at_its_edge_joins_when_the_network_finds_it_as_likely():
    """A 4 whose downstroke lies at the right end of its bar: each alone reads well (a 1, a
    4 without its stem), so joining must not pay the odds against a second stroke."""
    bar, stem = [[(60, 40), (20, 160), (130, 160)]], [[(112, 110), (118, 240)]]
    table = {(0,): -0.6, (1,): 0.0, (0, 1): -0.5}
    assert group_strokes(bar + stem, score=scorer(table, bar + stem)) == [bar + stem]
    table[(0, 1)] = -0.7  # likelier two digits
    assert group_strokes(bar + stem, score=scorer(table, bar + stem)) == [bar, stem]


def test_a_stroke_touching_the_one_before_may_join_it_however_little_they_overlap():
    """A 4's stem drawn beside its L, touching it: alone the L is no digit, together they are a 4."""
    ell, stem = [[(40, 40), (20, 150), (90, 150)]], [[(100, 60), (104, 240)]]  # overlap: none, but they touch
    table = {(0,): -9.0, (1,): -0.05, (0, 1): -0.1}
    assert group_strokes(ell + stem, score=scorer(table, ell + stem)) == [ell + stem]


def test_strokes_one_above_the_other_join_at_even_odds():
    """The two loops of an 8 drawn one after the other: each alone a fair 0, together an 8;
    digits side by side are not stacked, so joining them does not pay the odds against a
    second stroke (strokes that only touch side by side do)."""
    top = [[(110, 40), (170, 40), (170, 130), (110, 130), (110, 40)]]
    bottom = [[(130, 130), (210, 130), (210, 240), (130, 240), (130, 130)]]  # overlapping by 3/4 of the narrower
    table = {(0,): -0.3, (1,): -0.3, (0, 1): -0.5}
    assert group_strokes(top + bottom, score=scorer(table, top + bottom)) == [top + bottom]
    seven, zero = [[(0, 40), (60, 40), (30, 240)]], [[(135, 40), (215, 140), (135, 240), (55, 140), (135, 40)]]  # side by side, touching
    assert group_strokes(seven + zero, score=scorer(table, seven + zero)) == [seven, zero]


def test_a_minus_or_a_dash_beside_digits_on_the_pad_is_no_digit(recognizer):
    """A flat stroke far lower than the writing, standing alone beside digits, is a minus sign or a
    dash (pictures leave them out too); alone on the pad it is still read (the network may doubt it)."""
    minus = [[(10, 140), (80, 142)]]
    number = moved(DRAWN_DIGITS[1], -20) + moved(DRAWN_DIGITS[7], 150)
    assert recognizer.read(minus + number).number == recognizer.read(number).number == "17"
    seven = [[(20, 40), (150, 40)], [(150, 40), (60, 240)]]  # a 7's bar drawn alone first is still its 7's
    assert recognizer.read(seven).number == "7"
