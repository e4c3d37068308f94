"""An opened photo: a rectangle dragged around a digit chooses what is read, and the ink found is
shown outlined. The real window under a (virtual) display, with events generated on its widgets."""
import numpy as np
import pytest
import test_gui
from conftest import DRAWN_DIGITS
from PIL import Image
from test_gui import dense, draw, pump

from digitpad.gui.ink_outline import OUTLINE_RGB, outlined
from digitpad.gui.region import CHOSEN, CLICK, MIN_SIDE, OUTSIDE, TOO_SMALL, Region, in_photo, on_canvas, region_of_drag
from digitpad.recognition.numbers import picture_ink
from digitpad.recognition.strokes import render_strokes

root, app = test_gui.root, test_gui.app  # the window's fixtures
SEVEN, ONE = (150, 150, 430, 470), (560, 150, 760, 470)  # where the photo's digits are (photo px, roomy)


def two_digit_photo(path):
    """A 900x600 photo of "71" on paper lit unevenly (brighter on the right), saved as JPEG."""
    seven = [[(round(x * 1.4 + 110), round(y * 1.4 + 110)) for x, y in stroke] for stroke in DRAWN_DIGITS[7]]
    one = [[(round(x * 1.4 + 460), round(y * 1.4 + 110)) for x, y in stroke] for stroke in DRAWN_DIGITS[1]]
    ink = np.asarray(render_strokes(seven + one, size=900), dtype=np.float32)[:600] / 255
    light = np.linspace(180, 245, 900)[None, :]
    Image.fromarray((ink * light).astype(np.uint8)).convert("RGB").save(path, quality=92)
    return path


def wait_for_reading(app):
    pump(app.root, lambda: not app.photo_reader.pending)
    app.root.update()


