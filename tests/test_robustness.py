"""Bad input and faults: a clear message of a documented type, and nothing lost."""
import io
import json
import os
import signal
import struct
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import drawing, needs_tensorflow, without_hanging
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from digitpad.cli import main
from digitpad.recognition.images import BlankImageError, ImageError, open_image
from digitpad.recognition.preprocess import mnist_pixels
from digitpad.recognition.recognizer import Recognizer


def saved(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def seven_png():
    return saved(drawing(7), "PNG")


@pytest.fixture(scope="module")
def seven_jpeg():
    return saved(drawing(7).convert("RGB"), "JPEG")


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_truncated_images(tmp_path, kind, cut, seven_png, seven_jpeg):
    data = seven_png if kind == "png" else seven_jpeg
    path = write(tmp_path, f"cut.{kind}", data[: int(len(data) * cut)])
    with pytest.raises(ImageError, match="cut"):
        mnist_pixels(path)


def test_decompression_bomb_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "huge.png"
    Image.new("L", (200, 200), 255).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)  # 4x below this image: Pillow's bomb error
    with pytest.raises(ImageError, match="too large"):
        open_image(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 30_000)  # just above: Pillow only warns; refused too
    with pytest.raises(ImageError, match="too large"):
        open_image(path)


def test_one_pixel_image_is_blank():
    for colour in (0, 255):
        with pytest.raises(BlankImageError):
            mnist_pixels(Image.new("L", (1, 1), colour))


def test_sixteen_bit_greyscale():
    grey16 = Image.fromarray(np.asarray(drawing(7), dtype=np.uint16) * 257)
    assert grey16.mode.startswith("I;16")
    np.testing.assert_array_equal(mnist_pixels(grey16), mnist_pixels(drawing(7)))


def test_palette_image_with_transparency(tmp_path):
    palette = drawing(1).convert("P")  # 0 black, 255 white
    palette.info["transparency"] = palette.getpixel((0, 0))  # the white paper is transparent
    path = tmp_path / "palette.png"
    palette.save(path, transparency=palette.getpixel((0, 0)))
    np.testing.assert_array_equal(mnist_pixels(path), mnist_pixels(drawing(1)))


def test_cmyk_jpeg(tmp_path):
    path = write(tmp_path, "cmyk.jpg", saved(drawing(7).convert("CMYK"), "JPEG", quality=95))
    assert Image.open(path).mode == "CMYK"
    assert np.abs(mnist_pixels(path) - mnist_pixels(drawing(7))).mean() < 0.02


def test_animated_gif_uses_the_first_frame(tmp_path):
    path = tmp_path / "anim.gif"
    drawing(7).save(path, save_all=True, append_images=[drawing(1), drawing(0)], duration=100)
    assert Image.open(path).n_frames == 3
    np.testing.assert_array_equal(mnist_pixels(path), mnist_pixels(drawing(7)))


def test_photo_without_a_digit_is_blank():
    rng = np.random.default_rng(0)
    paper = np.clip(170 + rng.normal(0, 6, (480, 640)), 0, 255).astype(np.uint8)  # grey paper, sensor noise
    with pytest.raises(BlankImageError):
        mnist_pixels(Image.fromarray(paper))


def test_mnist_style_white_on_black_is_recognised(shipped_weights):
    inverted = Image.fromarray(255 - np.asarray(drawing(7)))
    assert Recognizer.load(shipped_weights).predict(inverted)[0] == 7


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096))
def test_random_bytes_only_raise_image_error(tmp_path, data):
    path = write(tmp_path, "random.png", data)
    with pytest.raises(ImageError):
        mnist_pixels(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["png", "jpeg", "gif", "bmp"]), flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8), cut=st.floats(0.05, 1.0))
def test_corrupted_images_only_raise_image_error(tmp_path, kind, flips, cut):
    data = bytearray(saved(drawing(7).convert("RGB"), {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "bmp": "BMP"}[kind]))
    for position, value in flips:
        data[position % len(data)] = value
    path = write(tmp_path, f"corrupt.{kind}", bytes(data[: max(1, int(len(data) * cut))]))
    try:
        pixels = mnist_pixels(path)
    except ImageError:
        return
    assert pixels.shape == (28, 28) and np.isfinite(pixels).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(st.binary(max_size=600), min_size=1, max_size=4))
def test_predict_command_reports_every_bad_file(tmp_path, capsys, data):
    paths = [str(write(tmp_path, f"file{index}.jpg", blob)) for index, blob in enumerate(data)]
    status = main(["predict", "--json", *paths])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in records] == paths
    assert status == (1 if any(r["digit"] is None for r in records) else 0)


def test_training_into_an_unwritable_place_is_a_clear_error(mnist_dir, tmp_path, capsys):
    pytest.importorskip("tensorflow")
    blocker = tmp_path / "a file"
    blocker.write_text("")
    status = main(["train", "--data", str(mnist_dir), "--epochs", "1", "--fresh", "--out", str(blocker / "w.weights.h5")])
    assert status == 2
    assert "a file" in capsys.readouterr().err


