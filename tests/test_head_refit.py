"""Training new weights fits their "not a digit" head in the same job: progress, cancel, files."""
import threading
import time

import numpy as np
import pytest
import test_gui
from conftest import DRAWN_DIGITS, line_drawing, tiny_mnist

from digitpad.recognition.not_digit import fixed_digest, head_path, read_head
from digitpad.recognition.recognizer import IS_DIGIT, NO_DIGIT_VERDICT, NOT_SURE_VERDICT, Recognizer
from digitpad.recognition.weights import backup_path, read_weights

training = pytest.importorskip("digitpad.training.train")
from digitpad.paths import shipped_weights, user_weights  # noqa: E402
from digitpad.training.progress import HeadProgress  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return tiny_mnist()


def files(folder):
    """The files a training left, its lock file aside."""
    return sorted(path.name for path in folder.iterdir() if not path.name.endswith(".lock"))


def test_new_convolutional_weights_get_their_head_and_recognition_uses_it(tmp_path, data):
    out = tmp_path / "mine.weights.h5"
    reports = []
    result = training.train(data, out, epochs=1, batch_size=16, seed=1, kind="cnn", on_progress=reports.append)
    assert result.saved and not result.cancelled and result.head_problem is None
    assert result.head == head_path(out) and files(tmp_path) == ["mine.not-digit.npz", "mine.weights.h5"]
    steps = [report for report in reports if isinstance(report, HeadProgress)]
    assert steps[0].step == 0 and steps[-1].step == steps[-1].steps  # the progress goes from start to end
    assert [s.step for s in steps] == sorted(s.step for s in steps)
    assert reports.index(steps[0]) > max(i for i, r in enumerate(reports) if not isinstance(r, HeadProgress))

    recognizer = Recognizer.load(out)
    head = recognizer.not_digit_head
    assert head is not None and head.digest == fixed_digest("cnn", recognizer.weights.params)
    beside = read_head(head_path(out))
    assert beside.digest == head.digest and all(np.array_equal(a, b) for a, b in zip(beside.params[0], head.params[0]))
    assert head.digest != read_head(head_path(shipped_weights("cnn"))).digest  # its own, not the shipped one
    (_, _), (x_test, _) = data
    doubts = recognizer.probabilities_and_doubts(x_test / 255.0)[1]
    assert doubts is not None and doubts.shape == (len(x_test),)
    judged = recognizer.judge(line_drawing(DRAWN_DIGITS[7], pen=24))
    assert judged.not_digit is not None and judged.verdict in (IS_DIGIT, NOT_SURE_VERDICT, NO_DIGIT_VERDICT)


def test_two_layer_weights_keep_the_head_that_reads_pixels(tmp_path, data):
    """The two-layer network's head reads the pixels, not the network: no fitting, no file."""
    out = tmp_path / "mine.weights.h5"
    reports = []
    result = training.train(data, out, epochs=1, batch_size=16, seed=1, on_progress=reports.append)
    assert result.saved and result.head is None and result.head_problem is None
    assert not any(isinstance(report, HeadProgress) for report in reports)
    assert files(tmp_path) == ["mine.weights.h5"]
    head, shipped = Recognizer.load(out).not_digit_head, Recognizer.load(kind="mlp").not_digit_head
    assert head is not None and np.array_equal(head.params[0][0], shipped.params[0][0])


def cancel_in_head_fitting(at_step=1):
    cancel = threading.Event()
    seen = []

    def on_progress(report):
        if isinstance(report, HeadProgress):
            seen.append(report.step)
            if report.step >= at_step:
                cancel.set()

    return cancel, on_progress, seen


