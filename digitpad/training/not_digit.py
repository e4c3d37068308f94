"""Fitting the "not a digit" head (recognition/not_digit.py) of a weights file, on MNIST only.

    python -m digitpad.training.not_digit WEIGHTS [--mnist DIR] [--out HEAD]

Digits: MNIST training digits as they are, and framed as the app frames ink it found (from
masks at 2-4x MNIST's size, turned and slanted a little). Not digits, all made from other
MNIST training digits or from nothing: left, right, top and bottom fragments of a digit;
touching, overlapping and separate pairs framed as one; the pieces and groups of pieces that
reading a number of 2-3 touching digits (numbers.py) would try, labelled by whose ink they
hold; noise, gradients, checkerboards, blank paper, scribbles and bars through the app's own
preprocessing. The network's fixed layers stay as they are: only the head learns.
"""
import argparse
import itertools
import sys
import threading
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from digitpad.recognition.images import BlankImageError
from digitpad.recognition.network import FIXED_LAYERS, fixed_features, split_params
from digitpad.recognition.not_digit import NotDigitHead, fixed_digest, head_arrays, head_path
from digitpad.recognition.numbers import MIN_ASPECT, _candidate_digits, _joined, pieces_of
from digitpad.recognition.preprocess import frame, mnist_pixels
from digitpad.recognition.weights import read_weights
from digitpad.training.progress import HeadProgress

HIDDEN = {"mlp": (256, 64), "cnn": (128, 32)}  # units of the head's relu layers (the pixels need more)
DROPOUT = 0.3  # the heads learnt MNIST's digits too well and doubted other people's (pendigits) without it
FEATURE_BATCH = 500
EPOCHS = 10


class FittingCancelled(Exception):
    """Fitting a head was cancelled: nothing was written."""


def needs_own_head(kind):
    """Whether weights of this kind need a head fitted for them: "mlp"'s head reads the pixels,
    so the shipped one belongs to any weights of it."""
    return FIXED_LAYERS[kind] > 0


# -- making digits and non-digits (numpy, OpenCV, Pillow)

