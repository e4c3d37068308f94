"""The real window under a (virtual) display: events generated on the widgets, no pixel clicks."""
import gc
import re
import time
import tkinter as tk
from tkinter import font as tkfont
from tkinter import ttk

import numpy as np
import pytest
from conftest import DRAWN_DIGITS, needs_tensorflow
from PIL import Image

from digitpad.gui.app import BLANK, App
from digitpad.paths import SHIPPED_WEIGHTS, user_weights
from digitpad.recognition.strokes import recognition_image, render_strokes
from digitpad.recognition.weights import read_weights


@pytest.fixture
def root(monkeypatch):
    errors = []
    monkeypatch.setattr(tk.Tk, "report_callback_exception", lambda self, *info: errors.append(info))
    root = tk.Tk()
    yield root
    if _alive(root):
        root.destroy()
    gc.collect()  # collect this window's Tk objects here, never later in some worker thread
    assert not errors, f"a Tk callback raised: {errors[0][1]!r}"


@pytest.fixture
def app(root):
    app = App(root, weights=SHIPPED_WEIGHTS)
    root.update()
    return app


def pump(root, until, timeout=120.0):
    """Process Tk events until until() is true; returns how many update rounds it took."""
    deadline, rounds = time.monotonic() + timeout, 0
    while not until():
        assert time.monotonic() < deadline, "timed out waiting for the window"
        root.update()
        rounds += 1
        time.sleep(0.01)
    return rounds


def draw(pad, strokes):
    """Drag the mouse along each stroke (in pad units) with generated events at the pad's screen scale."""
    for stroke in strokes:
        (x, y), *rest = [tuple(round(c) for c in pad._on_canvas(point)) for point in stroke]
        pad.event_generate("<ButtonPress-1>", x=x, y=y)
        for x, y in rest:
            pad.event_generate("<B1-Motion>", x=x, y=y)
        pad.event_generate("<ButtonRelease-1>", x=x, y=y)
    pad.update()


def dense(stroke, step=5):
    """Points every few pixels along a polyline, as a real mouse drag reports them."""
    points = [stroke[0]]
    for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
        n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / step))
        points += [(round(x0 + (x1 - x0) * i / n), round(y0 + (y1 - y0) * i / n)) for i in range(1, n + 1)]
    return points


def test_drawing_is_recognised_live(app):
    strokes = [dense(s) for s in DRAWN_DIGITS[7]]
    draw(app.pad, strokes)
    kept = [point for stroke in app.pad.strokes for point in stroke]
    assert len(app.pad.strokes) == len(strokes) and len(kept) == sum(map(len, strokes))
    assert np.abs(np.subtract(kept, [p for s in strokes for p in s])).max() <= 0.5 / app.pad.scale + 0.1
    assert np.array_equal(np.asarray(app.pad.image())[:, :280], np.asarray(render_strokes(app.pad.strokes)))
    assert app.answer.get() == "7"
    assert app.bars.values is not None and sum(app.bars.values) == pytest.approx(1, abs=1e-4)
    assert max(range(10), key=app.bars.values.__getitem__) == 7
    assert "sure" in app.detail.get()


def test_a_small_drawing_is_recognised_from_its_strokes_with_a_thinner_pen(app):
    from digitpad.recognition.recognizer import Recognizer

    eight = [[(110, 90), (100, 80), (85, 90), (90, 110), (110, 130), (110, 150), (100, 160), (85, 150),
              (85, 130), (110, 110), (115, 90)]]  # 30 x 80 px: the pad's pen fills its loops
    strokes = [dense(s, step=2) for s in eight]
    draw(app.pad, strokes)
    strokes = app.pad.strokes  # in pad units, as the pad kept them
    recognizer = Recognizer(app.recognizer.weights)
    upper_loop = (98, 96)
    assert app.pad.image().getpixel(upper_loop) == 0 and recognition_image(strokes).getpixel(upper_loop) == 255
    thin = recognizer.probabilities(recognition_image(strokes))
    assert app.bars.values == pytest.approx(thin.tolist(), abs=1e-6)

    app.framed.set(False)  # the tutorial's pipeline sees the pad as it is
    app.recognize()
    tutorial = Recognizer(app.recognizer.weights, framed=False).probabilities(render_strokes(strokes))
    assert app.bars.values == pytest.approx(tutorial.tolist(), abs=1e-6)


def test_recognize_button_and_return_key(app):
    app.live.set(False)
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[1]])
    assert app.answer.get() == BLANK  # live recognition is off
    app.recognize_button.invoke()
    assert app.answer.get() == "1"
    app.clear()
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[0]])
    app.root.event_generate("<Return>")
    app.root.update()
    assert app.answer.get() == "0"


def test_blank_pad_never_shows_a_digit(app):
    app.recognize_button.invoke()
    assert app.answer.get() == BLANK and app.bars.values is None


def test_undo_and_clear(app):
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]] + [dense([(100, 150), (180, 150)])])
    assert len(app.pad.strokes) == 2
    app.undo_button.invoke()
    assert len(app.pad.strokes) == 1 and len(app.pad.find_withtag("ink")) > 0
    app.clear_button.invoke()
    assert app.pad.strokes == [] and app.pad.find_withtag("ink") == ()
    assert app.answer.get() == BLANK and app.bars.values is None


