import numpy as np
from conftest import drawing

from digitpad.recognition.paper import reaching_edge
from digitpad.recognition.preprocess import mnist_pixels
from digitpad.recognition.strokes import render_strokes
from digitpad.training.styles import add_style, thick_pen, with_writing_styles

NINE = [[(190, 80), (140, 40), (90, 80), (140, 120), (190, 80), (190, 240)]]  # loop, straight stem


def centre_of_mass(digit):
    ys, xs = np.indices(digit.shape)
    return (xs * digit).sum() / digit.sum(), (ys * digit).sum() / digit.sum()


def test_a_one_gets_a_flag_down_to_the_left_of_its_top():
    flagged = add_style(mnist_pixels(drawing(1)), 1, np.random.default_rng(0))
    stem = (flagged > 0.5).sum(axis=0).argmax()  # the column the vertical stroke runs down
    ys, xs = np.nonzero(flagged > 0.5)
    upper = ys < (ys.min() + ys.max()) / 2  # a base may follow at the bottom
    flag = upper & (xs < stem - 1)
    assert flag.sum() >= 3
    assert ys[flag].max() < ys.min() + 8  # near the top
    assert (xs[upper] <= stem + 2).all()  # nothing to the right


def test_some_ones_also_stand_on_a_base():
    one = mnist_pixels(drawing(1))
    rng = np.random.default_rng(0)
    widest_bottom_rows = []
    for _ in range(40):
        styled = add_style(one, 1, rng)
        ys, _ = np.nonzero(styled > 0.5)
        widest_bottom_rows.append(max((styled[y] > 0.5).sum() for y in range(ys.max() - 2, ys.max() + 1)))
    based = np.array(widest_bottom_rows) >= 7  # a stem is 2-4 px wide; a base spans twice that
    assert 0.1 < based.mean() < 0.6


def test_a_seven_gets_a_bar_across_its_stem():
    seven = mnist_pixels(drawing(7))
    crossed = add_style(seven, 7, np.random.default_rng(0))
    bar_rows = [y for y in range(10, 22) if (crossed[y] > 0.5).sum() >= (seven[y] > 0.5).sum() + 4]
    assert bar_rows, "no row gained a bar"
    row = crossed[bar_rows[0]] > 0.5
    runs = np.flatnonzero(np.diff(row.astype(int)) != 0)
    assert len(runs) == 2 and runs[1] - runs[0] >= 6  # one run of ink, at least 6 px across


def test_a_nine_gets_a_tail_curling_left_at_the_bottom():
    curled = add_style(mnist_pixels(render_strokes(NINE)), 9, np.random.default_rng(0))
    stem = (curled > 0.5).sum(axis=0).argmax()  # the column the straight stem runs down
    ys, xs = np.nonzero(curled > 0.5)
    lowest_quarter = ys >= ys.max() - 5
    assert (xs[lowest_quarter] < stem - 3).any()  # below the loop, ink reaches left of the stem


def test_styled_digits_stay_framed_like_mnist():
    rng = np.random.default_rng(1)
    for label, image in ((1, drawing(1)), (7, drawing(7)), (9, render_strokes(NINE))):
        for _ in range(20):
            styled = add_style(mnist_pixels(image), label, rng)
            ys, xs = np.nonzero(styled > 0)
            assert ys.max() - ys.min() <= 23 and xs.max() - xs.min() <= 23  # the 20x20 box and its rim
            assert np.allclose(centre_of_mass(styled), 13.5, atol=1.0)


def test_only_ones_sevens_and_nines_are_restyled_and_the_input_is_kept():
    images = np.stack([mnist_pixels(drawing(digit)) for digit in (1, 0, 7)])
    original = images.copy()
    styled = with_writing_styles(images, np.array([1, 0, 7]), np.random.default_rng(0))
    assert np.array_equal(images, original)
    assert np.array_equal(styled[1], images[1])
    assert not np.array_equal(styled[0], images[0]) and not np.array_equal(styled[2], images[2])


def test_a_blank_or_near_blank_image_is_left_as_it_is():
    blank = np.zeros((28, 28), dtype=np.float32)
    blank[14, 14] = 1.0
    assert np.array_equal(add_style(blank, 1, np.random.default_rng(0)), blank)


def enclosed_background(digit):
    """How many pixels of background a digit's loops enclose."""
    ink = digit > 0.5
    return np.count_nonzero(~ink & ~reaching_edge(~ink))


def test_a_thick_pen_closes_the_loop_of_a_nine_and_keeps_it_framed():
    nine = mnist_pixels(render_strokes(NINE))
    assert enclosed_background(nine) > 5
    rng = np.random.default_rng(0)
    thick = [thick_pen(nine, rng) for _ in range(20)]
    assert sum(enclosed_background(digit) == 0 for digit in thick) >= 12  # as in a photo of a small 9 in marker
    for digit in thick:
        ys, xs = np.nonzero(digit > 0)
        assert ys.max() - ys.min() <= 21 and xs.max() - xs.min() <= 21
        assert np.allclose(centre_of_mass(digit), 13.5, atol=1.0)


def test_thick_pens_only_for_their_share_of_the_digits():
    images = np.repeat(mnist_pixels(drawing(0))[None], 200, axis=0)
    styled = with_writing_styles(images, np.zeros(200, dtype=int), np.random.default_rng(0), thick_pens=0.25)
    changed = np.array([not np.array_equal(s, i) for s, i in zip(styled, images)])
    assert 0.15 < changed.mean() < 0.35
    unchanged = with_writing_styles(images, np.zeros(200, dtype=int), np.random.default_rng(0))
    assert np.array_equal(unchanged, images)