def test_cancel_while_fitting_the_head_keeps_the_weights_without_a_head(tmp_path, data):
    out = tmp_path / "mine.weights.h5"
    cancel, on_progress, seen = cancel_in_head_fitting()
    result = training.train(data, out, epochs=1, batch_size=16, seed=1, kind="cnn", on_progress=on_progress,
                            cancel=cancel)
    assert result.saved and result.cancelled and result.head is None and result.head_problem == "cancelled"
    assert max(seen) == 1  # stopped in the step it was cancelled in
    assert files(tmp_path) == ["mine.weights.h5"]  # no head, no temporary file
    recognizer = Recognizer.load(out)
    assert recognizer.weights.test_accuracy == pytest.approx(result.best_accuracy)
    assert recognizer.not_digit_head is None  # today's answers: digits, without "not a digit"


def test_replaced_weights_take_their_head_with_them_to_the_backup(tmp_path, data):
    """The user's weights and head, replaced by training (then cancelled while fitting the new
    head): the old pair is kept together, and the new weights have no head that is not theirs."""
    out = tmp_path / "mine.weights.h5"
    out.write_bytes(shipped_weights("cnn").read_bytes())
    users_head = head_path(shipped_weights("cnn")).read_bytes()
    head_path(out).write_bytes(users_head)
    cancel, on_progress, _seen = cancel_in_head_fitting()
    result = training.train(data, out, epochs=1, batch_size=16, seed=1, kind="cnn", on_progress=on_progress,
                            cancel=cancel, replace=True)
    assert result.saved and result.backup == backup_path(out)
    assert files(tmp_path) == ["mine.previous.not-digit.npz", "mine.previous.weights.h5", "mine.weights.h5"]
    assert head_path(result.backup).read_bytes() == users_head
    assert read_head(head_path(result.backup)).digest == fixed_digest("cnn", read_weights(result.backup).params)
    assert Recognizer.load(out).not_digit_head is None

    # trained again, to the end: the new weights get their own head; the backup keeps its pair
    again = training.train(data, out, epochs=1, batch_size=16, seed=2, kind="cnn", replace=True)
    assert again.head == head_path(out) and read_head(head_path(out)).digest == Recognizer.load(out).not_digit_head.digest
    assert files(tmp_path) == ["mine.not-digit.npz", "mine.previous.weights.h5", "mine.weights.h5"]
    # the backup now holds the weights of the cancelled run, which had no head: none is left beside them


def test_a_head_that_cannot_be_written_leaves_the_weights_usable_and_says_why(tmp_path, data):
    out = tmp_path / "mine.weights.h5"
    head_path(out).mkdir()  # something that is no head file is in the head's place
    reports = []
    result = training.train(data, out, epochs=1, batch_size=16, seed=1, kind="cnn", on_progress=reports.append)
    assert not any(isinstance(report, HeadProgress) for report in reports)  # said before fitting for nothing
    assert result.saved and not result.cancelled and result.head is None
    assert "mine.not-digit.npz is in its place and is not a file" in result.head_problem
    assert head_path(out).is_dir() and files(tmp_path) == ["mine.not-digit.npz", "mine.weights.h5"]
    assert Recognizer.load(out).weights.test_accuracy == pytest.approx(result.best_accuracy)


root = test_gui.root  # the window's fixture: a Tk callback that raises fails the test


@pytest.fixture
def cnn_app(root):
    from digitpad.gui.app import App

    app = App(root, weights=shipped_weights("cnn"))
    root.update()
    return app


def train_in_the_window(app, mnist_dir, on_report=lambda dialog, item: None):
    """Model → Train… with the tiny MNIST, 2 epochs; runs until the job ends; the dialog."""
    app.open_training()
    dialog = app.training
    dialog.data.set(str(mnist_dir))
    dialog.epochs.set(2)
    dialog.batch_size.set(16)
    dialog.augment.set(False)
    report = dialog._report

    def recording_report(item):
        report(item)
        on_report(dialog, item)

    dialog._report = recording_report
    dialog.start_button.invoke()
    deadline = time.monotonic() + 300
    while dialog.running():
        assert time.monotonic() < deadline, "timed out waiting for the training"
        app.root.update()
    app.root.update()
    return dialog