def wait_for_photo(app):
    """Until the opened photo has been read (in the background)."""
    pump(app.root, lambda: not app.photo_reader.pending)


def test_open_a_photo_then_clear_and_draw_again(app, tmp_path):
    path = tmp_path / "my photo ✓.jpg"
    render_strokes(DRAWN_DIGITS[1]).convert("RGB").save(path)
    app.show_photo(str(path))
    wait_for_photo(app)
    assert app.pad.photo is not None and app.answer.get() == "1"
    assert "Drag a rectangle" in app.status.get()
    app.root.event_generate("<Escape>")
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    assert app.pad.photo is None and app.answer.get() == "7"


def test_unusable_file_gives_a_message_and_keeps_the_drawing(app, tmp_path):
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    app.show_photo(str(bad))
    wait_for_photo(app)
    assert "not an image" in app.status.get()
    assert app.pad.strokes and app.answer.get() == "7"


def test_save_drawing_as_png(app, tmp_path, monkeypatch):
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    target = tmp_path / "drawing.png"
    monkeypatch.setattr("tkinter.filedialog.asksaveasfilename", lambda **options: str(target))
    app.save_drawing()
    assert np.array_equal(np.asarray(Image.open(target)), np.asarray(app.pad.image()))


def test_loading_bad_weights_keeps_the_current_ones(app, tmp_path):
    bad = tmp_path / "bad.weights.h5"
    bad.write_bytes(b"garbage")
    app.use_weights(bad)
    assert app.recognizer.weights.path == SHIPPED_WEIGHTS
    assert "not a readable weights file" in app.status.get()


def test_window_opens_without_weights_and_offers_training(root, tmp_path):
    app = App(root, weights=tmp_path / "none.weights.h5")
    root.update()
    assert app.recognizer is None
    assert app.banner.winfo_ismapped()
    assert "Train" in app.banner_text.get()
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    assert app.answer.get() == "?"


def start_training(app, mnist_dir, epochs, batch_size=16, augment=False, statuses=None):
    app.open_training()
    dialog = app.training
    dialog.data.set(str(mnist_dir))
    dialog.epochs.set(epochs)
    dialog.batch_size.set(batch_size)
    dialog.augment.set(augment)
    batch_values = []
    report = dialog._report

    def recording_report(item):
        report(item)
        batch_values.append(float(dialog.batch_bar["value"]))
        if statuses is not None:
            statuses.append(dialog.status.get())

    dialog._report = recording_report
    dialog.start_button.invoke()
    return dialog, batch_values


@needs_tensorflow
def test_training_from_the_menu_uses_the_new_weights(app, mnist_dir):
    statuses = []
    dialog, batch_values = start_training(app, mnist_dir, epochs=2, augment=True, statuses=statuses)
    app.open_training()  # a second request while it runs: the same dialog, no second training
    assert app.training is dialog and dialog.worker is not None
    ticks = []
    app.root.after(20, lambda: ticks.append(1))
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])  # drawing still works while training
    rounds = pump(app.root, lambda: not dialog.running())
    assert rounds > 20 and ticks  # the window kept processing events during training
    assert len(set(batch_values)) > 1  # the batch progress bar moved
    assert float(dialog.epoch_bar["value"]) == 2
    assert app.recognizer.weights.path == user_weights()
    assert "Now using the new weights" in app.status.get()
    assert dialog._chart is not None  # the per-epoch chart was drawn
    preparing = statuses.index("Preparing the augmented training images…")
    assert statuses[preparing + 1:] and set(statuses[preparing + 1:]) == {"Training…"}  # said until batches come


@needs_tensorflow
def test_cancel_training_keeps_the_weights(app, mnist_dir):
    dialog, batch_values = start_training(app, mnist_dir, epochs=50, batch_size=4)
    pump(app.root, lambda: batch_values)  # mid-epoch: nothing better saved yet
    dialog.cancel_button.invoke()
    pump(app.root, lambda: not dialog.running(), timeout=30)
    assert "Cancelled" in dialog.status.get()
    assert "cancelled" in app.status.get() and app.recognizer.weights.path == SHIPPED_WEIGHTS
    assert not user_weights().exists()


@needs_tensorflow
def test_quitting_mid_training_stops_it_first(app, mnist_dir, shipped_weights):
    dialog, batch_values = start_training(app, mnist_dir, epochs=50, batch_size=4)
    pump(app.root, lambda: batch_values)
    app.quit()
    pump(app.root, lambda: not app.root.winfo_exists() if _alive(app.root) else True, timeout=30)
    assert not _alive(app.root)
    assert dialog.worker.cancel.is_set() and not dialog.worker._thread.is_alive()


def _alive(root):
    try:
        return bool(root.winfo_exists())
    except tk.TclError:
        return False


def test_hundreds_of_strokes(app):
    rng = np.random.default_rng(0)
    strokes = [[tuple(map(int, p)) for p in rng.integers(20, 260, (3, 2))] for _ in range(300)]
    draw(app.pad, strokes)
    assert len(app.pad.strokes) == 300
    assert app.answer.get() == "?" or app.answer.get().isdigit()  # read after every stroke, no error
    for _ in range(300):
        app.undo()
    assert app.pad.is_blank() and app.answer.get() == BLANK


