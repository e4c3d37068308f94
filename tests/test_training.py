import threading

import numpy as np
import pytest
from conftest import tiny_mnist

from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.weights import TrainingBusy, WeightsError, read_weights

training = pytest.importorskip("digitpad.training.train")
keras = pytest.importorskip("keras")
build_model = pytest.importorskip("digitpad.training.models").build_model


@pytest.fixture
def data():
    return tiny_mnist()


def test_short_training_learns_and_saves(tmp_path, data):
    out = tmp_path / "w.weights.h5"
    reports = []
    result = training.train(data, out, epochs=3, batch_size=16, seed=1, on_progress=reports.append)
    assert result.saved and not result.cancelled
    assert [r.epoch for r in result.history] == [1, 2, 3]
    assert result.best_accuracy == max(r.val_accuracy for r in result.history)
    assert result.best_accuracy > 0.8  # chance is 0.1
    recognizer = Recognizer.load(out)
    (_, _), (x_test, y_test) = data
    accuracy = np.mean(recognizer.network_probabilities(x_test / 255.0).argmax(axis=1) == y_test)
    assert accuracy == pytest.approx(result.best_accuracy, abs=1e-6)
    assert recognizer.weights.test_accuracy == pytest.approx(result.best_accuracy)
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_the_weights_kept_are_averaged_over_the_epoch(tmp_path, data):
    """train() keeps a moving average of its weights and saves that: after one epoch it
    has moved much less far from where training started than the last step's weights."""
    (x_train, y_train), _ = data
    keras.utils.set_random_seed(1)
    plain = build_model()
    start = plain.get_weights()[0]  # the hidden layer's kernel, as train(seed=1) starts too
    plain.fit(training.scale(x_train), y_train, batch_size=16, epochs=1, verbose=0)
    out = tmp_path / "w.weights.h5"
    training.train(data, out, epochs=1, batch_size=16, seed=1)
    kept = read_weights(out).params[0][0]
    plain_moved, kept_moved = np.abs(plain.get_weights()[0] - start).mean(), np.abs(kept - start).mean()
    assert 0.2 * plain_moved < kept_moved < 0.8 * plain_moved


def test_progress_reports_batches_and_epochs(tmp_path, data):
    reports = []
    training.train(data, tmp_path / "w.weights.h5", epochs=2, batch_size=16, on_progress=reports.append)
    batches = reports[0].batches
    assert batches == 19  # ceil(300 / 16)
    ends = [r for r in reports if r.epoch_done]
    assert [r.epoch for r in ends] == [0, 1]
    assert all(r.val_accuracy is not None and 0 <= r.val_accuracy <= 1 for r in ends)
    assert all(0 < r.batch <= batches and r.loss >= 0 for r in reports)


def test_resumes_from_existing_weights(tmp_path, data):
    out = tmp_path / "w.weights.h5"
    first = training.train(data, out, epochs=2, batch_size=16, seed=1)
    second = training.train(data, out, start_from=out, epochs=1, batch_size=16, seed=2)
    assert second.start_accuracy == pytest.approx(first.best_accuracy, abs=1e-6)
    if not second.saved:  # no improvement: the previous best stays
        assert Recognizer.load(out).weights.test_accuracy == pytest.approx(first.best_accuracy)


def test_cancel_before_any_epoch_keeps_the_old_weights(tmp_path, data, shipped_weights):
    out = tmp_path / "w.weights.h5"
    out.write_bytes(shipped_weights.read_bytes())
    cancel = threading.Event()
    result = training.train(
        data, out, epochs=5, batch_size=4, on_progress=lambda p: cancel.set(), cancel=cancel
    )
    assert result.cancelled and not result.saved and result.history == []
    assert out.read_bytes() == shipped_weights.read_bytes()
    assert list(tmp_path.iterdir()) == [out]


