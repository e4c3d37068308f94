"""Which pen width makes a digit drawn to fill most of the pad look like MNIST?

Renders real pen strokes (pendigits, 70% of the pad's height, centred) with several pen
widths, fits each into MNIST's 20x20 box without stroke normalisation, and compares the
median stroke width with MNIST's own.

    python benchmarks/pen_width.py [--every 10]
"""
import argparse

import numpy as np
from accuracy import SHARED, load_renderer, pendigits_drawings, require_shared

from digitpad.recognition.preprocess import BOX, crop_to_ink, fit_mask, ink_mask, stroke_width
from digitpad.training.data import load_mnist


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=int, default=10)
    args = parser.parse_args()
    require_shared()
    _, (x_test, _) = load_mnist(SHARED / "data" / "mnist")
    mnist = np.median([stroke_width(image > 127) for image in x_test[:3000]])
    print(f"MNIST test: median stroke width {mnist:.2f} px")
    renderer = load_renderer()
    for pen in (10, 14, 18, 22, 26, 30):
        widths = [stroke_width(np.asarray(fit_mask(crop_to_ink(ink_mask(image.convert("L"))), BOX)) > 127)
                  for image, _ in pendigits_drawings(renderer, pen, "centered", args.every)]
        print(f"pen {pen:>2} px on the 280 px pad: median stroke width {np.median(widths):.2f} px")


if __name__ == "__main__":
    main()
