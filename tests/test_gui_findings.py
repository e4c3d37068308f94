"""What a new user found wrong in the window, each driven as they met it (events on the real widgets)."""
import tkinter as tk

import numpy as np
import pytest
import test_gui
from conftest import DRAWN_DIGITS, needs_tensorflow
from test_gui import dense, draw, pump, type_into_file_dialog, wait_for_photo

from digitpad.recognition.strokes import PEN_WIDTH, render_strokes
from digitpad.samples import count_samples, samples_dir

root, app = test_gui.root, test_gui.app  # the window's fixtures


def open_photo_of(app, tmp_path, digit=7, name="seven.png"):
    path = tmp_path / name
    render_strokes(DRAWN_DIGITS[digit]).save(path)
    app.show_photo(str(path))
    wait_for_photo(app)
    assert app.pad.photo is not None
    return path


def press(app, sequence):
    app.root.event_generate(sequence)
    app.root.update()


# 1. Undo never throws away an opened photo
def test_undo_on_an_opened_photo_keeps_the_photo_and_says_there_is_nothing_to_undo(app, tmp_path):
    open_photo_of(app, tmp_path)
    photo = app.pad.photo
    press(app, "<Control-z>")
    assert app.pad.photo is photo and app.answer.get() == "7"
    assert "Nothing to undo" in app.status.get()
    app.undo_button.invoke()  # the button is the same command
    assert app.pad.photo is photo and "Nothing to undo" in app.status.get()


def test_undo_after_a_correction_on_a_photo_undoes_the_correction_and_keeps_the_photo(app, tmp_path):
    open_photo_of(app, tmp_path)
    press(app, "<Key-1>")  # "wrong: it is a 1" keeps the photo as a sample of 1
    assert count_samples(samples_dir()) == 1
    press(app, "<Control-z>")
    assert count_samples(samples_dir()) == 0 and app.pad.photo is not None
    assert "Removed the sample" in app.status.get()
    press(app, "<Control-z>")  # nothing left to undo on the photo
    assert app.pad.photo is not None and "Nothing to undo" in app.status.get()


def test_undo_on_the_pad_still_takes_back_the_last_stroke_then_says_nothing_is_left(app):
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    press(app, "<Control-z>")
    assert app.pad.is_blank()
    press(app, "<Control-z>")
    assert app.pad.is_blank() and "Nothing to undo" in app.status.get()


# 2. The training dialog's download failure: whole, and about the dialog's field
def lines_fit(label):
    """The label (a fixed size) shows all of its text: a copy sized to its text is no taller."""
    label.update_idletasks()
    whole = tk.Label(label.master, text=label.cget("text"), font=label.cget("font"),
                     wraplength=label.cget("wraplength"), justify="left")
    needed = whole.winfo_reqheight()
    whole.destroy()
    return label.winfo_height() >= needed


@needs_tensorflow
@pytest.mark.parametrize("cancel", [False, True])
def test_a_failed_download_in_the_training_dialog_is_said_whole_and_points_to_its_field(app, monkeypatch, cancel):
    import keras

    def offline():  # what keras says on this machine without a network
        raise Exception("URL fetch failure on https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
                        "mnist.npz: None -- [Errno -2] Name or service not known")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    app.open_training()
    dialog = app.training
    dialog.data.set("")
    dialog.start_button.invoke()
    if cancel:
        dialog.cancel_button.invoke()
    pump(app.root, lambda: not dialog.running())
    app.root.update()
    message = dialog.status.get()
    assert "could not download MNIST" in message and "Name or service not known" in message
    assert "--data" not in message and "MNIST data" in message  # the field's label, as the dialog shows it
    assert lines_fit(dialog.status_label), message


def test_the_command_line_keeps_its_own_hint_for_a_failed_download(monkeypatch):
    from digitpad.training import TrainingUnavailable
    from digitpad.training.data import DataError, load_mnist

    def unavailable(what=""):
        raise TrainingUnavailable("no TensorFlow")

    monkeypatch.setattr("digitpad.training.require_tensorflow", unavailable)
    with pytest.raises(DataError, match="--data"):
        load_mnist()
    with pytest.raises(DataError) as raised:
        load_mnist(hint="choose a folder above")
    assert "--data" not in str(raised.value) and "choose a folder above" in str(raised.value)


# 3. Open…: a name typed that matches several images
def test_open_with_a_name_matching_several_images_says_which_and_opens_nothing(app, tmp_path):
    for name in ("photo.png", "photo.jpg"):
        render_strokes(DRAWN_DIGITS[7]).convert("RGB").save(tmp_path / name)
    app.settings.last_folder = str(tmp_path)
    warnings, listed = [], []
    type_into_file_dialog(app.root, "photo", warnings, listed)
    app.open_button.invoke()
    app.root.update()
    assert app.pad.photo is None
    assert len(warnings) == 1 and "does not exist" not in warnings[0], warnings
    assert "photo.jpg" in warnings[0] and "photo.png" in warnings[0] and "full name" in warnings[0]