def test_cancel_keeps_the_best_epoch_so_far(tmp_path, data):
    out = tmp_path / "w.weights.h5"
    cancel = threading.Event()
    batches_seen = []

    def on_progress(progress):
        if progress.epoch == 1:
            batches_seen.append(progress.batch)
            cancel.set()

    result = training.train(data, out, epochs=5, batch_size=4, on_progress=on_progress, cancel=cancel)
    assert result.cancelled and result.saved
    assert len(result.history) == 1
    assert Recognizer.load(out).weights.test_accuracy == pytest.approx(result.history[0].val_accuracy)
    assert min(batches_seen) < 75  # stopped mid-epoch (75 batches per epoch)


def test_crash_during_training_keeps_the_old_weights(tmp_path, data, shipped_weights):
    out = tmp_path / "w.weights.h5"
    out.write_bytes(shipped_weights.read_bytes())

    def crash(progress):
        if progress.epoch_done:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        training.train(data, out, epochs=3, batch_size=16, on_progress=crash)
    assert out.read_bytes() == shipped_weights.read_bytes()
    assert list(tmp_path.iterdir()) == [out]


def test_missing_start_weights_are_an_error_not_a_fresh_start(tmp_path, data, shipped_weights):
    out = tmp_path / "w.weights.h5"
    out.write_bytes(shipped_weights.read_bytes())
    with pytest.raises(WeightsError, match="typo.weights.h5 does not exist"):
        training.train(data, out, start_from=tmp_path / "typo.weights.h5", epochs=1)
    assert out.read_bytes() == shipped_weights.read_bytes()


@pytest.fixture
def well_trained(tmp_path, data):
    """Weights that reach about 100% on the tiny data set, and a copy of their bytes."""
    out = tmp_path / "w.weights.h5"
    first = training.train(data, out, epochs=3, batch_size=16, seed=1)
    assert first.best_accuracy > 0.9
    return out, out.read_bytes(), first.best_accuracy


def test_a_fresh_training_never_replaces_better_weights(data, well_trained):
    out, before, accuracy = well_trained
    # one batch per epoch: epoch 1 is far worse than the weights already there
    result = training.train(data, out, epochs=1, batch_size=300, seed=2)
    assert result.history[0].val_accuracy < accuracy
    assert not result.saved and result.out_accuracy == pytest.approx(accuracy, abs=1e-6)
    assert result.best_accuracy == result.out_accuracy
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no backup: nothing replaced


def test_replace_lets_worse_weights_in_and_keeps_the_old_file(data, well_trained):
    out, before, accuracy = well_trained
    result = training.train(data, out, epochs=1, batch_size=300, seed=2, replace=True)
    assert result.saved and result.best_accuracy < accuracy
    assert Recognizer.load(out).weights.test_accuracy == pytest.approx(result.best_accuracy)
    assert result.backup == out.with_name("w.previous.weights.h5") and result.backup.read_bytes() == before


def test_an_epoch_better_than_the_file_replaces_it_and_the_old_one_is_kept(tmp_path, data, shipped_weights):
    out = tmp_path / "w.weights.h5"
    out.write_bytes(shipped_weights.read_bytes())  # about chance on the tiny data set
    result = training.train(data, out, epochs=2, batch_size=16, seed=1)
    assert result.saved and result.best_accuracy > result.out_accuracy
    assert result.backup.read_bytes() == shipped_weights.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.previous.weights.h5", "w.weights.h5"]


def test_a_file_that_holds_no_weights_is_not_replaced_unless_asked(tmp_path, data):
    out = tmp_path / "notes.weights.h5"
    out.write_text("my notes")
    with pytest.raises(WeightsError, match="notes.weights.h5 is not a readable weights file.*left unchanged: to overwrite it, use --replace"):
        training.train(data, out, epochs=1, batch_size=16)
    assert out.read_text() == "my notes"
    assert training.train(data, out, epochs=1, batch_size=16, replace=True).saved
    assert out.with_name("notes.previous.weights.h5").read_text() == "my notes"


def test_leftover_temporary_files_are_never_taken_for_a_new_best(data, well_trained):
    out, before, _ = well_trained
    for name in (".w.partial.weights.h5", ".w.abcd1234.partial.weights.h5"):  # old fixed name, mkstemp's
        (out.parent / name).write_bytes(b"\x89HDF left by a killed run")
    result = training.train(data, out, epochs=1, batch_size=300, seed=2)
    assert not result.saved and out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # and they are cleaned up


