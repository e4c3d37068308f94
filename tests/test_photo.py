"""Photos: a small digit in a big unevenly lit photo, a shadow across the sheet, textured
paper, a thin pen; what the model sees is the digit, as from a clean drawing of it."""
import io

import numpy as np
import pytest
from conftest import DRAWN_DIGITS
from PIL import Image, ImageDraw, ImageFilter

from digitpad.recognition.images import open_image
from digitpad.recognition.preprocess import mnist_pixels
from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.strokes import render_strokes


def photo(digit, size=(1200, 900), digit_px=150, at=(0.5, 0.5), pen=None, ink=40, paper=225):
    """A grey photo (float 0..255) of the pad digit `digit_px` tall at `at` (fractions of the picture)."""
    width, height = size
    scale = digit_px / 200  # the pad digits are about 200 px tall
    pen = pen if pen is not None else max(2, round(24 * scale))
    left, top = at[0] * width - 140 * scale, at[1] * height - 140 * scale
    strokes = [[(left + x * scale, top + y * scale) for x, y in stroke] for stroke in DRAWN_DIGITS[digit]]
    picture = Image.new("L", size, 255)
    draw = ImageDraw.Draw(picture)
    for stroke in strokes:
        draw.line(stroke, fill=0, width=pen, joint="curve")
    alpha = 1 - np.asarray(picture.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float32) / 255
    return paper + (ink - paper) * alpha


def as_image(pixels, quality=None):
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if quality:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        image = Image.open(io.BytesIO(buffer.getvalue()))
    return image


def clean(digit):
    return mnist_pixels(render_strokes(DRAWN_DIGITS[digit]))


def looks_like(pixels, digit, tolerance=0.07):
    return np.abs(pixels - clean(digit)).mean() < tolerance


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer.load()


@pytest.mark.parametrize("digit", [7, 0])
def test_a_small_digit_in_a_large_unevenly_lit_photo(digit, recognizer):
    pixels = photo(digit, digit_px=150, at=(0.35, 0.6))
    light = np.linspace(0.55, 1.0, 1200)[None, :] * np.linspace(1.0, 0.8, 900)[:, None]
    seen = mnist_pixels(as_image(pixels * light, quality=80))
    assert looks_like(seen, digit)
    assert recognizer.predict(as_image(pixels * light))[0] == digit


@pytest.mark.parametrize("digit", [7, 0])
def test_a_hard_shadow_across_the_sheet_is_not_ink(digit):
    pixels = photo(digit, size=(800, 600), digit_px=300)
    ys, xs = np.mgrid[0:600, 0:800]
    pixels = pixels * np.where(xs + 0.6 * ys < 520, 0.5, 1.0)  # a sharp-edged shadow over part of the digit
    assert looks_like(mnist_pixels(as_image(pixels)), digit)


def test_textured_paper_is_not_ink():
    rng = np.random.default_rng(3)
    grain = np.asarray(Image.fromarray(rng.normal(128, 60, (600, 800)).clip(0, 255).astype(np.uint8))
                       .filter(ImageFilter.GaussianBlur(1.5)), dtype=np.float32)
    pixels = photo(7, size=(800, 600), digit_px=250) * (1 + 0.25 * (grain - grain.mean()) / 128)
    assert looks_like(mnist_pixels(as_image(pixels)), 7)


@pytest.mark.parametrize("digit", [7, 0])
def test_a_thin_pen_on_a_small_photo_keeps_every_stroke(digit):
    pixels = photo(digit, size=(500, 400), digit_px=160, pen=2, ink=110, paper=215)
    assert looks_like(mnist_pixels(as_image(pixels, quality=70)), digit, tolerance=0.08)


def test_a_big_jpeg_is_decoded_small_and_upright(tmp_path):
    big = as_image(photo(7, size=(4000, 3000), digit_px=900))
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show it turned a quarter to the right
    big.save(tmp_path / "photo.jpg", exif=exif)
    grey = open_image(tmp_path / "photo.jpg")
    assert grey.size == (768, 1024)  # upright (portrait) and no larger than needed
    np.testing.assert_allclose(mnist_pixels(grey), mnist_pixels(big.rotate(-90, expand=True)), atol=0.25)


@pytest.mark.parametrize("digit, digit_px", [(0, 360), (1, 270)])
def test_a_bold_pen_filling_much_of_the_photo_is_found_whole(digit, digit_px):
    # strokes a quarter of the digit's height, wider than an eighth of the picture: a closing
    # over a narrower square takes their middles for paper and finds slivers of rim, or nothing
    rng = np.random.default_rng(5)
    pixels = photo(digit, size=(600, 450), digit_px=digit_px, pen=digit_px // 4)
    pixels = pixels * np.linspace(0.6, 1.0, 600)[None, :] + rng.normal(0, 4, (450, 600))
    assert looks_like(mnist_pixels(as_image(pixels)), digit, tolerance=0.1)


@pytest.mark.parametrize("angle", [30, -55])
def test_turned_ruled_lines_crossing_the_digit_are_not_ink(angle):
    # lines of a page photographed at any angle, dark enough to pass for ink, crossing the digit:
    # joined to it, they run to the picture's edge and drag the digit out with them
    pixels = photo(7, size=(800, 600), digit_px=300)
    ys, xs = np.mgrid[0:600, 0:800]
    along = ys * np.cos(np.radians(angle)) - xs * np.sin(np.radians(angle))
    pixels = np.minimum(pixels, np.where(np.abs((along % 110) - 55) < 2, 140.0, 255.0))
    assert looks_like(mnist_pixels(as_image(pixels)), 7)


def test_a_stroke_as_tall_as_the_photo_is_not_a_paper_line():
    pixels = photo(1, size=(300, 400), digit_px=360, at=(0.5, 0.5))  # a 1 from 5 % to 95 % of the height
    assert looks_like(mnist_pixels(as_image(pixels)), 1)
