"""Numbers of any length in the real window: every digit of the answer can be seen and clicked."""
import numpy as np
import pytest
import test_gui
from conftest import DRAWN_DIGITS
from test_gui import dense, draw, placed

from digitpad.recognition.numbers import DigitReading, Reading

root, app = test_gui.root, test_gui.app  # the window's fixtures


def reading_of(text, confidence=1.0):
    """A reading of the digits of text, as recognition gives it (boxes side by side)."""
    return Reading(tuple(
        DigitReading(int(digit), confidence, np.eye(10)[int(digit)] * confidence, (index * 30, 20, index * 30 + 25, 100),
                     np.zeros((28, 28), np.float32), not_digit=0.0)
        for index, digit in enumerate(text)))


def under_pointer(app, widget):
    """The widget a click at the middle of `widget` (screen coordinates) lands on."""
    x = widget.winfo_rootx() + widget.winfo_width() // 2
    y = widget.winfo_rooty() + widget.winfo_height() // 2
    return app.root.winfo_containing(x, y)


def inside_strip(app, index):
    strip, digit = app.number, app.number._columns[index].winfo_children()[0]
    return strip.winfo_rootx() <= digit.winfo_rootx() and \
        digit.winfo_rootx() + digit.winfo_width() <= strip.winfo_rootx() + strip.winfo_width()


def scroll_to(app, index):
    """Turn the mouse wheel over the strip until the digit at index is in it, as a user would."""
    for _turn in range(200):
        if inside_strip(app, index):
            return
        digit = app.number._columns[index].winfo_children()[0]
        button = "<Button-5>" if digit.winfo_rootx() > app.number.winfo_rootx() else "<Button-4>"
        app.number._columns[0].event_generate(button)
        app.root.update()


def assert_digit_is_seen_and_clicked(app, index):
    """The digit at index is inside the strip and the window, and a click on it chooses it."""
    scroll_to(app, index)
    strip, column = app.number, app.number._columns[index]
    digit = column.winfo_children()[0]
    left, top = digit.winfo_rootx(), digit.winfo_rooty()
    right, bottom = left + digit.winfo_width(), top + digit.winfo_height()
    assert strip.winfo_rootx() <= left and right <= strip.winfo_rootx() + strip.winfo_width(), index
    assert strip.winfo_rooty() <= top and bottom <= strip.winfo_rooty() + strip.winfo_height(), index
    assert right <= app.root.winfo_rootx() + app.root.winfo_width(), index
    assert digit.winfo_width() >= 8 and digit.winfo_height() >= 12, index  # large enough to read and hit
    clicked = under_pointer(app, digit)
    assert clicked in (digit, column), (index, clicked)
    clicked.event_generate("<Button-1>")
    app.root.update()
    assert app.chosen == index


@pytest.mark.parametrize("text", ["7", "17", "20261203", "123456789012", "10010010010010010010",
                                  "100" * 10 + "57" * 3 + "1"])
def test_every_digit_of_a_number_of_any_length_is_seen_and_clicked(app, text):
    size = (app.root.winfo_width(), app.root.winfo_height())
    app._show_reading(reading_of(text), blank="")
    app.root.update()
    assert "".join(app.number.texts()) == text and app.answer.get() == text
    for index in reversed(range(len(text))) if len(text) > 1 else ():  # (the first is chosen at the start)
        assert_digit_is_seen_and_clicked(app, index)
    assert (app.root.winfo_width(), app.root.winfo_height()) == size  # the window keeps its size


@pytest.mark.parametrize("length", [8, 12, 20])
def test_a_long_number_in_the_narrowest_window(app, length):
    text = ("1234567890" * 3)[:length]
    width, height = app.root.minsize()
    app.root.geometry(f"{width}x{height}")
    app.root.update()
    app._show_reading(reading_of(text), blank="")
    app.root.update()
    for index in reversed(range(length)):
        assert_digit_is_seen_and_clicked(app, index)


def test_a_short_number_keeps_its_large_digits(app):
    app._show_reading(reading_of("42"), blank="")
    app.root.update()
    big = app.number._columns[0].winfo_children()[0].winfo_height()
    app._show_reading(reading_of("123456789012"), blank="")
    app.root.update()
    small = app.number._columns[0].winfo_children()[0].winfo_height()
    assert big > 1.5 * small  # two digits are shown large; twelve are shrunk to fit


def test_twelve_digits_drawn_on_the_pad_are_all_seen_and_clicked(app):
    for index in range(12):
        digit = (1, 7, 0)[index % 3]
        draw(app.pad, [dense(s, step=3) for s in placed(DRAWN_DIGITS[digit], 0.17, index * 38, 60)])
    app.root.update()
    assert len(app.reading.digits) == 12
    for index in reversed(range(12)):
        assert_digit_is_seen_and_clicked(app, index)


def test_the_arrow_keys_choose_the_digit_and_keep_it_in_view(app):
    text = "31415926535897932384626433832795028841971"  # too long to wrap: the strip scrolls
    app._show_reading(reading_of(text), blank="")
    app.root.update()
    app.choose_digit(0)
    for index in range(1, len(text)):
        app.root.event_generate("<Right>")
        app.root.update()
        assert app.chosen == index and inside_strip(app, index)
        assert app.bars.values == pytest.approx(app.reading.digits[index].probabilities.tolist())
    app.root.event_generate("<Right>")  # at the last digit: stays there
    assert app.chosen == len(text) - 1
    for index in reversed(range(len(text) - 1)):
        app.root.event_generate("<Left>")
        app.root.update()
        assert app.chosen == index and inside_strip(app, index)
