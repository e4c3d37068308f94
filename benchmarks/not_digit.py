"""The "not a digit" heads (recognition/not_digit.py): what they cost on digits, what they catch.

    python benchmarks/not_digit.py [--models mlp,cnn] [--count 2000] [--every 10]

Each cell: the share with a not-a-digit probability >= 0.5, >= NOT_SURE (0.9: "not sure") and
>= NO_DIGIT (0.99: "no digit found"); a picture the preprocessing finds blank counts as "no digit". Digits: MNIST test (as it is, and framed as the app frames ink
it found), the 30 pendigits writers drawn on the pad and made to look like photos, the real
photos in ../shared/data/photos (measuring only). Not digits: made from MNIST *test* digits
(the heads learnt from training digits only) as training/not_digit.py makes them, and
pictures with no digit. The ten-way answers are the networks' own, unchanged by the head.
"""
import argparse
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy import SHARED, load_renderer, pendigits_drawings, photo_like, require_shared  # noqa: E402

from digitpad.recognition.images import BlankImageError, ImageError  # noqa: E402
from digitpad.recognition.not_digit import NO_DIGIT, NOT_SURE  # noqa: E402
from digitpad.recognition.preprocess import frame, mnist_pixels  # noqa: E402
from digitpad.recognition.recognizer import Recognizer  # noqa: E402
from digitpad.training import not_digit as made  # noqa: E402
from digitpad.training.data import load_mnist  # noqa: E402

PHOTO_CONDITIONS = ("off-white", "uneven light", "noise", "blur", "jpeg", "desk", "squared")


def attempts(make, count):
    """count tries of make(): (the inputs that are not blank, how many were blank)."""
    out, blank = [], 0
    for _ in range(count):
        try:
            out.append(make())
        except BlankImageError:
            blank += 1
    return np.stack(out) if out else np.zeros((0, 28, 28), dtype=np.float32), blank


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="mlp,cnn")
    parser.add_argument("--count", type=int, default=2000, help="inputs of each made kind")
    parser.add_argument("--every", type=int, default=10, help="pendigits: every Nth drawing")
    args = parser.parse_args()
    require_shared()
    recognizers = {kind: Recognizer.load(kind=kind) for kind in args.models.split(",")}
    for kind, recognizer in recognizers.items():
        if recognizer.not_digit_head is None:
            sys.exit(f"{kind}: no not-a-digit head for {recognizer.weights.path}")
    _, (images, labels) = load_mnist(SHARED / "data" / "mnist")
    rng = np.random.default_rng(123)
    n = args.count
    rows = []

    digits = images / np.float32(255)
    for kind, recognizer in recognizers.items():
        right = np.mean(recognizer.probabilities_of_pixels(digits).argmax(axis=1) == labels)
        print(f"{kind}: MNIST test ten-way accuracy {right:.2%} (the network's own answers, with or without the head)")
    rows.append(("MNIST test digits, as they are (10 000)", (digits, 0), False))
    rows.append(("MNIST test digits, framed by the app", attempts(lambda: made.framed_digit(images[rng.integers(len(images))], rng), n), False))

    renderer = load_renderer()
    drawings = list(pendigits_drawings(renderer, 18, "casual", args.every))
    pad = np.stack([mnist_pixels(image) for image, _ in drawings])
    rows.append((f"pendigits on the pad ({len(pad)})", (pad, 0), False))
    photo_rng = np.random.default_rng(4)
    photos = []
    for index, (image, _) in enumerate(drawings):
        try:
            photos.append(mnist_pixels(photo_like(image, PHOTO_CONDITIONS[index % len(PHOTO_CONDITIONS)], photo_rng)))
        except ImageError:
            pass
    rows.append((f"pendigits as photos ({len(photos)})", (np.stack(photos), 0), False))
    folder = SHARED / "data" / "photos"
    with open(folder / "labels.csv", newline="") as f:
        real = []
        for row in csv.DictReader(f):
            try:
                real.append(mnist_pixels(folder / row["file"]))
            except ImageError:
                pass
    rows.append((f"real photos ({len(real)})", (np.stack(real), 0), False))

    def fragment():
        index = rng.integers(len(images))
        return made.fragment(images[index], labels[index], rng)

    def pair(gaps):
        def make():
            mask, _ = made.number_masks([images[i] for i in rng.integers(len(images), size=2)], 2, rng, gaps=gaps)
            return frame(mask)
        return make

    rows.append(("fragments (left, right, top, bottom)", attempts(fragment, n), True))
    rows.append(("touching or overlapping pairs", attempts(pair((-0.2, 0.0)), n), True))
    rows.append(("two digits side by side, apart", attempts(pair((0.05, 0.5)), n), True))
    span_pixels, span_digit = [], []
    while len(span_pixels) < 2 * n:
        count = int(rng.integers(2, 4))
        mask, owners = made.number_masks([images[i] for i in rng.integers(len(images), size=count)], count, rng)
        spans, is_digit = made.pipeline_spans(mask, owners, count)
        span_pixels += spans
        span_digit += is_digit
    span_pixels, span_digit = np.stack(span_pixels), np.array(span_digit)
    rows.append(("numbers' pieces that are one digit", (span_pixels[span_digit], 0), False))
    rows.append(("numbers' pieces that are not", (span_pixels[~span_digit], 0), True))
    for picture in made.PICTURES:
        rows.append((f"pictures: {picture}", attempts(lambda p=picture: mnist_pixels(made.noise_picture(rng, p)), n // 4), True))

    print(f"\n{'':<44}" + "".join(f"{kind + ' (>= 0.5 / 0.9 / 0.99)':>26}" for kind in recognizers))
    for name, (pixels, blank), not_digits in rows:
        cells = []
        for recognizer in recognizers.values():
            doubt = np.concatenate([recognizer.probabilities_and_doubts(pixels)[1], np.ones(blank)])  # blank: no digit
            cells.append(" / ".join(f"{np.mean(doubt >= limit):.1%}" for limit in (0.5, NOT_SURE, NO_DIGIT)))
        name += f", {blank} blank to the preprocessing" if blank else ""
        print(f"{('caught: ' if not_digits else 'cost: ') + name:<44}" + "".join(f"{c:>26}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