def test_window_can_be_resized_small_and_large(app):
    for geometry in ("50x50", "2400x1600", "700x480"):
        app.root.geometry(geometry)
        app.root.update()
        assert app.root.winfo_width() >= 560 and app.root.winfo_height() >= 420  # minsize keeps it usable
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    assert app.answer.get() == "7"


def test_a_long_message_wraps_and_never_resizes_the_window(app):
    app.say("Ready")
    app.root.update()
    size = (app.root.winfo_width(), app.root.winfo_height())
    message = "Adapted in 6 s: your samples 33% → 100% right; MNIST test 97.93%. " * 3
    app.say(message)
    app.root.update()
    assert (app.root.winfo_width(), app.root.winfo_height()) == size
    wrap = int(str(app.status_label.cget("wraplength")))
    assert 0 < wrap < tkfont.nametofont("TkDefaultFont").measure(message)  # wrapped, not widened
    assert app._status_tip == message  # the whole of it shows on hover


def test_corrections_keep_samples_and_adapting_uses_them_offline(app, monkeypatch):
    from digitpad.paths import adapted_weights
    from digitpad.samples import read_samples, samples_dir

    app.root.event_generate("<Key-3>")  # nothing drawn: nothing kept
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[1]])
    app.root.event_generate("<Key-7>")  # the user says: this is a 7
    app.bars.event_generate("<Button-1>", x=50, y=4 * 24 + 10)  # clicks the bar of 4
    app.root.update()
    samples = read_samples(samples_dir())
    assert samples.labels == [7, 4]
    assert np.array_equal(np.asarray(samples.images[0]), np.asarray(app.pad.recognition_image()))
    assert app.samples_text.get() == "2 samples kept"

    app.handwriting.adapt()  # no MNIST folder, no network, no TensorFlow needed
    pump(app.root, lambda: not app.jobs.busy())
    # the same drawing kept as a 7 and as a 4: half of them can be right
    assert re.search(r"Adapted in \d+\.\d s: your samples 0% → 50% right", app.status.get())
    assert app.recognizer.weights.path == adapted_weights()
    assert read_weights(adapted_weights()).adapted_from == SHIPPED_WEIGHTS.resolve()
    assert SHIPPED_WEIGHTS.is_file()  # the weights it started from are kept

    app.auto_adapt.set(True)  # Model → Adapt after each correction
    app.clear()
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[0]])
    app.root.event_generate("<Key-0>")
    assert app.jobs.busy() and app.jobs.name == "adapting"
    pump(app.root, lambda: not app.jobs.busy())
    assert "Adapted in" in app.status.get() and app.answer.get() == "0"

    monkeypatch.setattr("tkinter.messagebox.askyesno", lambda *args, **options: True)
    app.handwriting.forget_samples()
    assert app.samples_text.get() == "" and read_samples(samples_dir()).labels == []


def test_model_summary_is_a_monospaced_table(app):
    window = app.show_summary()
    (text,) = [child for child in window.winfo_children() if isinstance(child, tk.Text)]
    assert "total parameters: 101,770" in text.get("1.0", "end")  # 784*128+128 + 128*10+10
    font = tkfont.nametofont(text.cget("font"))
    assert font.measure("i" * 10) == font.measure("W" * 10)  # every character as wide: columns line up
    window.focus_force()
    window.update()
    window.event_generate("<Escape>", when="tail")
    window.update()
    assert not window.winfo_exists()


def test_switching_to_the_convolutional_network(app):
    from digitpad.paths import shipped_weights

    if not shipped_weights("cnn").is_file():
        pytest.skip("no shipped convolutional weights")
    app.kind.set("cnn")
    app.use_weights(shipped_weights("cnn"))
    assert app.recognizer.weights.kind == "cnn" and "convolutional" in app.status.get()
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    assert app.answer.get() == "7"
    app.use_weights(SHIPPED_WEIGHTS)
    assert app.kind.get() == "mlp"


def test_teaching_asks_for_each_digit_with_skip_and_back(app):
    from digitpad.samples import read_samples, samples_dir

    app.handwriting.teach()
    dialog = app.handwriting.calibration
    assert dialog.prompt.get() == "Draw a 0"
    dialog.keep_button.invoke()  # nothing drawn yet
    assert "empty" in dialog.detail.get() and dialog.step == 0
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[0]])
    dialog.keep_button.invoke()
    assert app.pad.is_blank() and dialog.step == 1  # kept, and the pad is ready for the next one
    dialog.skip_button.invoke()
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[0]])
    dialog.keep_button.invoke()
    assert read_samples(samples_dir()).labels == [0, 0]
    dialog.back_button.invoke()  # takes back the last kept sample
    assert read_samples(samples_dir()).labels == [0] and dialog.step == 2
    for _ in range(dialog.step, len(dialog.prompts)):
        dialog.skip_button.invoke()
    assert dialog.prompt.get() == "Thank you!"
    assert dialog.prompts == [d for d in range(10) for _ in range(3)]


