import gzip
import importlib.util
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitpad.paths import SHIPPED_WEIGHTS
from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.strokes import render_strokes

# Tests that train or compare with Keras: they skip on the plain install (no `train` extra).
needs_tensorflow = pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None,
                                      reason="needs TensorFlow: pip install -e '.[train,test]'")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SHARED_MNIST = SHARED_DATA / "mnist"

# Simple pad drawings (280x280 pad coordinates) that any decent model must recognise.
DRAWN_DIGITS = {
    1: [[(140, 40), (140, 240)]],
    7: [[(70, 50), (210, 50), (120, 240)]],
    0: [[(140, 40), (200, 80), (215, 140), (200, 200), (140, 240), (80, 200), (65, 140), (80, 80), (140, 40)]],
}


def write_idx(path, array, magic):
    """Write a LeCun IDX file (gzipped when the name ends in .gz)."""
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", n) for n in array.shape)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def tiny_mnist(n_train=300, n_test=100, seed=0):
    """Learnable stand-in for MNIST: each class is a bar at its own place, plus noise."""
    rng = np.random.default_rng(seed)

    def make(n):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        images = rng.integers(0, 40, (n, 28, 28)).astype(np.uint8)
        for image, label in zip(images, labels):
            image[4 + 2 * label : 6 + 2 * label, 4:24] = 255
        return images, labels

    return make(n_train), make(n_test)


@pytest.fixture
def mnist_dir(tmp_path):
    """A folder of gzipped IDX files holding tiny_mnist()."""
    (x_train, y_train), (x_test, y_test) = tiny_mnist()
    folder = tmp_path / "mnist"
    folder.mkdir()
    write_idx(folder / "train-images-idx3-ubyte.gz", x_train, 0x803)
    write_idx(folder / "train-labels-idx1-ubyte.gz", y_train, 0x801)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", x_test, 0x803)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", y_test, 0x801)
    return folder


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Never read or write the real per-user folder."""
    monkeypatch.setenv("DIGITPAD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DIGITPAD_WEIGHTS", raising=False)
    monkeypatch.delenv("DIGITPAD_MNIST", raising=False)
    monkeypatch.setenv("LANGUAGE", "en")  # English whatever the machine's locale; Chinese tests ask for it
    yield tmp_path / "home"
    from digitpad.i18n import use_language

    use_language("en")


@pytest.fixture
def shipped_weights():
    assert SHIPPED_WEIGHTS.is_file(), "the repo ships weights/mnist.weights.h5"
    return SHIPPED_WEIGHTS


@pytest.fixture
def shared_mnist():
    if not SHARED_MNIST.is_dir():
        pytest.skip(f"needs the full MNIST in {SHARED_MNIST}")
    from digitpad.training.data import load_mnist

    return load_mnist(SHARED_MNIST)


def drawing(digit, **placement):
    return render_strokes(DRAWN_DIGITS[digit], **placement)


def line_drawing(strokes, size=(280, 280), pen=20, offset=(0, 0)):
    """Strokes drawn as lines on a white picture with Pillow (not the pad's renderer): an image file's ink."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        draw.line([(x + offset[0], y + offset[1]) for x, y in stroke], fill=0, width=pen, joint="curve")
    return image


@pytest.fixture(scope="module", params=["mlp", "cnn"])
def recognizer(request):
    """The shipped weights of each network in turn (a module may define its own)."""
    return Recognizer.load(kind=request.param)


def without_hanging(call, *args, limit=60, **kwargs):
    """call(*args, **kwargs), failing the test instead of hanging for ever when it blocks
    (e.g. on a named pipe): returns its result or raises its exception."""
    import threading

    outcome = {}

    def run():
        try:
            outcome["result"] = call(*args, **kwargs)
        except BaseException as error:  # handed to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"{getattr(call, '__name__', call)} hung"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
