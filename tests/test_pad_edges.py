"""A drawing is recognised from its strokes, whatever its size and wherever it is on the pad:
strokes that touch or leave the pad's edge are cut there, never taken for a desk."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest
import test_gui
from conftest import SHARED_DATA

from digitpad.paths import SHIPPED_WEIGHTS
from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.strokes import PAD_SIZE, clip_strokes, pixels_from_strokes, recognition_image

BREADTH = Path(__file__).resolve().parents[1] / "benchmarks" / "breadth.py"
PENDIGITS = SHARED_DATA / "pendigits" / "pendigits-orig.tra.gz"
RENDERER = SHARED_DATA.parent / "tools" / "render_pendigits.py"
# A 7 as tall as the pad, its bar along the top edge (the example).
TALL_SEVEN = [[(40, 3), (240, 3), (110, 277)]]


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer.load(SHIPPED_WEIGHTS)


def read(recognizer, strokes):
    return int(recognizer.probabilities_of_pixels(pixels_from_strokes(strokes)[None])[0].argmax())


def test_strokes_are_cut_where_they_leave_the_pad_and_go_on_where_they_come_back():
    stroke = [(-20, 100), (100, 100), (100, 300), (200, 300), (200, 100)]
    assert clip_strokes([stroke]) == [[(0.0, 100.0), (100.0, 100.0), (100.0, 280.0)], [(200.0, 280.0), (200.0, 100.0)]]
    assert clip_strokes([[(-5, -5), (-5, 300)]]) == []  # wholly outside
    assert clip_strokes([[(300, 10)], [(10, 10)]]) == [[(10.0, 10.0)]]  # a click outside leaves nothing
    inside = [[(10, 10), (50, 60), (270, 270)]]
    assert clip_strokes(inside) == [[(10.0, 10.0), (50.0, 60.0), (270.0, 270.0)]]


def test_a_seven_as_tall_as_the_pad_touching_its_top_edge_is_a_seven(recognizer):
    assert read(recognizer, TALL_SEVEN) == 7
    beyond = [[(40, -30), (240, -30), (110, 320)]]  # drawn past the top and the bottom
    assert (np.asarray(recognition_image(beyond))[0] < 128).any()  # its ink reaches the edge
    assert read(recognizer, [[(40, 4), (240, 4), (110, 277)]]) == 7


def test_no_photo_cleaning_runs_on_a_drawing():
    """The strokes along the pad's edge stay ink: the photo path would take them for a desk."""
    frame = [[(2, 2), (278, 2), (278, 278), (2, 278), (2, 2)], [(140, 60), (140, 220)]]
    pixels = pixels_from_strokes(frame)
    assert pixels[:, :6].sum() > 10 and pixels[:6].sum() > 10  # the frame's sides are in what the model sees


def test_a_large_seven_drawn_on_the_real_pad_past_its_top_edge_is_a_seven(root_app):
    app = root_app
    stroke = [(40, -15)] + [(x, 5) for x in range(40, 241, 8)] + [(240 - 13 * i, 5 + 27 * i) for i in range(1, 11)]
    stroke += [(100, 300)]  # the drag goes on below the pad
    pad = app.pad
    (x, y), *rest = stroke
    pad.event_generate("<ButtonPress-1>", x=x, y=y)
    for x, y in rest:
        pad.event_generate("<B1-Motion>", x=x, y=y)
    pad.event_generate("<ButtonRelease-1>", x=x, y=y)
    pad.update()
    assert app.answer.get() == "7"
    assert max(range(10), key=app.bars.values.__getitem__) == 7


root = test_gui.root  # the window's fixture: a Tk callback that raises fails the test


@pytest.fixture
def root_app(root):
    from digitpad.gui.app import App

    app = App(root, weights=SHIPPED_WEIGHTS)
    root.update()
    return app


@pytest.fixture(scope="module")
def pen_digits():
    if not (PENDIGITS.is_file() and RENDERER.is_file()):
        pytest.skip(f"needs {PENDIGITS} and {RENDERER}")
    renderer = load(RENDERER, "render_pendigits")
    return renderer.parse(str(PENDIGITS))[::25]  # 300 digits of the 30 writers


def test_real_pen_digits_of_any_size_touching_any_edge_read_as_well_as_centred_ones(recognizer, pen_digits):
    breadth = load(BREADTH, "breadth")

    def accuracy(size, anchors):
        strokes = [breadth.place_on_pad(d["strokes"], size, anchors[i % len(anchors)]) for i, d in enumerate(pen_digits)]
        pixels = np.stack([pixels_from_strokes(s) for s in strokes])
        labels = np.array([d["label"] for d in pen_digits])
        return np.mean(recognizer.probabilities_of_pixels(pixels).argmax(axis=1) == labels)

    centred = accuracy(0.7, [(0.5, 0.5)])
    assert centred > 0.9
    for size in (0.1, 0.2, 0.5, 0.9, 1.0):  # touching each edge and corner in turn
        assert accuracy(size, breadth.EDGE_ANCHORS) >= centred - 0.04, f"{size:.0%} of the pad"


def test_a_digit_taller_than_the_pad_is_cut_at_its_edge_and_still_framed(pen_digits):
    breadth = load(BREADTH, "breadth")
    strokes = breadth.place_on_pad(pen_digits[0]["strokes"], 1.2, (0.5, 0))
    assert min(y for s in strokes for _, y in s) < 0 or max(y for s in strokes for _, y in s) > PAD_SIZE
    pixels = pixels_from_strokes(strokes)
    rows = np.flatnonzero(pixels.max(axis=1) > 0.5)
    assert rows[-1] - rows[0] >= 12  # framed like any digit, the part off the pad left out


def test_a_digit_that_goes_on_past_the_pads_edge_is_framed_as_the_taller_digit_it_is(recognizer):
    """The part on the pad is not stretched to fill the frame: it keeps its place in the digit."""
    one = [[(140, 40), (140, 520)]]  # half of it below the pad
    rows = np.flatnonzero(pixels_from_strokes(one).max(axis=1) > 0.5)
    assert rows[0] in (4, 5) and 10 <= rows[-1] - rows[0] <= 12  # the top half of MNIST's 20 px box
    seven = [[(40, -60), (240, -60), (240, 20), (110, 277)], [(60, 30), (200, 30)]]  # its top off the pad
    assert read(recognizer, seven) == 7


@pytest.mark.parametrize("edge", ["top", "left", "bottom", "right"])
def test_a_digit_along_the_pads_edge_is_framed_as_the_same_digit_inside_the_pad(edge):
    """The pen's round ink around a point on the edge is kept, not cut flat by the pad's side."""
    seven = [[(40, 20), (240, 20), (110, 250)]]
    dx, dy = {"top": (0, -20), "left": (-40, 0), "bottom": (0, 30), "right": (40, 0)}[edge]
    at_edge = [[(x + dx, y + dy) for x, y in stroke] for stroke in seven]
    assert np.array_equal(pixels_from_strokes(at_edge), pixels_from_strokes(seven))
