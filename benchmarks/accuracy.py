"""Accuracy on MNIST test and on real pen strokes of 30 writers rendered as pad drawings.

    python benchmarks/accuracy.py [--weights W] [--pens 8,18,28] [--every 1]

Needs ../shared/data (MNIST and pendigits) and ../shared/tools/render_pendigits.py beside the
project. Pendigits is for measuring only: no model is trained on it.
"""
import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np

from digitpad.data import load_mnist
from digitpad.preprocess import ImageError
from digitpad.recognizer import Recognizer

SHARED = Path(__file__).resolve().parents[2] / "shared"


def load_renderer():
    spec = importlib.util.spec_from_file_location("render_pendigits", SHARED / "tools" / "render_pendigits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pendigits_drawings(renderer, pen, style, every):
    """(image, label) pairs drawn as render_pendigits.py draws them (same seed for 'casual')."""
    digits = renderer.parse(str(SHARED / "data" / "pendigits" / "pendigits-orig.tra.gz"))
    rng = np.random.default_rng(7) if style == "casual" else None
    for index, digit in enumerate(digits):
        fraction = 0.70 if rng is None else rng.uniform(0.30, 0.80)
        placed = renderer.place(digit["strokes"], pen, fraction, rng)  # keeps the rng sequence of the tool
        if index % every == 0:
            yield renderer.render(placed, pen), digit["label"]


def accuracy(recognizer, pairs):
    right = total = 0
    for image, label in pairs:
        total += 1
        try:
            right += recognizer.predict(image)[0] == label
        except ImageError:
            pass  # blank or unreadable: counted wrong
    return right / total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights")
    parser.add_argument("--pens", default="8,18,28")
    parser.add_argument("--every", type=int, default=1, help="use every Nth drawing (quicker)")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"needs {SHARED}")
    recognizer = Recognizer.load(args.weights)
    _, (x_test, y_test) = load_mnist(SHARED / "data" / "mnist")
    mnist = np.mean(recognizer.probabilities_of_pixels(x_test / 255.0).argmax(axis=1) == y_test)
    print(f"weights: {recognizer.weights.path}")
    print(f"MNIST test: {mnist:.2%}")
    renderer = load_renderer()
    print(f"{'pen':>4} {'style':<9} {'app pipeline':>13} {'tutorial pipeline':>18}")
    tutorial = Recognizer(recognizer.weights, framed=False)
    for pen in map(int, args.pens.split(",")):
        for style in ("centered", "casual"):
            drawings = list(pendigits_drawings(renderer, pen, style, args.every))
            print(f"{pen:>4} {style:<9} {accuracy(recognizer, drawings):>13.2%} {accuracy(tutorial, drawings):>18.2%}",
                  flush=True)


if __name__ == "__main__":
    main()