def drag_on_photo(app, start, end, steps=8):
    """Drag the mouse over the shown photo from start to end, given in the photo's pixels."""
    left, top, scale = app.pad.photo_box
    (x0, y0), (x1, y1) = [(round(left + x * scale), round(top + y * scale)) for x, y in (start, end)]
    app.pad.event_generate("<ButtonPress-1>", x=x0, y=y0)
    for step in range(1, steps + 1):
        app.pad.event_generate("<B1-Motion>", x=x0 + (x1 - x0) * step // steps, y=y0 + (y1 - y0) * step // steps)
    app.pad.event_generate("<ButtonRelease-1>", x=x1, y=y1)
    app.root.update()


def shown_ink_pixels(app):
    """The ink view's picture as Tk shows it: (height, width, 3) uint8."""
    rows = app.root.tk.splitlist(app.root.tk.call(str(app._ink_tk), "data"))
    return np.array([[[int(colour[i:i + 2], 16) for i in (1, 3, 5)] for colour in app.root.tk.splitlist(row)]
                     for row in rows], dtype=np.uint8)


def is_outline(pixels):
    return np.all(pixels == OUTLINE_RGB, axis=-1)


@pytest.fixture
def photo(app, tmp_path):
    app.show_photo(str(two_digit_photo(tmp_path / "seventy-one.jpg")))
    wait_for_reading(app)
    assert app.answer.get() == "71"
    return app


# -- the region's geometry
def test_a_drag_chooses_the_region_in_the_photos_pixels_whichever_way_it_goes():
    shown = (10.0, 20.0, 0.5)  # the photo at (10, 20), half size
    assert region_of_drag((60, 70), (160, 220), shown, (900, 600)) == (CHOSEN, Region(100, 100, 300, 400))
    assert region_of_drag((160, 220), (60, 70), shown, (900, 600)) == (CHOSEN, Region(100, 100, 300, 400))
    assert region_of_drag((0, 0), (160, 220), shown, (900, 600)) == (CHOSEN, Region(0, 0, 300, 400))  # clipped
    assert in_photo((5, 6, 50, 60), Region(100, 100, 300, 400)) == (105, 106, 150, 160)
    assert in_photo((5, 6, 50, 60), None) == (5, 6, 50, 60)


def test_a_click_a_tiny_drag_and_a_drag_beside_the_photo_are_told_apart():
    shown = (10.0, 20.0, 0.5)
    assert region_of_drag((60, 70), (62, 71), shown, (900, 600)) == (CLICK, None)
    what, region = region_of_drag((60, 70), (160, 72), shown, (900, 600))  # a flat drag: 4 photo px high
    assert what == TOO_SMALL and region.size == (200, 4)
    what, region = region_of_drag((60, 70), (70, 90), (10.0, 20.0, 4.0), (100, 60))  # a small photo shown large
    assert what == TOO_SMALL and min(region.size) < MIN_SIDE
    assert region_of_drag((0, 0), (9, 300), shown, (900, 600)) == (OUTSIDE, None)  # left of the photo
    assert region_of_drag((500, 30), (600, 90), shown, (900, 600)) == (OUTSIDE, None)  # right of it


# -- the ink outlined
def test_the_outline_runs_along_the_edge_of_the_ink_and_nowhere_else():
    grey = np.full((60, 80), 230, np.uint8)
    grey[20:40, 30:50] = 20  # a square of ink
    mask = np.asarray(grey) < 128
    shown = np.asarray(outlined(Image.fromarray(grey), mask, (160, 160)))  # shown twice as large
    assert shown.shape == (120, 160, 3)
    edge = is_outline(shown)
    ys, xs = np.nonzero(edge)
    assert edge.any() and ys.min() >= 39 and ys.max() <= 80 and xs.min() >= 59 and xs.max() <= 100
    # the square's pixels 30..49 and 20..39 are shown at 60..98 and 40..78
    for y in range(42, 76):  # every row across the square meets its left and right sides
        assert {59, 60, 61} & set(np.flatnonzero(edge[y])) and {97, 98, 99} & set(np.flatnonzero(edge[y]))
    for x in range(62, 96):  # every column meets its top and bottom
        assert {39, 40, 41} & set(np.flatnonzero(edge[:, x])) and {77, 78, 79} & set(np.flatnonzero(edge[:, x]))
    assert not edge[45:75, 65:95].any()  # not inside: an outline, not a fill
    assert not is_outline(np.asarray(outlined(Image.fromarray(grey), np.zeros_like(mask), (160, 160)))).any()


def test_the_ink_outlined_is_the_ink_the_photo_path_found(tmp_path):
    picture = Image.open(two_digit_photo(tmp_path / "71.jpg")).convert("L")
    mask = picture_ink(picture)
    assert mask[:, 200:400].any() and mask[:, 560:760].any() and not mask[:, 820:].any()
    assert np.array_equal(picture_ink(picture, framed=False), np.asarray(picture) < 200)  # the tutorial's "< 200"


# -- the window
def test_dragging_a_rectangle_around_one_digit_reads_that_digit(photo):
    app = photo
    drag_on_photo(app, SEVEN[:2], SEVEN[2:])
    assert np.abs(np.subtract(app.pad.region.box, SEVEN)).max() <= 2 and app.detail.get() == "Reading the photo…"
    assert app.pad.strokes == [] and app.pad.find_withtag("ink") == ()  # a drag on a photo draws nothing
    wait_for_reading(app)
    assert app.answer.get() == "7" and "sure" in app.detail.get()
    assert "rectangle" in app.status.get() and app.pad.find_withtag("region")
    (box,) = [digit.box for digit in app.reading.digits]  # in the whole photo's pixels, around the 7
    assert SEVEN[0] <= box[0] < box[2] <= SEVEN[2] and SEVEN[1] <= box[1] < box[3] <= SEVEN[3]
    assert box[2] - box[0] > 100 and box[3] - box[1] > 200
    app.root.geometry(f"{app.root.winfo_width() + 200}x{app.root.winfo_height() + 150}")  # a larger window
    pump(app.root, lambda: app.pad.winfo_height() > 420)
    (marked,) = app.pad.find_withtag("region")  # the rectangle stays around the same ink
    assert np.allclose(app.pad.coords(marked), on_canvas(app.pad.region.box, app.pad.photo_box), atol=1)
    drag_on_photo(app, ONE[2:], ONE[:2])  # from bottom right to top left
    wait_for_reading(app)
    assert app.answer.get() == "1" and ONE[0] <= app.reading.digits[0].box[0]
    drag_on_photo(app, (500, 500), (501, 501))  # a click: all of the photo again
    assert app.pad.region is None and not app.pad.find_withtag("region")
    wait_for_reading(app)
    assert app.answer.get() == "71"


def test_a_tiny_or_misplaced_rectangle_is_told_and_keeps_the_answer(photo):
    app = photo
    drag_on_photo(app, (300, 300), (304, 330))
    assert app.pad.region is None and not app.photo_reader.pending and app.answer.get() == "71"
    assert "too small" in app.status.get() and app.status_label.cget("foreground") != "#b00020"
    left, top, _scale = app.pad.photo_box
    assert top > 10  # the photo is wider than the pad: margins above and below it
    app.pad.event_generate("<ButtonPress-1>", x=20, y=1)
    app.pad.event_generate("<B1-Motion>", x=200, y=round(top) - 2)
    app.pad.event_generate("<ButtonRelease-1>", x=200, y=round(top) - 2)
    app.root.update()
    assert "misses the photo" in app.status.get() and app.answer.get() == "71"


def test_the_ink_found_is_shown_outlined_beside_the_models_input(photo):
    app = photo
    shown = shown_ink_pixels(app)  # the whole photo, fitted into the ink view
    assert shown.shape[1] == app.ink_view.winfo_reqwidth() and "outlined" in app.ink_caption.get()
    outline = is_outline(shown)
    columns = np.flatnonzero(outline.any(axis=0)) / shown.shape[1]  # where the outlines are, as shares of the width
    assert columns.min() > 0.1 and columns.max() < 0.9  # around the digits, none at the paper's edges
    assert outline[:, : shown.shape[1] // 2].any() and outline[:, shown.shape[1] // 2 :].any()  # the 7 and the 1
    drag_on_photo(app, ONE[:2], ONE[2:])
    wait_for_reading(app)
    one = is_outline(shown_ink_pixels(app))  # the region alone, larger: the 1's outline down its middle
    rows, columns = np.nonzero(one)
    assert np.ptp(rows) > 0.6 * one.shape[0] and abs(columns.mean() - one.shape[1] / 2) < 0.15 * one.shape[1]
    app.clear()
    assert app._ink_tk is None and app.ink_caption.get() == ""


def test_a_correction_of_the_region_keeps_the_region_as_the_sample(photo):
    from digitpad.samples import read_samples, samples_dir

    app = photo
    drag_on_photo(app, SEVEN[:2], SEVEN[2:])
    wait_for_reading(app)
    app.root.event_generate("<Key-4>")
    app.root.update()
    samples = read_samples(samples_dir())
    assert samples.labels == [4]
    assert int(np.argmax(app.recognizer.probabilities(samples.images[0]))) == 7  # the 7 alone, not "71"


def test_a_photo_is_opened_and_read_in_the_background_and_clear_drops_it(app, tmp_path):
    app.show_photo(str(two_digit_photo(tmp_path / "71.jpg")))
    assert app.photo_reader.pending and app.pad.photo is None  # show_photo returned before opening it
    assert "Opening 71.jpg" in app.status.get()
    app.clear()
    assert not app.photo_reader.pending and app.status.get() == ""
    worker = app.photo_reader.worker
    pump(app.root, lambda: not worker.running())  # the photo, opened and read, has come back...
    assert app.pad.photo is None and app.answer.get() == "" and app.reading is None  # ...and was dropped
    assert app._ink_tk is None


def test_without_a_model_a_photo_is_shown_and_the_window_says_why_it_is_not_read(app, tmp_path):
    app.recognizer = None
    app.show_photo(str(two_digit_photo(tmp_path / "71.jpg")))
    wait_for_reading(app)
    assert app.pad.photo is not None and app.answer.get() == "?" and "No model" in app.detail.get()
    drag_on_photo(app, SEVEN[:2], SEVEN[2:])
    assert app.pad.region is not None and app.answer.get() == "?" and not app.photo_reader.pending


def test_a_drag_on_the_pad_still_draws(app):
    draw(app.pad, [dense(stroke) for stroke in DRAWN_DIGITS[7]])
    assert len(app.pad.strokes) == 1 and app.pad.region is None and not app.pad.find_withtag("region")
    assert app.answer.get() == "7" and app._ink_tk is None


def test_a_photo_one_pixel_wide_is_shown_and_read_without_an_error(app, tmp_path):
    strip = tmp_path / "strip.png"
    Image.new("L", (1, 5000), 128).save(strip)
    app.show_photo(str(strip))
    wait_for_reading(app)
    assert app.pad.photo is not None and app.pad.photo.width == 1  # (shrunk when opened, as every photo)
    assert app.status_label.cget("foreground") != "#b00020", app.status.get()  # opened, not an error
    assert outlined(Image.new("L", (10, 4000), 128), np.zeros((4000, 10), bool), (160, 160)).width == 1


def test_escape_during_a_drag_drops_the_rectangle_and_keeps_the_photo(photo):
    app = photo
    left, top, scale = app.pad.photo_box
    app.pad.event_generate("<ButtonPress-1>", x=round(left + 150 * scale), y=round(top + 150 * scale))
    app.pad.event_generate("<B1-Motion>", x=round(left + 430 * scale), y=round(top + 470 * scale))
    app.root.update()
    assert app.pad.find_withtag("band")
    app.root.event_generate("<Escape>")
    app.root.update()
    assert app.pad.photo is not None and not app.pad.find_withtag("band") and app.answer.get() == "71"
    app.pad.event_generate("<ButtonRelease-1>", x=round(left + 430 * scale), y=round(top + 470 * scale))
    app.root.update()
    assert app.pad.region is None and app.answer.get() == "71"  # the release after Escape chose nothing
    app.root.event_generate("<Escape>")  # no drag: Escape clears, as before
    app.root.update()
    assert app.pad.photo is None


def test_clearing_or_opening_another_photo_hides_the_kept_correction_and_the_photos_message(photo, tmp_path):
    app = photo
    drag_on_photo(app, SEVEN[:2], SEVEN[2:])
    wait_for_reading(app)
    assert "rectangle" in app.status.get()
    app.clear()  # the message about the rectangle goes with the photo
    assert app.status.get() == ""
    app.show_photo(str(two_digit_photo(tmp_path / "first.jpg")))
    wait_for_reading(app)
    app.root.event_generate("<Key-4>")
    app.root.update()
    assert app.kept.winfo_ismapped()
    app.clear()
    app.root.update()
    assert not app.kept.winfo_ismapped() and "rectangle" not in app.status.get()
    app.show_photo(str(two_digit_photo(tmp_path / "again.jpg")))
    wait_for_reading(app)
    app.root.event_generate("<Key-3>")
    app.root.update()
    assert app.kept.winfo_ismapped()
    app.show_photo(str(two_digit_photo(tmp_path / "another.jpg")))
    wait_for_reading(app)
    assert not app.kept.winfo_ismapped()


def test_a_photo_is_cleaned_once_for_its_reading_and_its_outline(tmp_path, monkeypatch):
    import digitpad.recognition.numbers as numbers
    from digitpad.gui.photo_reading import read_photo
    from digitpad.recognition.recognizer import Recognizer

    found = []
    real = numbers.picture_ink
    monkeypatch.setattr(numbers, "picture_ink", lambda *args: found.append(1) or real(*args))
    result = read_photo(Recognizer.load(), str(two_digit_photo(tmp_path / "71.jpg")), None, (160, 160))
    assert result.reading.number == "71" and len(found) == 1
    assert np.array_equal(result.reading.ink, real(result.picture))  # the ink outlined is the ink read