# 4. A long number that scrolls: no digit is cut at the strip's edges
def clipped_columns(strip):
    strip.update_idletasks()
    view = strip._view
    first, last = view.canvasx(0), view.canvasx(0) + view.winfo_width()
    clipped = []
    for index, column in enumerate(strip._columns):
        left, right = column.winfo_x(), column.winfo_x() + column.winfo_width()
        if left < first < right or left < last < right:
            clipped.append(index)
    return clipped


def test_a_scrolling_number_stops_at_whole_digits(app):
    texts = [str(i % 10) for i in range(57)]
    app.number.show(texts, [0.9] * len(texts), chosen=0)
    app.root.update()
    assert app.number._scrolls
    assert clipped_columns(app.number) == []
    for chosen in (20, 56, 31, 3):
        app.number.show(texts, [0.9] * len(texts), chosen=chosen)
        app.root.update()
        assert clipped_columns(app.number) == [], chosen
    for _ in range(5):  # the mouse wheel
        app.number._view.event_generate("<Button-5>")
        app.root.update()
        assert clipped_columns(app.number) == []
    app.number._view.xview_moveto(0.437)  # the scrollbar dragged anywhere
    app.root.update()
    assert clipped_columns(app.number) == []
    app.number.show(["1", "7"], [0.9, 0.8], chosen=0)  # a short number afterwards: the whole strip, no scrolling
    app.root.update()
    assert not app.number._scrolls and app.number._view.winfo_width() == app.number.winfo_width()
    assert app.number._view.canvasx(0) == 0 and clipped_columns(app.number) == []


# 5. The app reads numbers: Open… says so
def test_the_open_dialog_speaks_of_a_number_too(app, monkeypatch):
    asked = []
    monkeypatch.setattr("tkinter.filedialog.askopenfilename", lambda **options: asked.append(options) or "")
    app.open_button.invoke()
    assert "number" in asked[0]["title"]


# 6. The accuracy in the status bar says what it measures
def test_the_status_bar_says_its_mnist_accuracy_is_the_network_alone(app):
    weights = app.recognizer.weights
    assert weights.test_accuracy is not None
    app.use_shipped_weights()
    assert f"{weights.test_accuracy:.2%}" in app.status.get() and "network alone" in app.status.get()


# 7. "My samples": each sample's 28x28 input fills its thumbnail
def test_a_sample_kept_from_one_digit_of_a_number_fills_its_thumbnail(app):
    from digitpad.gui.samples_browser import THUMBNAIL

    number = [dense([(x * 0.4 + 20 + 100 * place, y * 0.4 + 60) for x, y in stroke])
              for place, digit in enumerate((1, 7)) for stroke in DRAWN_DIGITS[digit]]
    draw(app.pad, number)
    assert len(app.reading.digits) == 2
    app.choose_digit(1)
    press(app, "<Key-7>")
    app.handwriting.show_samples()
    app.root.update()
    (photo,) = app.handwriting.browser._photos
    assert (photo.width(), photo.height()) == (THUMBNAIL, THUMBNAIL)
    pixels = photo._PhotoImage__photo  # the Tk image shown
    ink = np.array([[pixels.get(x, y)[0] < 128 for x in range(THUMBNAIL)] for y in range(THUMBNAIL)])
    rows, _columns = np.nonzero(ink)
    assert rows.max() - rows.min() >= THUMBNAIL * 0.6  # framed as MNIST: the digit is 20 of 28 px tall


# 8. The pen does not grow with the window
def test_a_taller_window_keeps_the_pen_width_and_reads_a_digit_written_anywhere_on_it(app):
    def drawn(strokes):
        draw(app.pad, strokes)
        app.root.update()
        widths = {float(app.pad.itemcget(item, "width")) for item in app.pad.find_withtag("ink")
                  if app.pad.type(item) == "line"}
        return widths, app.answer.get()

    seven = [dense(s) for s in DRAWN_DIGITS[7]]
    opening_pen = PEN_WIDTH * app.pad.winfo_height() / 280  # the window as it opens: the pen as it always was
    widths, answer = drawn(seven)
    assert max(widths) == pytest.approx(opening_pen) == min(widths) and answer == "7"
    app.clear()
    app.root.geometry(f"{app.root.winfo_width()}x{app.root.winfo_height() + 400}")
    pump(app.root, lambda: app.pad.winfo_height() > 700)
    widths, answer = drawn(seven)
    assert max(widths) <= opening_pen * 1.2 and answer == "7"
    app.clear()
    low = [[(x, y + 250) for x, y in stroke] for stroke in seven]  # in the part a taller pad adds
    widths, answer = drawn(low)
    assert max(widths) <= opening_pen * 1.2 and answer == "7"
    kept = np.asarray(app.pad.recognition_image())  # what a correction keeps: the digit whole
    assert (kept < 128).any() and kept.shape == (280, 280)
    saved = np.asarray(app.pad.image())  # Save drawing: the whole pad, as tall as it is shown
    assert saved.shape[0] >= app.pad.winfo_height() / app.pad.scale - 1 and (saved[280:] < 128).any()


