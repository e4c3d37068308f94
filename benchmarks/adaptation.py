"""Adapting to one writer: per-writer protocol on the pen strokes of 30 writers (pendigits).

For each writer, k drawings of each digit are that writer's corrections; the model is
adapted to them (mixed with MNIST), then scored on the writer's other drawings, all drawn
as pad images (pen 18, centred).

    python benchmarks/adaptation.py [--k 1,3,5] [--model mlp] [--weights W] [--writers 30]
"""
import argparse
import tempfile
from pathlib import Path

import numpy as np
from accuracy import SHARED, load_renderer, require_shared

from digitpad.paths import shipped_weights
from digitpad.recognition.recognizer import Recognizer
from digitpad.training.data import load_mnist
from digitpad.training.train import adapt

PEN = 18


def split_writer(digits, k):
    """The first k drawings of each digit as corrections, the rest to score."""
    seen, corrections, rest = {}, [], []
    for digit in digits:
        label = digit["label"]
        (corrections if seen.get(label, 0) < k else rest).append(digit)
        seen[label] = seen.get(label, 0) + 1
    return corrections, rest


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--k", default="1,3,5")
    parser.add_argument("--model", default="mlp")
    parser.add_argument("--weights", type=Path, help="weights to adapt (default: the shipped ones of --model)")
    parser.add_argument("--writers", type=int, default=30)
    args = parser.parse_args()
    require_shared()
    renderer = load_renderer()
    digits = renderer.parse(str(SHARED / "data" / "pendigits" / "pendigits-orig.tra.gz"))
    data = load_mnist(SHARED / "data" / "mnist")
    start = args.weights or shipped_weights(args.model)
    recognizer = Recognizer.load(start)

    def pixels(items):
        images = [renderer.render(renderer.place(d["strokes"], PEN, 0.7), PEN) for d in items]
        return np.stack([recognizer.pixels(image) for image in images]), np.array([d["label"] for d in items])

    writers = sorted({d["writer"] for d in digits})[: args.writers]
    print(f"{args.model}: {start}")
    for k in map(int, args.k.split(",")):
        before, after, seconds, mnist = [], [], [], []
        for writer in writers:
            corrections, rest = split_writer([d for d in digits if d["writer"] == writer], k)
            (x, y), (x_rest, y_rest) = pixels(corrections), pixels(rest)
            before.append(np.mean(recognizer.probabilities_of_pixels(x_rest).argmax(axis=1) == y_rest))
            with tempfile.TemporaryDirectory() as folder:
                result = adapt(data, start, x, y, Path(folder) / "w.weights.h5", seed=0)
                adapted = Recognizer.load(result.out)
            after.append(np.mean(adapted.probabilities_of_pixels(x_rest).argmax(axis=1) == y_rest))
            seconds.append(result.seconds)
            mnist.append(result.mnist_after)
            print(f"  k={k} writer {writer:>2}: {before[-1]:.1%} -> {after[-1]:.1%}, MNIST {result.mnist_after:.2%} "
                  f"({result.seconds:.1f} s)", flush=True)
        print(f"k={k}: mean {np.mean(before):.2%} -> {np.mean(after):.2%}, worst writer {min(after):.2%}, "
              f"MNIST test after {min(mnist):.2%}..{max(mnist):.2%}, one adaptation median {np.median(seconds):.1f} s",
              flush=True)


if __name__ == "__main__":
    main()