def test_two_trainings_of_the_same_file_at_once_are_refused(tmp_path, data):
    out = tmp_path / "w.weights.h5"
    cancel = threading.Event()
    refused = []

    def second_training(progress):
        if not cancel.is_set():
            cancel.set()
            with pytest.raises(TrainingBusy, match=f"another training is writing {out}") as error:
                training.train(data, out, epochs=1, batch_size=16)
            refused.append(error)

    result = training.train(data, out, epochs=2, batch_size=16, on_progress=second_training, cancel=cancel)
    assert refused and result.cancelled
    assert training.train(data, out, epochs=1, batch_size=16).saved  # free again afterwards


def test_an_output_that_is_a_symlink_or_a_device_is_refused_before_training(tmp_path, data, shipped_weights):
    import os

    link = tmp_path / "link.weights.h5"
    link.symlink_to(shipped_weights)
    for out, message in [(link, "symbolic link"), ("/dev/null", "device")]:
        if os.path.exists(out):
            with pytest.raises(WeightsError, match=message):
                training.train(data, out, epochs=1, batch_size=16)
    assert link.is_symlink()


def test_augmented_training_runs(tmp_path, data):
    result = training.train(data, tmp_path / "w.weights.h5", epochs=2, batch_size=16, augment=True, seed=3)
    assert result.saved and len(result.history) == 2
    assert result.best_accuracy > 0.3


def test_resuming_from_foreign_weights_is_refused(tmp_path, data):
    bad = tmp_path / "bad.weights.h5"
    bad.write_text("not hdf5")
    with pytest.raises(WeightsError, match="bad.weights.h5 is not a readable weights file"):
        training.train(data, tmp_path / "w.weights.h5", start_from=bad, epochs=1)


def test_augmentation_varies_but_keeps_digits_recognisable():
    from digitpad.training.augment import augmented_dataset

    (x, y), _ = tiny_mnist(n_train=64)
    images, labels = next(iter(augmented_dataset(x / 255.0, y, 64, seed=0)))
    images = images.numpy()
    assert images.shape == (64, 28, 28)
    assert 0.0 <= images.min() and images.max() <= 1.0
    assert sorted(labels.numpy()) == sorted(y)
    # each image still has ink, and not the same as any original image
    assert (images.sum(axis=(1, 2)) > 5).all()
    originals = x / 255.0
    assert min(np.abs(image - originals).mean(axis=(1, 2)).min() for image in images) > 1e-3


def test_convolutional_network_trains_and_is_read_back(tmp_path, data):
    out = tmp_path / "cnn.weights.h5"
    result = training.train(data, out, epochs=2, batch_size=16, seed=1, kind="cnn")
    assert result.saved and result.best_accuracy > 0.5
    recognizer = Recognizer.load(out)
    assert recognizer.weights.kind == "cnn"
    (_, _), (x_test, y_test) = data
    accuracy = np.mean(recognizer.network_probabilities(x_test / 255.0).argmax(axis=1) == y_test)
    assert accuracy == pytest.approx(result.best_accuracy, abs=1e-6)


def test_resuming_one_network_from_the_others_weights_is_refused(tmp_path, data, shipped_weights):
    with pytest.raises(WeightsError, match="holds weights of the mlp network: train it with --model mlp"):
        training.train(data, tmp_path / "cnn.weights.h5", start_from=shipped_weights, epochs=1, kind="cnn")


def test_augmentation_leaves_the_images_marked_as_drawn_unchanged():
    from digitpad.training.augment import augmented_dataset

    (x, y), _ = tiny_mnist(n_train=64)
    x = x / 255.0
    as_drawn = np.arange(64) < 20
    images, _ = next(iter(augmented_dataset(x, y, 64, seed=0, as_drawn=as_drawn)))
    distances = np.abs(images.numpy()[:, None] - x[None]).max(axis=(2, 3))  # (output, original)
    unchanged = distances.min(axis=1) < 1e-6
    assert unchanged.sum() == 20
    assert set(distances[unchanged].argmin(axis=1)) == set(range(20))
