import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import h5py
import numpy as np
import pytest
from conftest import SHARED_MNIST, tiny_mnist

from digitpad import adapting
from digitpad.paths import adapted_weights, resolve_weights, shipped_mnist_subset, shipped_weights, user_weights
from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.weights import read_weights


@pytest.fixture
def small_subset(tmp_path):
    """A small stand-in for the shipped MNIST subset (the real one costs the CNN seconds)."""
    (images, labels), _ = tiny_mnist(n_train=200)
    path = tmp_path / "subset.npz"
    np.savez_compressed(path, images=images, labels=labels, indices=np.arange(200))
    return path


def hollow_boxes():
    """A way of writing 4 that MNIST never shows: a hollow box."""
    boxes = np.zeros((6, 28, 28), np.float32)
    for index, box in enumerate(boxes):
        box[6 + index % 3 : 22, 8:20] = 1.0
        box[9 + index % 3 : 19, 11:17] = 0.0
    return boxes, np.full(6, 4)


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_adapting_learns_the_users_style_and_changes_only_the_dense_layers(tmp_path, small_subset, kind):
    boxes, labels = hollow_boxes()
    start = shipped_weights(kind)
    before = Recognizer.load(start).probabilities_of_pixels(boxes).argmax(axis=1)
    assert (before != 4).any()
    out = tmp_path / "adapted.weights.h5"
    result = adapting.adapt(start, boxes, labels, out, subset=small_subset)
    assert result.saved and not result.cancelled
    assert result.samples_before == np.mean(before == 4) and result.samples_after == 1.0  # the app's answers
    assert (Recognizer.load(out).probabilities_of_pixels(boxes).argmax(axis=1) == 4).all()
    old, new = read_weights(start), read_weights(out)
    assert new.kind == kind and new.adapted_from == start.resolve()
    changed = [any(not np.array_equal(a, b) for a, b in zip(o, n)) for o, n in zip(old.params, new.params)]
    assert changed == [False] * (len(changed) - 2) + [True, True]  # convolutions fixed, dense layers learnt


def test_adapting_keeps_the_weights_it_started_from_and_always_starts_from_them(tmp_path, small_subset):
    own = tmp_path / "own.weights.h5"
    shutil.copy(shipped_weights(), own)
    original = own.read_bytes()
    boxes, labels = hollow_boxes()
    first, again = tmp_path / "first.weights.h5", tmp_path / "again.weights.h5"
    adapting.adapt(own, boxes, labels, first, subset=small_subset)
    result = adapting.adapt(first, boxes, labels, again, subset=small_subset)  # adapting the adapted file
    assert result.start_from == own and read_weights(again).adapted_from == own.resolve()
    assert own.read_bytes() == original
    # the same samples from the same weights give the same weights: nothing built on the first adaptation
    assert all(np.array_equal(a, b) for x, y in zip(read_weights(first).params, read_weights(again).params)
               for a, b in zip(x, y))
    with pytest.raises(adapting.AdaptingError, match="another file"):
        adapting.adapt(first, boxes, labels, own, subset=small_subset)
    assert own.read_bytes() == original


def test_cancelled_adaptation_writes_nothing(tmp_path, small_subset):
    cancel = threading.Event()
    cancel.set()
    out = tmp_path / "adapted.weights.h5"
    boxes, labels = hollow_boxes()
    result = adapting.adapt(shipped_weights(), boxes, labels, out, cancel=cancel, subset=small_subset)
    assert result.cancelled and not result.saved and not out.exists()
    assert result.samples_after == result.samples_before
    assert not list(tmp_path.glob("*.partial"))


def test_the_adapted_weights_are_used_only_while_the_weights_they_came_from_are(isolated_home, small_subset):
    boxes, labels = hollow_boxes()
    assert resolve_weights() == shipped_weights()
    adapting.adapt(resolve_weights(), boxes, labels, adapted_weights(), subset=small_subset)
    assert resolve_weights() == adapted_weights()
    assert resolve_weights("mine.weights.h5") == Path("mine.weights.h5")  # --weights first
    assert resolve_weights(kind="cnn") == shipped_weights("cnn")  # an adaptation of the other network
    # the user trains weights of their own: the adaptation of the shipped ones is not used with them
    shutil.copy(shipped_weights(), user_weights())
    with h5py.File(user_weights(), "a") as f:
        f["layers/dense_1/vars/1"][...] += 0.01
    assert resolve_weights() == user_weights()
    adapting.adapt(resolve_weights(), boxes, labels, adapted_weights(), subset=small_subset)
    assert resolve_weights() == adapted_weights() and read_weights(adapted_weights()).adapted_from == user_weights()