def test_disk_full_during_save_keeps_the_old_weights(mnist_dir, tmp_path, monkeypatch, shipped_weights):
    training = pytest.importorskip("digitpad.training.train")
    from digitpad.training.data import load_mnist

    out = tmp_path / "w.weights.h5"
    out.write_bytes(shipped_weights.read_bytes())

    def full_disk(self, filepath, overwrite=True):
        with open(filepath, "wb") as f:
            f.write(b"\x89HDF partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("keras.Model.save_weights", full_disk)
    with pytest.raises(OSError, match="No space left"):
        training.train(load_mnist(mnist_dir), out, epochs=1, batch_size=16)
    assert out.read_bytes() == shipped_weights.read_bytes()
    assert sorted(tmp_path.iterdir()) == [mnist_dir, out]


KILL_SCRIPT = """
import os, sys
from digitpad.training.data import load_mnist
from digitpad.training.train import train
out = sys.argv[2]
seen = [os.stat(out).st_ino]

def on_progress(progress):  # after each replacement of out (a new inode), say so
    inode = os.stat(out).st_ino
    if inode != seen[-1]:
        seen.append(inode)
        print("saved", flush=True)

train(load_mnist(sys.argv[1]), out, epochs=1000, batch_size=300, on_progress=on_progress, replace=True)
"""


@needs_tensorflow
def test_killing_the_process_during_saves_never_leaves_a_broken_file(mnist_dir, tmp_path, shipped_weights):
    """Epochs of one batch each, most of them saving a new best; once the child has saved,
    kill -9 at random moments."""
    out = tmp_path / "w.weights.h5"
    out.write_bytes(shipped_weights.read_bytes())
    rng = np.random.default_rng()
    for _ in range(3):
        process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(mnist_dir), str(out)],
                                   stdout=subprocess.PIPE, text=True)
        for _ in range(rng.integers(1, 3)):  # wait for one or two saves: TensorFlow has started
            assert process.stdout.readline().strip() == "saved"
        time.sleep(rng.uniform(0, 0.3))  # then a random moment: mid-epoch, mid-save or mid-rename
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        Recognizer.load(out)  # always a complete file: the old one or a new best
        assert len(list(tmp_path.glob("*.partial.weights.h5"))) <= 1  # the next run removes leftovers
    assert out.read_bytes() != shipped_weights.read_bytes()  # new bests were saved in between


def test_scattered_specks_are_blank_not_a_crash():
    specks = np.full((280, 280), 255, np.uint8)
    specks[::9, ::9] = 0  # single dark pixels, enough to count as ink, too thin to survive framing
    with pytest.raises(BlankImageError):
        mnist_pixels(Image.fromarray(specks))


@pytest.mark.parametrize("error", [EOFError(), RuntimeError("broken AVIF"), TypeError("odd TIFF tag"),
                                   MemoryError(), struct.error("bad header")])
def test_any_failure_while_decoding_is_an_image_error(tmp_path, monkeypatch, error):
    """Pillow opens some files it then fails to decode (a PSD without layers, a broken AVIF,
    TIFF and IM files with odd tags, a JPEG 2000 with a huge tile), with all kinds of errors."""
    path = tmp_path / "odd.png"
    drawing(7).save(path)

    def fail(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(Image.Image, "load", fail)
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", fail)
    with pytest.raises(ImageError, match="odd.png"):
        open_image(path)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_an_image_that_is_not_a_regular_file_is_refused_at_once(tmp_path, special):
    if special == "fifo":
        path = tmp_path / "pipe.png"
        os.mkfifo(path)  # opening it would wait for a writer for ever
        expected = "named pipe"
    else:
        path, expected = special, "device"
    with pytest.raises(ImageError, match=expected):
        without_hanging(open_image, path)


def test_a_path_too_long_is_an_image_error(tmp_path):
    with pytest.raises(ImageError, match="cannot open"):
        open_image(tmp_path / ("x" * 5000 + ".png"))


@pytest.mark.parametrize("colour", [0, 90, 255])
@pytest.mark.parametrize("framed", [True, False])
def test_a_flat_colour_is_blank_in_both_pipelines(colour, framed):
    with pytest.raises(BlankImageError):
        mnist_pixels(Image.new("L", (280, 280), colour), framed=framed)


def test_an_orientation_given_only_in_xmp_is_applied(tmp_path):
    sideways = Image.new("L", (40, 20), 255)
    sideways.paste(0, (0, 0, 10, 20))  # ink on the left: turned a quarter to the right, it is on top
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>')
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp)
    sideways.save(tmp_path / "xmp.png", pnginfo=info)
    upright = np.asarray(open_image(tmp_path / "xmp.png"))
    assert upright.shape == (40, 20)
    assert upright[:10].mean() < 10 and upright[10:].mean() > 245
