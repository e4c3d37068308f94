"""Adapting to one writer: per-writer protocol on the pen strokes of 30 writers (pendigits).

For each writer, k drawings of each digit are that writer's corrections; the model is
adapted to them (digitpad.adapting, numpy, with the shipped MNIST subset), then scored with
the app's answers on the writer's other drawings, all drawn as pad images (pen 18, centred).
MNIST test is the network alone, as training reports it. Seconds are CPU seconds of this
process for one adaptation, from samples to written file; the first writer's include making
the features cache of a fresh install (a temporary DIGITPAD_HOME). The recipes were chosen on
the first half of the writers only: the summary is given for each half and for all of them,
and once per --seeds (adapting is random: a writer's score moves by a drawing or two).

    python benchmarks/adaptation.py [--k 1,3,5] [--model mlp] [--weights W] [--writers 30] [--subset S] [--seeds 0,1,2]
"""
import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from accuracy import SHARED, load_renderer, require_shared

from digitpad.adapting import adapt
from digitpad.paths import shipped_weights
from digitpad.recognition.network import dense_forward, fixed_features, split_params
from digitpad.recognition.recognizer import Recognizer
from digitpad.training.data import load_mnist

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
    parser.add_argument("--k", default="3")
    parser.add_argument("--model", default="mlp")
    parser.add_argument("--weights", type=Path, help="weights to adapt (default: the shipped ones of --model)")
    parser.add_argument("--writers", type=int, default=30)
    parser.add_argument("--subset", type=Path, help="MNIST subset to mix in (default: the shipped one)")
    parser.add_argument("--seeds", default="0", help="adapt each writer once per seed (adapt's seed; the app uses 0)")
    args = parser.parse_args()
    require_shared()
    with tempfile.TemporaryDirectory(prefix="digitpad-adaptation-") as home:
        os.environ["DIGITPAD_HOME"] = home  # a fresh install's cache, removed at the end
        measure(args)


def measure(args):
    renderer = load_renderer()
    digits = renderer.parse(str(SHARED / "data" / "pendigits" / "pendigits-orig.tra.gz"))
    _, (x_test, y_test) = load_mnist(SHARED / "data" / "mnist")
    start = args.weights or shipped_weights(args.model)
    recognizer = Recognizer.load(start)
    kind = recognizer.weights.kind
    fixed, dense = split_params(kind, recognizer.weights.params)
    test_features = fixed_features(kind, fixed, x_test / 255.0)

    def mnist_test(params):
        return np.mean(dense_forward(split_params(kind, params)[1], test_features).argmax(axis=1) == y_test)

    def pixels(items):
        images = [renderer.render(renderer.place(d["strokes"], PEN, 0.7), PEN) for d in items]
        return np.stack([recognizer.pixels(image) for image in images]), np.array([d["label"] for d in items])

    def score(weights_recognizer, x, y):
        return np.mean(weights_recognizer.probabilities_of_pixels(x).argmax(axis=1) == y)

    mnist_before = mnist_test(recognizer.weights.params)
    writers = sorted({d["writer"] for d in digits})[: args.writers]
    print(f"{kind}: {start}, MNIST test {mnist_before:.2%}")
    seeds = [int(seed) for seed in args.seeds.split(",")]
    for k in map(int, args.k.split(",")):
        drawn = {writer: [pixels(part) for part in split_writer([d for d in digits if d["writer"] == writer], k)]
                 for writer in writers}
        for seed in seeds:
            before, after, seconds, wall, mnist = [], [], [], [], []
            for writer in writers:
                (x, y), (x_rest, y_rest) = drawn[writer]
                before.append(score(recognizer, x_rest, y_rest))
                with tempfile.TemporaryDirectory() as folder:
                    started = time.monotonic()
                    result = adapt(start, x, y, Path(folder) / "w.weights.h5", subset=args.subset, seed=seed)
                    wall.append(time.monotonic() - started)
                    adapted = Recognizer.load(result.out)
                after.append(score(adapted, x_rest, y_rest))
                seconds.append(result.seconds)
                mnist.append(mnist_test(adapted.weights.params) - mnist_before)
                print(f"  k={k} seed {seed} writer {writer:>2}: {before[-1]:.2%} -> {after[-1]:.2%}, MNIST test "
                      f"{100 * mnist[-1]:+.2f}, {result.seconds:.2f} CPU s ({wall[-1]:.2f} s)", flush=True)
            half = len(writers) // 2
            for name, part in (("first half", slice(0, half)), ("second half", slice(half, None)), ("all", slice(None))):
                if len(writers[part]):
                    summarize(f"k={k} seed {seed}, writers {writers[part][0]}-{writers[part][-1]} ({name})",
                              before[part], after[part], mnist[part], seconds[part], wall[part])
            print(f"  one adaptation: the first {seconds[0]:.2f} CPU s", flush=True)


def summarize(title, before, after, mnist, seconds, wall):
    before, after = np.array(before), np.array(after)
    print(f"{title}: mean per writer {before.mean():.2%} -> {after.mean():.2%}, worst writer {before.min():.2%} -> "
          f"{after.min():.2%}, writers worse than before: {int((after < before).sum())}, MNIST test change "
          f"{100 * min(mnist):+.2f}..{100 * max(mnist):+.2f} points; one adaptation: median {np.median(seconds):.2f} "
          f"CPU s (wall {np.median(wall):.2f} s)", flush=True)

if __name__ == "__main__":
    main()