def test_the_fixed_layers_features_are_cached_and_a_broken_cache_is_made_again(small_subset, monkeypatch):
    weights = read_weights(shipped_weights("cnn"))
    features, labels = adapting.mnist_features(weights, small_subset)
    (cache,) = adapting.features_cache_dir().glob("*.npy")
    calls = []
    real = adapting.fixed_features
    monkeypatch.setattr(adapting, "fixed_features", lambda *a: calls.append(1) or real(*a))
    again, _ = adapting.mnist_features(weights, small_subset)
    assert calls == [] and np.allclose(again, features, atol=1e-2 * np.abs(features).max())
    cache.write_bytes(b"not an array")
    adapting.mnist_features(weights, small_subset)
    assert calls == [1] and np.load(cache).shape == features.shape


def test_the_samples_are_drawn_again_with_small_changes():
    boxes, _ = hollow_boxes()
    drawn = adapting.augmented(boxes, 8, np.random.default_rng(0))
    assert drawn.shape == (6, 8, 28, 28) and 0 <= drawn.min() and drawn.max() <= 1
    assert np.array_equal(drawn[:, 0], boxes)  # each sample itself, then its variants
    changes = np.abs(drawn[:, 1:] - boxes[:, None]).mean(axis=(2, 3))
    assert (changes > 0.01).all()
    ink = drawn.sum(axis=(2, 3)) / boxes.sum(axis=(1, 2))[:, None]
    assert (0.4 < ink).all() and (ink < 2.5).all()  # thinner or thicker strokes, never a blank or a blot
    grid = np.arange(28)

    def centre(images):
        rows, columns = (images.sum(axis=-1) * grid).sum(axis=-1), (images.sum(axis=-2) * grid).sum(axis=-1)
        return np.stack([rows, columns], axis=-1) / images.sum(axis=(-2, -1))[..., None]

    assert (np.abs(centre(drawn) - centre(boxes)[:, None]) < 3).all()  # moved a little, not off the image


def test_the_warp_bends_strokes_by_at_most_its_pixels():
    boxes, _ = hollow_boxes()
    rng = np.random.default_rng(0)
    assert np.allclose(adapting._warped(boxes[0], rng, 0.0), boxes[0], atol=1e-5)  # a mesh left alone changes nothing
    bent = np.stack([adapting._warped(box, rng, 2.0) for box in boxes])
    assert (np.abs(bent - boxes).mean(axis=(1, 2)) > 0.01).all()  # every box bent
    for box, bent_box in zip(boxes, bent):  # no ink further from the box than the largest move: a bend, not a new stroke
        rows, columns = np.nonzero(box)
        near = np.zeros((28, 28), bool)
        near[max(rows.min() - 2, 0) : rows.max() + 3, max(columns.min() - 2, 0) : columns.max() + 3] = True
        assert bent_box[~near].max(initial=0.0) < 0.05 and bent_box[near].sum() > 0.8 * box.sum()