@needs_tensorflow
def test_dialogs_open_beside_the_window_but_on_the_screen(app, root):
    root.geometry(f"+{root.winfo_screenwidth() - root.winfo_width() - 20}+0")  # the window near the right edge
    root.update()
    app.open_training()
    app.handwriting.teach()
    for dialog in (app.training, app.handwriting.calibration):
        dialog.update()
        right, bottom = dialog.winfo_x() + dialog.winfo_width(), dialog.winfo_y() + dialog.winfo_height()
        assert right == dialog.winfo_screenwidth()  # on the screen, and as far from the pad as it can be
        assert bottom <= dialog.winfo_screenheight()


def test_every_shortcut_in_the_help_is_bound_and_shown_in_its_menu(app):
    from digitpad.gui.commands import COMMANDS, shortcut_rows

    help_keys = [keys for keys, _ in shortcut_rows()]
    for command in COMMANDS:
        for sequence in command.keys:
            assert app.root.bind(sequence), f"{sequence} is not bound"
        if command.accelerator:
            assert command.accelerator in help_keys
    menubar = app.root.nametowidget(app.root["menu"])
    shown = {}
    for index in range(menubar.index("end") + 1):
        if menubar.type(index) != "cascade":
            continue
        menu = app.root.nametowidget(menubar.entrycget(index, "menu"))
        for item in range(menu.index("end") + 1):
            if menu.type(item) != "separator":
                shown[menu.entrycget(item, "label")] = menu.entrycget(item, "accelerator")
    for command in COMMANDS:
        if command.menu and command.action:
            assert shown[command.label] == command.accelerator


def test_ctrl_l_switches_live_recognition_like_its_menu_item(app):
    assert app.live.get()
    app.root.event_generate("<Control-l>")
    app.root.update()
    assert not app.live.get()
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    assert app.answer.get() == BLANK


def test_keyboard_shortcuts_are_a_two_column_table(app):
    window = app.show_shortcuts()
    window.update()
    (table,) = [child for child in window.winfo_children() if isinstance(child, ttk.Frame)]
    columns = {int(child.grid_info()["column"]) for child in table.winfo_children()}
    assert columns == {0, 1}
    lefts = [child.winfo_x() for child in table.winfo_children() if int(child.grid_info()["column"]) == 1]
    assert len(set(lefts)) == 1  # the descriptions line up
    window.destroy()


def test_settings_are_remembered_from_one_start_to_the_next(root):
    app = App(root, weights=SHIPPED_WEIGHTS)
    app.live.set(False)
    app.framed.set(False)
    root.geometry("1200x700")
    root.update()
    app.quit()
    second_root = tk.Tk()
    try:
        again = App(second_root)
        second_root.update()
        assert again.live.get() is False and again.framed.get() is False
        smallest_width, smallest_height = second_root.minsize()  # (a saved size keeps to the screen)
        expected = (max(min(1200, second_root.winfo_screenwidth()), smallest_width),
                    max(min(700, second_root.winfo_screenheight()), smallest_height))
        assert (second_root.winfo_width(), second_root.winfo_height()) == expected
    finally:
        second_root.destroy()


def test_a_corrupt_settings_file_is_ignored_with_a_message(root):
    from digitpad.settings import settings_file

    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00{not settings")
    app = App(root, weights=SHIPPED_WEIGHTS)
    root.update()
    assert app.live.get() is True and app.recognizer is not None
    assert "settings" in app.status.get().lower()
    assert app.status_label.cget("foreground") == "#b00020"


def test_a_correction_can_be_undone_and_drawing_again_hides_undo(app):
    from digitpad.samples import count_samples, samples_dir

    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[1]])
    app.root.event_generate("<Key-7>")
    app.root.update()
    assert count_samples(samples_dir()) == 1
    assert app.kept.winfo_ismapped() and "7" in app.kept_text.get() and not app.hint.winfo_ismapped()
    app.kept_undo.invoke()
    app.root.update()
    assert count_samples(samples_dir()) == 0 and app.samples_text.get() == ""
    assert not app.kept.winfo_ismapped() and app.hint.winfo_ismapped()

    app.root.event_generate("<Key-4>")
    app.root.update()
    assert app.kept.winfo_ismapped()
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    assert not app.kept.winfo_ismapped() and count_samples(samples_dir()) == 1  # kept, no longer undoable


def test_my_samples_relabels_and_deletes_one_sample(app):
    from digitpad.samples import read_samples, samples_dir

    for digit in (1, 7):
        app.pad.clear()
        draw(app.pad, [dense(s) for s in DRAWN_DIGITS[digit]])
        app.root.event_generate(f"<Key-{digit}>")
    app.root.update()
    app.handwriting.show_samples()
    browser = app.handwriting.browser
    browser.update()
    assert len(browser._tiles) == 2
    first = next(iter(browser._tiles))
    browser.select(first)
    browser.event_generate("<KeyPress-3>")  # the first one was a 3, not a 1
    browser.update()
    assert sorted(read_samples(samples_dir()).labels) == [3, 7]
    assert len(browser._tiles) == 2 and browser.selected is not None
    browser.delete_button.invoke()
    browser.update()
    assert read_samples(samples_dir()).labels == [7]
    assert len(browser._tiles) == 1 and app.samples_text.get() == "1 sample kept"