def test_the_window_fits_the_head_of_its_new_weights_and_uses_it(cnn_app, mnist_dir):
    seen = []
    dialog = train_in_the_window(cnn_app, mnist_dir, lambda dialog, item: seen.append(
        (dialog.status.get(), float(dialog.batch_bar["value"]))) if isinstance(item, HeadProgress) else None)
    assert seen and {status for status, _bar in seen} == {
        "Fitting the not-a-digit check for the new weights (they are saved)…"}
    assert [bar for _status, bar in seen] == sorted(bar for _status, bar in seen) and seen[-1][1] > seen[0][1]
    out = user_weights("cnn")
    assert dialog.status.get().startswith("Done: the best weights")
    assert dialog.numbers.get() == "Their not-a-digit check: mnist-cnn.not-digit.npz" and head_path(out).is_file()
    assert cnn_app.recognizer.weights.path == out
    assert cnn_app._current_recognizer().not_digit_head.digest == fixed_digest("cnn", cnn_app.recognizer.weights.params)


def test_cancel_in_the_window_while_fitting_the_head_keeps_the_new_weights(cnn_app, mnist_dir):
    def cancel_at_head(dialog, item):
        if isinstance(item, HeadProgress) and dialog.cancel_button.instate(["!disabled"]):
            dialog.cancel_button.invoke()
            assert dialog.status.get() == "Cancelling: the new weights are kept, without their not-a-digit check…"

    dialog = train_in_the_window(cnn_app, mnist_dir, cancel_at_head)
    out = user_weights("cnn")
    assert dialog.status.get().startswith("Cancelled; kept the best weights")
    assert dialog.numbers.get() == 'They have no not-a-digit check (cancelled): they never answer "not a digit".'
    assert out.is_file() and not head_path(out).exists()
    assert [p.name for p in out.parent.iterdir() if "partial" in p.name] == []
    assert cnn_app.recognizer.weights.path == out and cnn_app._current_recognizer().not_digit_head is None
    assert 'They have no not-a-digit check (cancelled): they never answer "not a digit".' in cnn_app.status.get()


def test_digitpad_train_fits_the_head_and_says_where(mnist_dir, isolated_home, capsys):
    from digitpad.cli import main

    assert main(["train", "--model", "cnn", "--data", str(mnist_dir), "--epochs", "1", "--fresh", "--seed", "0"]) == 0
    out = capsys.readouterr().out
    written = isolated_home / "mnist-cnn.weights.h5"
    assert "fitting the not-a-digit check for the new weights" in out
    assert f"their not-a-digit check: {head_path(written)}" in out
    assert Recognizer.load(written).not_digit_head.digest == fixed_digest("cnn", read_weights(written).params)


def test_ctrl_c_while_digitpad_train_fits_the_head_keeps_the_weights(mnist_dir, isolated_home):
    import signal
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "digitpad", "train", "--model", "cnn", "--data", str(mnist_dir),
                                "--epochs", "1", "--fresh"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in process.stdout:
        if line.startswith("fitting the not-a-digit check"):
            process.send_signal(signal.SIGINT)
            break
    out, err = process.communicate(timeout=300)
    assert process.returncode == 130, err
    written = isolated_home / "mnist-cnn.weights.h5"
    assert "saved the best weights" in out and f"to {written}" in out
    assert "Traceback" not in err and err.strip().splitlines()[-1] == (  # (TensorFlow logs before it)
        f'digitpad: they have no not-a-digit check (cancelled): they read digits but never answer "not a digit" or '
        f'"not sure"; to fit it: python -m digitpad.training.not_digit {written} --mnist {mnist_dir}')
    assert sorted(p.name for p in isolated_home.iterdir() if not p.name.endswith(".lock")) == ["mnist-cnn.weights.h5"]
    assert Recognizer.load(written).not_digit_head is None