def test_the_shipped_subset_is_balanced_and_comes_from_mnist_training_images():
    with np.load(shipped_mnist_subset()) as data:
        images, labels, indices = data["images"], data["labels"], data["indices"]
    assert images.shape == (len(labels), 28, 28) and images.dtype == np.uint8
    assert (np.bincount(labels, minlength=10) == len(labels) // 10).all()
    if not SHARED_MNIST.is_dir():
        pytest.skip(f"needs the full MNIST in {SHARED_MNIST}")
    from digitpad.training.data import load_mnist

    (x_train, y_train), _ = load_mnist(SHARED_MNIST)
    assert np.array_equal(x_train[indices], images) and np.array_equal(y_train[indices], labels)


def test_a_broken_subset_is_a_clear_error(tmp_path):
    broken = tmp_path / "subset.npz"
    broken.write_bytes(b"PK not really")
    with pytest.raises(adapting.AdaptingError, match="reinstall"):
        adapting.load_subset(broken)


def test_adapting_in_a_fresh_interpreter_never_imports_tensorflow(tmp_path):
    """On the plain install, offline: the shipped subset, no MNIST, no TensorFlow."""
    script = (
        "import sys, numpy as np\n"
        "from digitpad.adapting import adapt\n"
        "from digitpad.paths import shipped_weights\n"
        "pixels = np.zeros((4, 28, 28), np.float32); pixels[:, 6:22, 12:16] = 1\n"
        f"result = adapt(shipped_weights(), pixels, [1, 1, 1, 1], {str(tmp_path / 'a.weights.h5')!r})\n"
        "assert result.saved, result\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')))\n"
    )
    environment = {**os.environ, "DIGITPAD_HOME": str(tmp_path / "home"), "DIGITPAD_MNIST": str(tmp_path / "none")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "a.weights.h5").is_file()


def drawn_samples(count=3):
    from conftest import DRAWN_DIGITS

    from digitpad.recognition.strokes import render_strokes
    from digitpad.samples import add_sample, samples_dir

    for digit, strokes in list(DRAWN_DIGITS.items())[:count]:
        add_sample(samples_dir(), render_strokes(strokes), digit)


def test_the_adapt_command_needs_no_mnist_and_keeps_the_weights(isolated_home, capsys, monkeypatch):
    from digitpad.cli import main

    monkeypatch.setattr(adapting, "RECIPES", {kind: adapting.Recipe(mnist_images=500, steps=20) for kind in ("mlp", "cnn")})
    drawn_samples()
    assert main(["adapt"]) == 0
    out = capsys.readouterr().out
    assert "your samples:" in out and f"saved to {adapted_weights()}" in out
    assert read_weights(adapted_weights()).adapted_from == shipped_weights().resolve()
    assert main(["adapt", "--weights", str(adapted_weights())]) == 0  # starts from the shipped weights again
    assert f"adapting {shipped_weights().resolve()}" in capsys.readouterr().out
    assert main(["adapt", "--out", str(shipped_weights())]) == 2
    assert "another file" in capsys.readouterr().err


def test_ctrl_c_during_the_adapt_command_writes_nothing_and_exits_130(isolated_home, capsys, monkeypatch):
    from digitpad.cli import main

    drawn_samples()
    real = adapting.fine_tune

    def interrupted(*args):
        os.kill(os.getpid(), signal.SIGINT)  # as if the user pressed Ctrl-C while it runs
        return real(*args)

    monkeypatch.setattr(adapting, "fine_tune", interrupted)
    assert main(["adapt"]) == 130
    assert "cancelled" in capsys.readouterr().err
    assert not adapted_weights().exists()


def test_many_samples_are_drawn_again_no_more_than_a_few(monkeypatch, tmp_path, small_subset):
    """So that adapting to hundreds of kept samples takes about as long as to thirty."""
    calls = []
    real = adapting.augmented
    monkeypatch.setattr(adapting, "augmented", lambda pixels, variants, *args: calls.append(variants) or real(pixels, variants, *args))
    boxes, labels = hollow_boxes()
    many = np.repeat(boxes, 50, axis=0)
    adapting.adapt(shipped_weights(), many, np.repeat(labels, 50), tmp_path / "a.weights.h5", subset=small_subset)
    recipe = adapting.RECIPES["mlp"]
    assert calls == [max(1, recipe.most_drawn // len(many))] and calls[0] * len(many) <= recipe.most_drawn


@pytest.mark.parametrize("what", ["document", "trained weights", "symbolic link", "folder"])
def test_adapting_never_writes_over_anything_but_adapted_weights(tmp_path, what):
    from digitpad.adapting import AdaptingError, adapt
    from digitpad.paths import SHIPPED_WEIGHTS

    out = tmp_path / "out.weights.h5"
    if what == "document":
        out.write_text("my notes")
    elif what == "trained weights":
        out.write_bytes(SHIPPED_WEIGHTS.read_bytes())
    elif what == "symbolic link":
        (tmp_path / "target").write_text("elsewhere")
        out.symlink_to(tmp_path / "target")
    else:
        out.mkdir()
    before = os.lstat(out)
    pixels = np.zeros((1, 28, 28), np.float32)
    pixels[0, 5:23, 13:15] = 1.0
    with pytest.raises(AdaptingError, match="choose another --out"):
        adapt(SHIPPED_WEIGHTS, pixels, np.array([1]), out)
    assert os.lstat(out).st_mtime_ns == before.st_mtime_ns and os.lstat(out).st_mode == before.st_mode


def test_a_recipe_with_a_warp_bends_every_drawing_but_the_sample_itself(monkeypatch, tmp_path, small_subset):
    bent = []
    real = adapting._warped
    monkeypatch.setattr(adapting, "_warped", lambda image, rng, most: bent.append(most) or real(image, rng, most))
    boxes, labels = hollow_boxes()
    recipe = adapting.Recipe(variants=4, steps=3, warp=1.5)
    result = adapting.adapt(shipped_weights(), boxes, labels, tmp_path / "a.weights.h5", recipe=recipe, subset=small_subset)
    assert result.saved and bent == [1.5] * len(boxes) * (recipe.variants - 1)
    bent.clear()
    adapting.adapt(shipped_weights(), boxes, labels, tmp_path / "b.weights.h5", subset=small_subset)
    assert (not bent) == (adapting.RECIPES["mlp"].warp == 0)  # the shipped recipe warps only when it says so