@needs_tensorflow
def test_the_training_dialog_runs_again_after_a_run_and_keeps_its_chart(app, mnist_dir):
    dialog, _ = start_training(app, mnist_dir, epochs=1)
    assert "two-layer network" in dialog.title()
    pump(app.root, lambda: not dialog.running())
    assert "Done" in dialog.status.get() or "nothing was changed" in dialog.status.get()
    assert dialog.start_button.instate(["!disabled"]) and dialog._chart is not None
    first_worker = dialog.worker
    dialog.start_button.invoke()  # a second run from the same dialog
    assert dialog.worker is not first_worker and dialog.running()
    pump(app.root, lambda: not dialog.running())
    assert dialog.start_button.instate(["!disabled"]) and len(dialog._history) == 1


@needs_tensorflow
def test_closing_the_training_dialog_keeps_training_in_the_background(app, mnist_dir):
    dialog, batch_values = start_training(app, mnist_dir, epochs=50, batch_size=4)
    pump(app.root, lambda: batch_values)
    dialog.close()
    app.root.update()
    assert dialog.state() == "withdrawn" and dialog.running() and "background" in app.status.get()
    app.open_training()
    app.root.update()
    assert app.training is dialog and dialog.state() == "normal"
    dialog.cancel_button.invoke()
    pump(app.root, lambda: not dialog.running(), timeout=30)


@needs_tensorflow
def test_time_left_is_estimated_from_the_current_epochs_batch_rate(app, monkeypatch):
    from types import SimpleNamespace

    import digitpad.gui.training_dialog as training_dialog

    app.open_training()
    dialog = app.training
    clock = [100.0]
    monkeypatch.setattr(training_dialog.time, "monotonic", lambda: clock[0])

    def at(epoch, batch):
        return SimpleNamespace(epoch=epoch, epochs=5, batch=batch, batches=1000)

    assert dialog._time_left(at(0, 1)) == "estimating…"
    clock[0] += 600  # a slow start (TensorFlow warming up) is not measured...
    assert dialog._time_left(at(0, 10)) == "estimating…"
    clock[0] += 10
    assert dialog._time_left(at(1, 1)) == "estimating…"  # ...and a new epoch measures afresh
    clock[0] += 10
    # 100 batches in 10 s: 899 more in this epoch and 3 × 1000 after it, at 0.1 s each
    assert dialog._time_left(at(1, 101)) == "06:29"


@needs_tensorflow
def test_the_mnist_folder_typed_into_the_training_dialog_is_remembered(app, mnist_dir):
    from digitpad.settings import load_settings

    app.open_training()
    app.training.data.set(str(mnist_dir))
    app.training.close()
    assert load_settings()[0].mnist_folder == str(mnist_dir)
    app.open_training()
    assert app.training.data.get() == str(mnist_dir)


def test_the_teach_dialog_shows_progress_keeps_its_size_and_clears_the_empty_pad_message(app):
    app.handwriting.teach()
    dialog = app.handwriting.calibration
    dialog.update()
    size = (dialog.winfo_width(), dialog.winfo_height())
    assert dialog.overall.get().startswith("1 of 30")
    dialog.keep_button.invoke()  # nothing drawn
    dialog.update()
    assert "empty" in dialog.detail.get() and (dialog.winfo_width(), dialog.winfo_height()) == size
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[0]])
    assert "empty" not in dialog.detail.get()
    dialog.keep_button.invoke()
    assert dialog.overall.get().startswith("2 of 30") and "1 kept" in dialog.overall.get()
    dialog.close_button.invoke()
    assert not dialog.winfo_exists()


def test_broken_weights_of_the_user_give_way_to_the_shipped_ones_untouched(root):
    broken = user_weights()
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_bytes(b"not an HDF5 file")
    app = App(root)
    root.update()
    assert app.recognizer is not None and app.recognizer.weights.path == SHIPPED_WEIGHTS
    assert "shipped weights" in app.status.get() and str(broken.name) in app._status_tip
    assert broken.read_bytes() == b"not an HDF5 file"
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    assert app.answer.get() == "7"


def test_the_pad_grows_with_the_window_and_reads_the_same_drawing(app):
    app.root.geometry("1400x1000")
    app.root.update()
    from digitpad.gui.pad import MOST_SCALE

    scale = app.pad.scale
    assert scale == MOST_SCALE and app.pad.winfo_height() > 280 * MOST_SCALE  # the room taken; the pen no wider
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    assert app.answer.get() == "7"
    drawn = app.pad.strokes
    xs, ys = zip(*(point for stroke in drawn for point in stroke))
    assert (min(xs), max(xs), min(ys), max(ys)) == pytest.approx((70, 210, 50, 240), abs=1)  # pad units
    app.root.geometry("700x480")  # smaller again: the same strokes, drawn smaller
    app.root.update()
    assert app.pad.strokes == drawn and app.pad.scale < scale
    assert len(app.pad.find_withtag("ink")) > 0


def menu_labels(root):
    menubar = root.nametowidget(root["menu"])
    return [menubar.entrycget(index, "label") for index in range(menubar.index("end") + 1)
            if menubar.type(index) == "cascade"]


def tk_dialog_word(root, word):
    """A word as Tk's own dialogs (file dialog, message boxes) show it: Tk's catalog, its locale."""
    return root.tk.call("namespace", "eval", "::tk", ["::msgcat::mc", word])


