"""Accuracy on MNIST test and on real pen strokes of 30 writers rendered as pad drawings.

    python benchmarks/accuracy.py [--weights W] [--pens 8,18,28] [--every 1]

The pad rows draw the strokes with digitpad's own pen and recognise them as the window does:
from the pad's image ("as drawn") and from the strokes drawn again with a pen thinner in
proportion to a small digit ("from its strokes", digitpad.recognition.strokes.pixels_from_strokes).

Needs ../shared/data (MNIST and pendigits) and ../shared/tools/render_pendigits.py beside the
project. Pendigits is for measuring only: no model is trained on it.
"""
import argparse
import importlib.util
import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from digitpad.recognition.images import ImageError
from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.strokes import PEN_WIDTH, pixels_from_strokes, render_strokes
from digitpad.training.data import load_mnist

SHARED = Path(__file__).resolve().parents[2] / "shared"


def require_shared():
    """Stop with a message, not a traceback, when ../shared is not beside the project."""
    if not SHARED.is_dir():
        sys.exit(f"needs {SHARED} (MNIST, the pendigits strokes and their renderer) beside the project")


def load_renderer():
    spec = importlib.util.spec_from_file_location("render_pendigits", SHARED / "tools" / "render_pendigits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pendigits_strokes(renderer, pen, style, every):
    """(strokes in pad pixels, label) pairs placed as render_pendigits.py places them (same seed for 'casual')."""
    digits = renderer.parse(str(SHARED / "data" / "pendigits" / "pendigits-orig.tra.gz"))
    rng = np.random.default_rng(7) if style == "casual" else None
    for index, digit in enumerate(digits):
        fraction = 0.70 if rng is None else rng.uniform(0.30, 0.80)
        placed = renderer.place(digit["strokes"], pen, fraction, rng)  # keeps the rng sequence of the tool
        if index % every == 0:
            yield placed, digit["label"]


def pendigits_drawings(renderer, pen, style, every):
    """(image, label) pairs drawn as render_pendigits.py draws them."""
    for strokes, label in pendigits_strokes(renderer, pen, style, every):
        yield renderer.render(strokes, pen), label


def photo_like(image, condition, rng):
    """A pad drawing made to look like a photo of ink on paper."""
    if condition == "squared, turned":  # a camera turned to the sheet: its lines run across the whole photo
        margin = 60
        sheet = photo_like(ImageOps.expand(image, margin, fill="white"), "squared", rng)
        sheet = sheet.rotate(rng.uniform(-8, 8), resample=Image.BILINEAR)
        return sheet.crop((margin, margin, margin + image.width, margin + image.height))
    grey = np.asarray(image.convert("L"), dtype=np.float32) / 255  # 1 paper, 0 ink
    height, width = grey.shape
    if condition == "rotated":
        return image.convert("L").rotate(rng.uniform(-10, 10), resample=Image.BILINEAR, fillcolor=255)
    if condition.startswith(("ruled", "squared")):  # 2 px lines, a little darker than the tutorial's "< 200"
        lines = np.ones_like(grey)
        lines[20::40] = lines[21::40] = 0.55
        if condition.startswith("squared"):
            lines[:, 20::40] = lines[:, 21::40] = 0.55
        grey = np.minimum(grey, lines)
    paper, ink, light = 235.0, 40.0, np.ones_like(grey)
    if condition == "dim":
        paper, ink = 105.0, 25.0
    if condition == "uneven light":
        light = np.linspace(0.45, 1.0, width)[None, :] * np.linspace(1.0, 0.7, height)[:, None]
    pixels = (ink + (paper - ink) * grey) * light
    if condition == "noise":
        pixels = pixels + rng.normal(0, 12, pixels.shape)
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if condition == "blur":
        photo = photo.filter(ImageFilter.GaussianBlur(2.5))
    if condition == "desk":  # the sheet, turned a little, lying on a darker desk that shows around it
        photo = _on_desk(photo, rng)
    if condition == "jpeg":
        buffer = io.BytesIO()
        photo.save(buffer, "JPEG", quality=40)
        photo = Image.open(io.BytesIO(buffer.getvalue()))
    return photo


def _on_desk(sheet, rng):
    angle, margin = rng.uniform(-8, 8), int(rng.integers(20, 150))
    shape = Image.new("L", sheet.size, 255).rotate(angle, expand=True)
    sheet = sheet.rotate(angle, resample=Image.BILINEAR, expand=True)
    side = sheet.width + 2 * margin
    desk = rng.uniform(40, 170) + rng.normal(0, 6, (side, side))  # a grain of wood or cloth
    photo = Image.fromarray(np.clip(desk, 0, 255).astype(np.uint8))
    photo.paste(sheet, tuple(int(n) for n in rng.integers(0, 2 * margin + 1, 2)), shape)
    return photo


PHOTO_CONDITIONS = ("off-white", "dim", "uneven light", "noise", "blur", "jpeg", "rotated", "ruled", "squared",
                    "squared, turned", "desk")


def accuracy(recognizer, pairs):
    right = total = 0
    for image, label in pairs:
        total += 1
        try:
            right += recognizer.predict(image)[0] == label
        except ImageError:
            pass  # blank or unreadable: counted wrong
    return right / total


def stroke_accuracy(recognizer, placed):
    """Drawings recognised from their strokes, as the window does (strokes.pixels_from_strokes)."""
    right = 0
    for strokes, label in placed:
        try:
            right += recognizer.probabilities_of_pixels(pixels_from_strokes(strokes)[None])[0].argmax() == label
        except ImageError:
            pass
    return right / len(placed)


def pad_rows(renderer, recognizer, tutorial, every):
    """The strokes drawn with the pad's pen, recognised as the window does: the app pipeline on the
    pad's picture and from the strokes (strokes.pixels_from_strokes); Framing off."""
    print(f"digitpad's pad (pen {PEN_WIDTH}): {'as drawn':>8} {'from its strokes':>18} {'tutorial pipeline':>18}")
    for style in ("centered", "casual"):
        placed = list(pendigits_strokes(renderer, PEN_WIDTH, style, every))
        as_drawn = [(render_strokes(strokes), label) for strokes, label in placed]
        print(f"     {style:<14} {accuracy(recognizer, as_drawn):>13.2%} {stroke_accuracy(recognizer, placed):>18.2%} "
              f"{accuracy(tutorial, as_drawn):>18.2%}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights")
    parser.add_argument("--pens", default="8,18,28")
    parser.add_argument("--every", type=int, default=1, help="use every Nth drawing (quicker)")
    args = parser.parse_args()
    require_shared()
    recognizer = Recognizer.load(args.weights)
    _, (x_test, y_test) = load_mnist(SHARED / "data" / "mnist")
    answers = recognizer.answers_of_pixels(x_test / 255.0)
    mnist = np.mean(answers.mean(axis=0).argmax(axis=1) == y_test)
    network = np.mean(answers[0].argmax(axis=1) == y_test)
    print(f"weights: {recognizer.weights.path}")
    print(f"MNIST test: {mnist:.2%} (the network alone, as training measures it: {network:.2%})")
    renderer = load_renderer()
    print(f"{'pen':>4} {'style':<9} {'app pipeline':>13} {'tutorial pipeline':>18}")
    tutorial = Recognizer(recognizer.weights, framed=False)
    for pen in map(int, args.pens.split(",")):
        for style in ("centered", "casual"):
            drawings = list(pendigits_drawings(renderer, pen, style, args.every))
            print(f"{pen:>4} {style:<9} {accuracy(recognizer, drawings):>13.2%} {accuracy(tutorial, drawings):>18.2%}",
                  flush=True)
    pad_rows(renderer, recognizer, tutorial, args.every)
    print("photo-like (pen 18, centred):")
    drawings = list(pendigits_drawings(renderer, 18, "centered", args.every))
    rng = np.random.default_rng(11)
    for condition in PHOTO_CONDITIONS:
        photos = [(photo_like(image, condition, rng), label) for image, label in drawings]
        print(f"     {condition:<14} {accuracy(recognizer, photos):>8.2%} {accuracy(tutorial, photos):>18.2%}", flush=True)


if __name__ == "__main__":
    main()