def digit_grey(image, rng, scale=None):
    """An MNIST digit (28x28 uint8, ink bright) enlarged 2-4x, turned up to 12 degrees and
    slanted, cropped to its ink: float32 in 0..1."""
    scale = scale or rng.uniform(2, 4)
    size = round(28 * scale)
    big = cv2.resize(image.astype(np.float32) / 255, (size, size), interpolation=cv2.INTER_LINEAR)
    turn = cv2.getRotationMatrix2D((size / 2, size / 2), rng.uniform(-12, 12), 1.0)
    turn[0, 1] += rng.uniform(-0.3, 0.3)  # slant
    turn[0, 2] -= turn[0, 1] * size / 2
    big = cv2.warpAffine(big, turn, (size, size))
    rows, cols = np.flatnonzero(big.max(axis=1) > 0.5), np.flatnonzero(big.max(axis=0) > 0.5)
    if rows.size == 0:
        return big
    return big[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def framed_digit(image, rng):
    return frame(digit_grey(image, rng) > 0.5)


def fragment(image, label, rng):
    """A left, right, top or bottom part of a digit (never a 1: each part of a 1 is a 1; never
    the bottom of a 4, 7 or 9, a 1 as well), cut straight at 25-75 %."""
    mask = digit_grey(image, rng) > 0.5
    sides = ["left", "right", "top", "bottom"]
    if label in (4, 7, 9):
        sides.remove("bottom")
    if label == 4:
        sides.remove("right")
    side = sides[rng.integers(len(sides))]
    height, width = mask.shape
    if side in ("left", "right"):
        at = round(rng.uniform(0.25, 0.75) * width)
        part = mask[:, :at] if side == "left" else mask[:, at:]
    else:
        at = round(rng.uniform(0.3, 0.7) * height)
        part = mask[:at] if side == "top" else mask[at:]
    if label == 1 or part.sum() < 0.15 * mask.sum():
        raise BlankImageError("too little of the digit")
    return frame(part)


def number_masks(images, count, rng, gaps=(-0.2, 0.05)):
    """Digits side by side as one mask, and a label image saying whose ink each pixel is
    (1, 2, ... left to right; 0 paper); each digit about the same height, gaps a share of it."""
    height = rng.uniform(40, 110)
    greys = []
    for image in images[:count]:
        grey = digit_grey(image, rng, scale=height * rng.uniform(0.85, 1.1) / 20)
        greys.append(grey)
    width = sum(g.shape[1] for g in greys) + round(2 * height)
    canvas = np.zeros((round(2.2 * height), width), dtype=np.int32)
    x = round(0.5 * height)
    for owner, grey in enumerate(greys, start=1):
        top = round(0.4 * height + rng.normal(0, 0.05) * height)
        top = int(np.clip(top, 0, canvas.shape[0] - grey.shape[0]))
        region = canvas[top : top + grey.shape[0], x : x + grey.shape[1]]
        region[grey > 0.5] = owner
        x += grey.shape[1] + round(rng.uniform(*gaps) * height)
        x = max(x, 1)
    return canvas > 0, canvas


def pipeline_spans(mask, owners, count):
    """(pixels, is_digit) of the groups of pieces reading a number would try on this mask:
    a digit when nearly all its ink is one digit's and holds nearly all of that digit, not
    one when far from it; those in between are left out."""
    pieces, height = pieces_of(mask)
    totals = np.bincount(owners[mask], minlength=count + 1)
    out, labels = [], []
    for first, end in _candidate_digits(pieces, height):
        top, left, joined = _joined(pieces[first:end])
        held = np.bincount(owners[top : top + joined.shape[0], left : left + joined.shape[1]][joined],
                           minlength=count + 1)
        owner = int(np.argmax(held[1:])) + 1
        purity, coverage = held[owner] / max(held.sum(), 1), held[owner] / max(totals[owner], 1)
        if purity >= 0.92 and coverage >= 0.9:
            is_digit = True
        elif purity < 0.75 or coverage < 0.6:
            is_digit = False
        else:
            continue
        try:
            out.append(frame(joined))
        except BlankImageError:
            continue
        labels.append(is_digit)
    return out, labels


PICTURES = ("noise", "gradient", "checkerboard", "stripes", "blank sheet", "scribbles")


def noise_picture(rng, kind=None):
    """A picture with no digit on it, as a user might give one: noise, a gradient, a
    checkerboard, stripes, a blank sheet (grain, light falling off), or scribbles and bars."""
    side = int(rng.integers(40, 320))
    height, width = side, int(side * rng.uniform(0.6, 1.6))
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    kind = PICTURES.index(kind) if kind else rng.integers(len(PICTURES))
    if kind == 0:
        grey = rng.uniform(0, 255, (height, width)) if rng.random() < 0.5 else rng.normal(128, rng.uniform(10, 80), (height, width))
    elif kind == 1:
        angle = rng.uniform(0, 2 * np.pi)
        ramp = xs * np.cos(angle) + ys * np.sin(angle)
        if rng.random() < 0.4:
            ramp = np.hypot(xs - rng.uniform(0, width), ys - rng.uniform(0, height))
        grey = 255 * (ramp - ramp.min()) / max(np.ptp(ramp), 1)
    elif kind == 2:
        period = rng.uniform(2, side / 2)
        grey = np.where((xs // period + ys // period) % 2 == 0, 30, 225)
    elif kind == 3:
        period, angle = rng.uniform(3, side / 3), rng.uniform(0, np.pi)
        grey = 128 + 100 * np.sign(np.sin((xs * np.cos(angle) + ys * np.sin(angle)) * 2 * np.pi / period))
    elif kind == 4:  # a blank sheet: light falling off, grain
        light = 230 - rng.uniform(0, 80) * (xs / width) ** rng.uniform(0.5, 2)
        grain = cv2.GaussianBlur(rng.normal(0, rng.uniform(2, 12), (height, width)).astype(np.float32), (0, 0), rng.uniform(0.5, 3))
        grey = light + grain
    else:  # scribbles and bars: strokes that make no digit
        grey = np.full((height, width), 240, dtype=np.uint8)
        pen = max(1, int(side * rng.uniform(0.02, 0.08)))
        for _ in range(rng.integers(1, 4)):
            if rng.random() < 0.5:  # a bar, lying down
                y, x0 = rng.uniform(0.2, 0.8) * height, rng.uniform(0, 0.4) * width
                cv2.line(grey, (int(x0), int(y)), (int(x0 + rng.uniform(0.3, 0.6) * width), int(y + rng.normal(0, 0.05) * height)), 20, pen)
            else:  # a zigzag of 5-9 segments
                points = np.stack([rng.uniform(0.1, 0.9, 10) * width, rng.uniform(0.1, 0.9, 10) * height], axis=1)
                count = rng.integers(6, 11)
                cv2.polylines(grey, [points[:count].astype(np.int32)], False, 20, pen)
    grey = np.clip(grey, 0, 255).astype(np.uint8)
    return Image.fromarray(grey)


def could_be_a_one(pixels):
    """Whether framed ink is narrow enough to be a 1 (a stem cut from a 7, one bar of stripes):
    no other digit in MNIST is narrower than 0.4 of its height (numbers.MIN_ASPECT), so such
    ink is never taught as "not a digit"."""
    rows, cols = np.flatnonzero(pixels.max(axis=1) > 0.5), np.flatnonzero(pixels.max(axis=0) > 0.5)
    return rows.size == 0 or (cols[-1] - cols[0] + 1) < MIN_ASPECT[np.arange(10) != 1].min() * (rows[-1] - rows[0] + 1)


def examples(images, labels, count, rng, progress=print, cancel=None, on_picture=None):
    """(pixels (n, 28, 28), is_not_digit (n,)) made from these MNIST images, about count of each;
    progress(what) after each kind, on_picture(made, wanted) after each picture without digits
    (they take most of the time); raises FittingCancelled soon after cancel (a threading.Event) is set."""
    pixels, targets = [], []
    cancel = cancel or threading.Event()

    def add(made, target):
        if cancel.is_set():
            raise FittingCancelled
        if target and could_be_a_one(made):
            return
        pixels.append(made)
        targets.append(target)

    order = rng.permutation(len(images))
    used = itertools.cycle(order.tolist())
    for _ in range(count // 3):  # digits as MNIST has them
        add(images[next(used)] / np.float32(255), 0.0)
    for _ in range(count // 3):  # digits as the app frames them
        try:
            add(framed_digit(images[next(used)], rng), 0.0)
        except BlankImageError:
            pass
    progress("digits made")
    made = 0
    while made < count * 0.3:
        _check(cancel)
        index = next(used)
        try:
            add(fragment(images[index], labels[index], rng), 1.0)
            made += 1
        except BlankImageError:
            pass
    progress("fragments made")
    made = 0
    while made < count * 0.15:  # pairs framed as one digit: touching, overlapping, apart
        mask, _ = number_masks([images[next(used)], images[next(used)]], 2, rng, gaps=(-0.25, 0.5))
        try:
            add(frame(mask), 1.0)
            made += 1
        except BlankImageError:
            pass
    progress("pairs made")
    made = 0
    while made < count * 0.4:  # what reading numbers of touching digits tries
        _check(cancel)
        digits = int(rng.integers(2, 4))
        mask, owners = number_masks([images[next(used)] for _ in range(digits)], digits, rng)
        spans, is_digit = pipeline_spans(mask, owners, digits)
        for span, digit in zip(spans, is_digit):
            add(span, 0.0 if digit else 1.0)
        made += len(spans)
    progress("pieces of numbers made")
    made = 0
    wanted = int(np.ceil(count * 0.15))
    while made < wanted:  # pictures with no digit, through the app's preprocessing
        _check(cancel)
        try:
            add(mnist_pixels(noise_picture(rng)), 1.0)
            made += 1
        except BlankImageError:
            continue
        if on_picture is not None:
            on_picture(made, wanted)
    progress("pictures without digits made")
    return np.stack(pixels).astype(np.float32), np.array(targets, dtype=np.float32)


def _check(cancel):
    if cancel is not None and cancel.is_set():
        raise FittingCancelled


def features_of(weights, pixels, cancel=None):
    """The weights' fixed features (n, d) of pixels, in batches (the convolutions are large)."""
    fixed, _dense = split_params(weights.kind, weights.params)
    batches = []
    for i in range(0, len(pixels), FEATURE_BATCH):
        _check(cancel)
        batches.append(fixed_features(weights.kind, fixed, pixels[i : i + FEATURE_BATCH]))
    return np.concatenate(batches)


# -- fitting (Keras)

def fit_head(weights, pixels, targets, epochs=EPOCHS, seed=0, hidden=None, on_epoch=None, cancel=None, verbose=2):
    """A NotDigitHead for weights, fitted on pixels and targets (1: not a digit), classes weighed
    equally; on_epoch(epoch) after each epoch; raises FittingCancelled soon after cancel is set."""
    import keras

    keras.utils.set_random_seed(seed)
    hidden = hidden or HIDDEN[weights.kind]
    features = features_of(weights, pixels, cancel)
    model = keras.Sequential([keras.Input(shape=features.shape[1:]),
                              *[layer for units in hidden for layer in (
                                  keras.layers.Dense(units, activation="relu"), keras.layers.Dropout(DROPOUT))],
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    share = float(targets.mean())
    model.fit(features, targets, batch_size=128, epochs=epochs, verbose=verbose,
              class_weight={0: 0.5 / (1 - share), 1: 0.5 / share}, callbacks=[_Steps(on_epoch, cancel)])
    _check(cancel)
    layers = [tuple(np.asarray(v, dtype=np.float32) for v in layer.get_weights()) for layer in model.layers
              if isinstance(layer, keras.layers.Dense)]
    return NotDigitHead(weights.kind, fixed_digest(weights.kind, weights.params), layers)


def _Steps(on_epoch, cancel):
    """A Keras callback: on_epoch(epoch) after each epoch, and a stop within a batch of cancel."""
    import keras

    class Steps(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            if cancel is not None and cancel.is_set():
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            if on_epoch is not None and not (cancel is not None and cancel.is_set()):
                on_epoch(epoch)

    return Steps()


PICTURE_STEPS = 10
# Examples of each class, about (at most one a training image), when training fits a head for
# its weights: the shipped heads' recipe. It costs about 390 CPU s for "cnn" (pictures without
# digits 80 % of it); 10 000 cost 85 s but caught 2-4 points fewer fragments and pairs and
# doubted 1 point more of pendigits (benchmarks/not_digit.py), so the recipe was kept.
AFTER_TRAINING_COUNT = 40000


def fit_head_for(weights, images, labels, count=None, epochs=EPOCHS, seed=0, on_progress=None, cancel=None):
    """A NotDigitHead for weights fitted on these MNIST training images (uint8) and labels, as
    main() fits one (count: AFTER_TRAINING_COUNT unless given); HeadProgress to on_progress;
    raises FittingCancelled soon after cancel is set."""
    count = count or min(AFTER_TRAINING_COUNT, len(images))
    report = on_progress or (lambda progress: None)
    # a step for each of the four quick kinds of examples, PICTURE_STEPS for the pictures without
    # digits (most of the time), one for each epoch (the features are computed before the first)
    quick, steps = 4, 4 + PICTURE_STEPS + epochs
    quick_done, pictures_shown = iter(range(1, quick + 1)), [0]

    def kind_made(what):
        step = next(quick_done, None)  # (the pictures' end is reported by picture_made)
        if step is not None:
            report(HeadProgress(step, steps))

    def picture_made(made, wanted):
        shown = made * PICTURE_STEPS // wanted
        if shown > pictures_shown[0]:
            pictures_shown[0] = shown
            report(HeadProgress(quick + shown, steps))

    report(HeadProgress(0, steps))
    pixels, targets = examples(images, labels, count, np.random.default_rng(seed), progress=kind_made, cancel=cancel,
                               on_picture=picture_made)
    return fit_head(weights, pixels, targets, epochs=epochs, seed=seed, cancel=cancel, verbose=0,
                    on_epoch=lambda epoch: report(HeadProgress(quick + PICTURE_STEPS + epoch + 1, steps)))


def write_head(path, head):
    """Write a head file atomically (a unique temporary name in the target's folder, then a rename)."""
    import os
    import tempfile

    path = Path(path)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as f:
            np.savez_compressed(f, **head_arrays(head))
        os.chmod(partial, 0o644)  # (mkstemp makes it private; a head is shipped and shared like weights)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def main(argv=None):
    from digitpad.training.data import load_mnist

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("weights", type=Path)
    parser.add_argument("--mnist", help="folder of MNIST's IDX files (else Keras' copy)")
    parser.add_argument("--out", type=Path, help="the head file (default: beside the weights)")
    parser.add_argument("--count", type=int, default=40000, help="examples made of each class, about")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args(argv)
    weights = read_weights(args.weights)
    (images, labels), _ = load_mnist(args.mnist)
    rng = np.random.default_rng(0)
    pixels, targets = examples(images, labels, args.count, rng, progress=lambda what: print(what, flush=True))
    print(f"{len(targets)} examples, {targets.mean():.1%} not digits", flush=True)
    head = fit_head(weights, pixels, targets, epochs=args.epochs)
    out = args.out or head_path(args.weights)
    write_head(out, head)
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