def test_without_a_display_the_window_says_so_in_one_line(tmp_path):
    import os
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if key != "DISPLAY"} | {"DIGITPAD_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "digitpad"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "digitpad --help" in done.stderr


def test_the_window_speaks_chinese_when_the_environment_asks(root, monkeypatch):
    from digitpad.i18n import has_cjk_font

    if not has_cjk_font(tkfont.families(root)):
        pytest.skip("needs a CJK font (README: fonts-wqy-microhei)")
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    app = App(root, weights=SHIPPED_WEIGHTS)
    root.update()
    assert menu_labels(root) == ["文件", "模型", "视图", "帮助"]
    assert app.recognize_button.cget("text") == "识别"
    assert tk_dialog_word(root, "Cancel") == "取消"  # Tk's own Open… dialog and message boxes too
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]])
    assert app.detail.get().startswith("置信度 ")
    root.event_generate("<Key-7>")
    root.update()
    assert app.samples_text.get() == "已保存 1 个样本" and app.kept_text.get() == "已保存为数字 7 的样本。"


def test_the_language_setting_wins_over_the_environment_from_the_next_start(root, monkeypatch):
    from digitpad.settings import load_settings

    monkeypatch.setenv("LANGUAGE", "zh_CN")
    app = App(root, weights=SHIPPED_WEIGHTS)
    app.language.set("en")  # View → Language → English
    app.language_chosen()
    assert load_settings()[0].language == "en" and "重新启动" in app.status.get()
    root.destroy()
    second = tk.Tk()
    try:
        App(second, weights=SHIPPED_WEIGHTS)
        assert menu_labels(second) == ["File", "Model", "View", "Help"]
        assert tk_dialog_word(second, "Cancel") == "Cancel"
    finally:
        second.destroy()


def test_chinese_without_a_cjk_font_shows_english_and_says_what_to_install(root, monkeypatch):
    import digitpad.gui.app as app_module

    monkeypatch.setenv("LANGUAGE", "zh_CN")
    monkeypatch.setattr(app_module, "has_cjk_font", lambda families: False)
    app = App(root, weights=SHIPPED_WEIGHTS)
    root.update()
    assert menu_labels(root) == ["File", "Model", "View", "Help"]
    assert "fonts-noto-cjk" in app.status.get() and app.status_label.cget("foreground") == "#b00020"


def placed(strokes, scale, dx, dy=0):
    return [[(round(x * scale + dx), round(y * scale + dy)) for x, y in stroke] for stroke in strokes]


def draw_number(app, digits, scale=0.6, step=110):
    """Each digit of DRAWN_DIGITS drawn smaller, left to right."""
    for index, digit in enumerate(digits):
        draw(app.pad, [dense(s) for s in placed(DRAWN_DIGITS[digit], scale, index * step)])


def test_a_number_on_the_pad_is_read_digit_by_digit_with_boxes(app):
    draw_number(app, [1, 7])
    assert app.answer.get() == "17" and app.number.texts() == ["1", "7"]
    assert len(app.pad.find_withtag("boxes")) == 2
    app.choose_digit(1)
    assert app.chosen == 1 and app.bars.values == pytest.approx(app.reading.digits[1].probabilities.tolist())
    app.choose_digit(0)
    assert max(range(10), key=app.bars.values.__getitem__) == 1
    app.clear()
    assert app.pad.find_withtag("boxes") == () and app.answer.get() == BLANK


def test_a_wrong_digit_of_a_number_is_corrected_and_kept_alone(app):
    from digitpad.samples import read_samples, samples_dir

    draw_number(app, [1, 7])
    app.choose_digit(1)
    app.root.event_generate("<Key-4>")  # the user says the second digit is a 4
    app.root.update()
    samples = read_samples(samples_dir())
    assert samples.labels == [4]
    kept = app.recognizer.probabilities(samples.images[0])
    assert int(np.argmax(kept)) == 7  # the sample is the 7 alone, not the whole "17"


def test_an_opened_photo_of_a_number_shows_the_boxes_of_its_digits(app, tmp_path):
    strokes = placed(DRAWN_DIGITS[1], 0.6, 0, 20) + placed(DRAWN_DIGITS[7], 0.6, 110, 20) + \
        placed(DRAWN_DIGITS[0], 0.6, 220, 20)
    picture = Image.new("L", (380, 200), 255)
    picture.paste(render_strokes(strokes, size=400).crop((0, 0, 380, 200)))
    path = tmp_path / "number.png"
    picture.save(path)
    app.show_photo(str(path))
    wait_for_photo(app)
    assert app.answer.get() == "170"
    assert len(app.pad.find_withtag("boxes")) == 3


def test_a_correction_shows_the_corrected_digit_and_keeps_the_window_size(app):
    draw_number(app, [1, 7])
    app.root.update()
    size = (app.root.winfo_width(), app.root.winfo_height())
    app.choose_digit(1)
    app.root.event_generate("<Key-4>")
    app.root.update()
    assert app.answer.get() == "14" and app.number.texts() == ["1", "4"]
    assert (app.root.winfo_width(), app.root.winfo_height()) == size