def test_a_message_longer_than_the_status_bar_ends_in_an_ellipsis_never_cut_mid_line(app):
    message = ("Training failed, weights unchanged: could not download MNIST (URL fetch failure on "
               "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz: None -- [Errno -2] Name or "
               "service not known); choose a folder with the four MNIST IDX files, or an mnist.npz, in the field "
               "“MNIST data” above")
    app.say(message, error=True)
    app.root.update()
    shown = app.status_label.cget("text")
    assert shown.endswith("…") and message.startswith(shown[:-1].rstrip()) and len(shown) > 40
    assert lines_fit(app.status_label)
    assert app.status.get() == message and app._status_tip == message  # the whole of it, on hover
    app.say("Ready")
    app.root.update()
    assert app.status_label.cget("text") == "Ready"


def test_the_selected_sample_of_a_zero_is_marked_like_any_other(app):
    from digitpad.gui.samples_browser import SELECTED

    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[0]])
    press(app, "<Key-0>")
    app.handwriting.show_samples()
    browser = app.handwriting.browser
    (path,) = browser._tiles
    browser.select(path)
    caption = browser._tiles[path].winfo_children()[1]
    assert str(caption.cget("text")) == "0" and caption.cget("background") == SELECTED


def test_undoing_a_correction_shows_what_was_read_again(app, tmp_path):
    from test_gui import draw_number

    draw_number(app, [1, 7])
    app.choose_digit(1)
    press(app, "<Key-4>")  # the user says the second digit is a 4...
    assert app.number.texts() == ["1", "4"]
    press(app, "<Control-z>")  # ...and takes it back
    assert count_samples(samples_dir()) == 0
    assert app.answer.get() == "17" and app.number.texts() == ["1", "7"] and "Corrected" not in app.detail.get()
    open_photo_of(app, tmp_path)  # a lone digit too
    press(app, "<Key-1>")
    assert app.answer.get() == "1"
    press(app, "<Control-z>")
    assert app.answer.get() == "7" and app.pad.photo is not None


def test_a_drawing_stays_in_view_when_the_window_shrinks_and_clear_gives_the_pad_back(app):
    app.root.geometry(f"{app.root.winfo_width() + 600}x{app.root.winfo_height() + 500}")
    pump(app.root, lambda: app.pad.winfo_height() > 700)
    seven = [dense(s) for s in DRAWN_DIGITS[7]]
    far = [[(x + 500, y + 300) for x, y in stroke] for stroke in seven]  # low and right, in the room a larger window adds
    draw(app.pad, far)
    drawn = [list(stroke) for stroke in app.pad.strokes]
    assert app.answer.get() == "7"
    app.root.geometry("700x480")
    pump(app.root, lambda: app.pad.winfo_height() < 500)
    app.root.update()
    width, height = app.pad.winfo_width(), app.pad.winfo_height()
    pen = PEN_WIDTH * app.pad.scale / 2  # every stroke read is still shown, whole, its round end too
    xs, ys = zip(*(point for stroke in app.pad.strokes for point in stroke))
    assert max(xs) * app.pad.scale + pen <= width + 0.5 and max(ys) * app.pad.scale + pen <= height + 0.5
    assert app.pad.strokes == drawn and app.answer.get() == "7"
    app.clear()
    assert app.pad.scale == pytest.approx(min(height / 280, 1.5))  # a blank pad is PAD_SIZE units high again


def test_my_samples_open_shows_corrections_kept_and_undone_meanwhile(app):
    app.handwriting.show_samples()
    app.root.update()
    browser = app.handwriting.browser
    assert len(browser._photos) == 0
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    app.root.focus_force()  # back in the main window (keys go to the window with the focus)
    app.root.update()
    press(app, "<Key-1>")  # a correction while My samples is open
    assert len(browser._tiles) == 1 and "1 sample" in browser.message.get()
    press(app, "<Control-z>")
    assert len(browser._tiles) == 0