def test_shortcuts_work_with_caps_lock_on(app):
    draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]] + [dense([(100, 150), (180, 150)])])
    app.root.event_generate("<Control-Z>")  # what Ctrl+Z sends with Caps Lock on
    assert len(app.pad.strokes) == 1


def test_an_eight_digit_number_fits_the_answer(app):
    draw_number(app, [1, 7, 0, 1, 7, 0, 1, 7], scale=0.3, step=55)
    app.root.update()
    assert len(app.number.texts()) == len(app.reading.digits) == 8
    last = app.number._columns[-1]
    assert last.winfo_x() + last.winfo_width() <= app.number.winfo_width()  # nothing cut off


@needs_tensorflow
def test_training_fields_take_only_whole_numbers_in_range(app):
    app.open_training()
    dialog = app.training
    for epochs, batch_size in (("1.5", "32"), ("2", "99999999"), ("0", "32")):
        dialog.epochs.set(epochs)
        dialog.setvar(str(dialog.batch_size), batch_size)
        dialog.start_button.invoke()
        assert dialog.worker is None and ("whole" in dialog.status.get() or "1 to" in dialog.status.get())


def test_a_saved_window_larger_than_the_screen_keeps_to_the_screen(root):
    from digitpad.settings import Settings, save_settings

    save_settings(Settings(window_size="9000x9000"))
    App(root, weights=SHIPPED_WEIGHTS)
    root.update()
    smallest_width, smallest_height = root.minsize()  # (which wins on a screen smaller than it)
    assert root.winfo_width() <= max(root.winfo_screenwidth(), smallest_width)
    assert root.winfo_height() <= max(root.winfo_screenheight(), smallest_height)
    assert (root.winfo_width(), root.winfo_height()) != (9000, 9000)


def test_a_corrected_digit_stays_corrected_when_another_is_chosen(app):
    draw_number(app, [1, 7])
    app.choose_digit(1)
    app.root.event_generate("<Key-4>")
    app.root.update()
    assert "Corrected to 4" in app.detail.get()
    app.choose_digit(0)
    assert app.answer.get() == "14" and app.number.texts() == ["1", "4"]
    draw(app.pad, [dense(s) for s in placed(DRAWN_DIGITS[0], 0.6, 220)])  # drawing again: read afresh
    assert app.answer.get() == "170"


def test_the_not_a_digit_head_is_found_once_not_at_every_stroke(app, monkeypatch):
    import digitpad.recognition.recognizer as recognizer_module

    found = []
    real = recognizer_module.find_head
    monkeypatch.setattr(recognizer_module, "find_head", lambda weights: found.append(weights) or real(weights))
    for digit in (1, 7, 0):
        app.clear()
        draw(app.pad, [dense(s) for s in DRAWN_DIGITS[digit]])
        assert app.answer.get() == str(digit)
    assert len(found) == 1  # a file read and a digest of the weights, once for these weights
    app.framed.set(False)  # View → Framing off: another pipeline, no head
    app.recognize()
    assert len(found) == 1


def test_a_digit_of_a_number_the_head_doubts_is_shown_as_doubtful(app):
    from digitpad.gui.number_strip import UNSURE_COLOUR
    from digitpad.recognition.numbers import DigitReading, Reading

    def digit(value, confidence, not_digit, left):
        return DigitReading(value, confidence, np.eye(10)[value] * confidence, (left, 20, left + 60, 120),
                            np.zeros((28, 28), dtype=np.float32), not_digit=not_digit)

    app._show_reading(Reading((digit(6, 0.98, 0.01, 10), digit(2, 0.97, 0.995, 90))), blank="")
    app.root.update()
    colours = [column.winfo_children()[1].cget("foreground") for column in app.number._columns]
    assert colours[0] != UNSURE_COLOUR and colours[1] == UNSURE_COLOUR  # 97 % sure, but likely no digit
    app.choose_digit(1)
    assert "not sure this is one digit" in app.detail.get()


def test_each_digit_of_a_short_number_shows_its_confidence(app):
    draw_number(app, [1, 7])
    app.root.update()
    strip_bottom = app.number.winfo_height()
    for column in app.number._columns:
        confidence = column.winfo_children()[1]
        assert column.winfo_y() + confidence.winfo_y() + confidence.winfo_height() <= strip_bottom  # not cut off


FILE_DIALOG = ".__tk_filedialog"  # Tk's own Open dialog on X11 (tkfbox.tcl)


def type_into_file_dialog(root, typed, warnings, listed):
    """When Tk's Open dialog shows, type `typed` as the file name and press its Open button. The
    names it lists first are kept in `listed`; a warning it gives instead (a message box) is kept in
    `warnings`, closed, and the dialog cancelled."""
    data = "::tk::dialog::file::__tk_filedialog"

    def answer():
        if not int(root.tk.call("winfo", "exists", FILE_DIALOG)):
            root.after(20, answer)
            return
        root.tk.call("::tk::dialog::file::Update", FILE_DIALOG)  # list the folder now, not when idle
        icons = root.tk.call("set", f"{data}(icons)")
        listed.extend(str(root.tk.call(icons, "get", item)) for item in range(int(root.tk.call(icons, "index", "end"))))
        entry = root.tk.call("set", f"{data}(ent)")
        root.tk.call(entry, "delete", 0, "end")
        root.tk.call(entry, "insert", 0, typed)
        root.after_idle(lambda: root.tk.call(root.tk.call("set", f"{data}(okBtn)"), "invoke"))
        root.after(20, dismiss_warning)

    def dismiss_warning():
        if not int(root.tk.call("winfo", "exists", FILE_DIALOG)):
            return  # the dialog took the name
        box = FILE_DIALOG + ".__tk__messagebox"
        if int(root.tk.call("winfo", "exists", box)):
            warnings.append(root.tk.call(box + ".msg", "cget", "-text"))
            root.tk.call("set", "::tk::Priv(button)", "ok")
            root.after_idle(lambda: root.tk.call(root.tk.call("set", f"{data}(cancelBtn)"), "invoke"))
            return
        root.after(20, dismiss_warning)

    root.after(20, answer)


@pytest.mark.parametrize("name, typed", [("photo", "photo"), ("scan.jpg", "scan.jpg"), ("SCAN.JPG", "SCAN.JPG"),
                                         ("digit.png", "digit.png"), ("picture.jpeg", "picture.jpeg"),
                                         ("scan.JPG", "scan"), ("photo.webp", "photo"), ("IMG_2.PNG", "IMG_2.PNG")])
def test_open_takes_a_file_name_typed_with_any_extension_or_none(app, tmp_path, name, typed):
    image = Image.new("L", (280, 280), 255)
    image.paste(render_strokes([[(x, y) for x, y in s] for s in DRAWN_DIGITS[7]]))
    image.save(tmp_path / name, format="PNG" if not name.lower().endswith((".jpg", ".jpeg")) else "JPEG")
    app.settings.last_folder = str(tmp_path)  # Open… starts there
    (tmp_path / "notes.txt").write_text("not an image")
    warnings, listed = [], []
    type_into_file_dialog(app.root, typed, warnings, listed)
    app.open_button.invoke()
    assert not warnings, warnings
    assert "notes.txt" not in listed and (name in listed) == ("." in name)  # images are listed, any case
    wait_for_photo(app)
    assert app.status.get().startswith(f"Opened {name}.")
    assert app.pad.photo is not None and app.answer.get() == "7"
    assert app.settings.last_folder == str(tmp_path)


def test_a_name_typed_without_extension_means_the_one_image_of_that_name(tmp_path):
    from digitpad.gui.open_dialog import complete_image_name

    (tmp_path / "scan.JPG").write_bytes(b"x")
    (tmp_path / "page.png").write_bytes(b"x")
    (tmp_path / "page.jpg").write_bytes(b"x")
    (tmp_path / "notes.txt").write_bytes(b"x")
    (tmp_path / "photo").write_bytes(b"x")
    assert complete_image_name(str(tmp_path), "scan") == "scan.JPG"
    assert complete_image_name(str(tmp_path), "page") == "page"  # two images of that name: Tk says none is
    assert complete_image_name(str(tmp_path), "notes") == "notes"  # not an image
    assert complete_image_name(str(tmp_path), "photo") == "photo"  # a file of that very name
    assert complete_image_name(str(tmp_path), "scan.png") == "scan.png"  # an extension typed is kept
    assert complete_image_name(str(tmp_path), "*.JPG") == "*.JPG"  # a pattern filters the list
    assert complete_image_name(str(tmp_path / "missing"), "scan") == "scan"


def test_a_file_that_cannot_be_opened_is_no_longer_said_once_the_user_draws_or_clears(app, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    for move_on in (lambda: draw(app.pad, [dense(s) for s in DRAWN_DIGITS[7]]), app.clear):
        app.show_photo(str(bad))
        wait_for_photo(app)
        assert "bad.png" in app.status.get() and app.status_label.cget("foreground") == "#b00020"
        move_on()
        assert "bad.png" not in app.status.get()
    assert app.pad.is_blank() and app.answer.get() == BLANK


def test_the_longest_messages_under_the_answer_are_not_cut_off(app):
    from digitpad.recognition.numbers import DigitReading, Reading

    def lines_needed(label):
        whole = tk.Label(app.root, text=label.cget("text"), font=label.cget("font"), justify="left",
                         wraplength=label.cget("wraplength"))
        needed = whole.winfo_reqheight()
        whole.destroy()
        return needed

    digits = tuple(DigitReading(7, 0.532, np.eye(10)[7] * 0.532, (i * 30, 20, i * 30 + 25, 100),
                                np.zeros((28, 28), np.float32), not_digit=0.99) for i in range(12))
    app._show_reading(Reading(digits), blank="")  # "Digit 12 of 12: not sure this is one digit (53.2% sure)…"
    for show in (lambda: app.choose_digit(11), lambda: app._photo_read(
            type("Result", (), {"reading": Reading(()), "region": object(), "outline": None})())):
        show()
        app.root.update()
        label = app.detail_label
        assert app.detail.get() and label.winfo_height() >= lines_needed(label), app.detail.get()


def test_saving_a_blank_pad_says_there_is_nothing_to_save(app, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr("tkinter.filedialog.asksaveasfilename", lambda **options: asked.append(options) or "")
    app.root.event_generate("<Control-s>")
    app.root.update()
    assert not asked and "Nothing to save" in app.status.get()
