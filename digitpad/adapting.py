"""Adapting the network to the user's own handwriting, in numpy (never imports TensorFlow).

The dense layers are fine-tuned by Adam on the user's samples, each drawn again with small
shifts, rotations, zooms and stroke widths, mixed with a fixed subset of MNIST shipped with
the package, so that the network learns the writer's style without forgetting MNIST. The
convolutional layers stay fixed, so the MNIST subset's features through them are computed
once per weights file and cached. Adapting always starts from the weights the user had
before adapting and writes a file of its own (paths.adapted_weights).
"""
import hashlib
import math
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
from PIL import Image

from digitpad.i18n import _
from digitpad.paths import features_cache_dir, shipped_mnist_subset
from digitpad.recognition.network import fixed_features, split_params
from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.weights import WeightsError, check_output, read_weights, replace_atomically, training_lock


class AdaptingError(Exception):
    """Adapting cannot run (no samples, an unreadable MNIST subset), with a message for the user."""


@dataclass(frozen=True)
class Recipe:
    """How the dense layers are fine-tuned (chosen with benchmarks/adaptation.py)."""

    mnist_images: int = 5000  # of the shipped subset, mixed in so that MNIST is kept
    variants: int = 10  # drawings of each sample: itself and this many minus one augmented
    most_drawn: int = 600  # drawings of all samples together: hundreds of samples take no longer
    samples_share: float = 0.3  # of each batch: the user's samples, the rest MNIST
    steps: int = 150
    batch_size: int = 128
    learning_rate: float = 2e-3
    warp: float = 0.0  # pixels the corners of a 4x4 mesh over each redrawn sample move at most (elastic)
    # How far the adapted weights go from the starting ones towards the fine-tuned ones
    # (weight-space ensembling, Wortsman et al. 2022)
    step: float = 1.0
    averaged_over: float = 0.25  # of the steps: the weights kept are their moving average over about these


# Going 0.85 of the way keeps the two-layer network's MNIST (a drop of at most 0.21 points
# instead of 0.42 over 30 writers) at the cost of its worst writer (94.55 % instead of 95.00 %).
# The convolutional network drew with 20 variants did no better (99.27 / 96.36 % / -0.18 against
# 99.23 / 96.36 % / -0.20) and took 0.4 s more.
# Chosen on writers 1-15 of benchmarks/adaptation.py (three seeds), all 10 000 MNIST images in
# batches of 384 that are 88 % MNIST, 200 steps at 3e-3, the whole way, samples warped by 2
# pixels (Recipe.warp) keeps MNIST better (-0.13 to -0.16 at worst over 30 writers, seeds 0-2,
# against -0.21 to -0.28) but does not carry over to the held-out writers 16-30: their worst
# writer is 93.18-95.45 % (94.55-95.91 % with this recipe) and their mean 98.79-99.00 %
# (98.94-99.12 %), so it is not used.
# L2-SP and EWC penalties, fine-tuning only some layers and projecting the steps off MNIST's
# subspace each traded the writers for MNIST.
RECIPES = {"mlp": Recipe(variants=20, step=0.85), "cnn": Recipe()}


@dataclass(frozen=True)
class AdaptationResult:
    out: Path
    start_from: Path  # the weights adapted: never the adapted file itself
    samples_before: float  # share of the user's samples the app answers right, before and after
    samples_after: float
    seconds: float  # CPU seconds of this process
    saved: bool
    cancelled: bool


def origin_of(path):
    """The weights that `path` was adapted from when it is an adapted file that is still
    there, else path itself: adapting again starts from the weights first adapted."""
    weights = read_weights(path)
    origin = weights.adapted_from
    return origin if origin is not None and origin.is_file() else Path(path)


def adapt(start_from, pixels, labels, out, *, recipe=None, seed=0, cancel=None, subset=None):
    """Fine-tune the dense layers of the weights in start_from on the user's samples; write to out.

    pixels: the samples as preprocessed images (n, 28, 28) in 0..1, labels their digits.
    start_from may be an adapted file: its origin is adapted instead (origin_of). out must
    not be the weights adapted from. Cancel (a threading.Event) writes nothing.
    """
    started = time.process_time()
    cancel = cancel or threading.Event()
    start_from = origin_of(start_from)
    if Path(out).resolve() == start_from.resolve():
        raise AdaptingError(_("{path} holds the weights adapting starts from: adapting writes to another file").format(path=out))
    check_adapting_output(out)  # before the work: a bad --out is said at once
    pixels, labels = np.asarray(pixels, dtype=np.float32), np.asarray(labels, dtype=np.int64)
    if len(labels) == 0 or pixels.shape != (len(labels), 28, 28):
        raise AdaptingError(_("adapting needs at least one sample, as 28x28 images with one label each"))
    weights = read_weights(start_from)
    recipe = recipe or RECIPES[weights.kind]
    rng = np.random.default_rng(seed)
    fixed, dense = split_params(weights.kind, weights.params)
    mnist_x, mnist_y = mnist_features(weights, subset)
    chosen = rng.choice(len(mnist_y), min(recipe.mnist_images, len(mnist_y)), replace=False)
    mnist_x, mnist_y = np.asarray(mnist_x[chosen], dtype=np.float32), mnist_y[chosen]
    variants = max(1, min(recipe.variants, recipe.most_drawn // len(labels)))
    drawn = augmented(pixels, variants, rng, recipe.warp)
    sample_x = fixed_features(weights.kind, fixed, drawn.reshape(-1, 28, 28))
    sample_y = np.repeat(labels, variants)
    tuned = fine_tune(dense, (mnist_x, mnist_y), (sample_x, sample_y), recipe, rng, cancel)
    before = answers_right(weights.kind, weights.params, pixels, labels)
    if tuned is None or cancel.is_set():  # (a cancel while the last steps ran still writes nothing)
        return AdaptationResult(Path(out), start_from, before, before, time.process_time() - started, False, True)
    params = fixed + tuned
    after = answers_right(weights.kind, params, pixels, labels)
    with training_lock(out):  # never while a training writes the same file
        write_adapted(out, weights, params, samples=len(labels))
    return AdaptationResult(Path(out), start_from, before, after, time.process_time() - started, True, False)


def answers_right(kind, params, pixels, labels):
    """Share of the samples the app answers right with these params (its averaged answers)."""
    from digitpad.recognition.weights import Weights

    recognizer = Recognizer(Weights(Path(), kind, params, None))
    return float(np.mean(recognizer.probabilities_of_pixels(pixels).argmax(axis=1) == labels))


# ---- the fine-tuning -------------------------------------------------------------------

def fine_tune(dense, mnist, samples, recipe, rng, cancel):
    """Adam over batches mixing MNIST and the samples; the dense layers' params, or None if cancelled."""
    params = [np.array(array, dtype=np.float32) for layer in dense for array in layer]
    starting = [p.copy() for p in params]
    features = np.concatenate([mnist[0], samples[0]])
    targets = np.eye(10, dtype=np.float32)[np.concatenate([mnist[1], samples[1]])]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    per_batch_samples = max(1, round(recipe.batch_size * recipe.samples_share))
    per_batch_mnist = recipe.batch_size - per_batch_samples
    average = [p.copy() for p in params]
    keep = 1 - 1 / max(1.0, recipe.averaged_over * recipe.steps)
    beta1, beta2 = 0.9, 0.999
    for step in range(1, recipe.steps + 1):
        if cancel.is_set():
            return None
        rows = np.concatenate([rng.integers(0, len(mnist[1]), per_batch_mnist),
                               len(mnist[1]) + rng.integers(0, len(samples[1]), per_batch_samples)])
        grads = _gradients(params, features[rows], targets[rows])
        rate = recipe.learning_rate * math.sqrt(1 - beta2**step) / (1 - beta1**step)
        for p, g, m1, m2 in zip(params, grads, first, second):
            m1 *= beta1
            m1 += (1 - beta1) * g
            m2 *= beta2
            m2 += (1 - beta2) * g * g
            p -= rate * m1 / (np.sqrt(m2) + 1e-7)
        for a, p in zip(average, params):
            a *= keep
            a += (1 - keep) * p
    tuned = [s + recipe.step * (a - s) for s, a in zip(starting, average)]
    return [(tuned[0], tuned[1]), (tuned[2], tuned[3])]


def _gradients(params, x, targets):
    """Gradients of the mean cross-entropy against targets (n, 10) of Dense(relu) -> Dense(softmax)."""
    hidden_kernel, hidden_bias, out_kernel, out_bias = params
    pre = x @ hidden_kernel + hidden_bias
    hidden = np.maximum(pre, 0.0)
    logits = hidden @ out_kernel + out_bias
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    delta = (probabilities - targets) / len(targets)
    back = (delta @ out_kernel.T) * (pre > 0)
    return [x.T @ back, back.sum(axis=0), hidden.T @ delta, delta.sum(axis=0)]


# ---- the samples drawn again -----------------------------------------------------------

ROTATION = 12  # degrees, either way
ZOOM = 0.12  # of the size, either way
SHEAR = 0.15
SHIFT = 1.5  # pixels, either way


def augmented(pixels, variants, rng, warp=0.0):
    """(n, variants, 28, 28): each image itself, then variants - 1 drawings of it with a small
    random rotation, zoom, shear, shift and stroke width, bent by an elastic warp of up to
    `warp` pixels when it is not 0."""
    out = np.empty((len(pixels), variants, 28, 28), dtype=np.float32)
    for i, image in enumerate(pixels):
        out[i, 0] = image
        for j in range(1, variants):
            drawn = _stroke_width(_affine(image, rng), rng)
            out[i, j] = _warped(drawn, rng, warp) if warp else drawn
    return out


def _affine(image, rng):
    angle = math.radians(rng.uniform(-ROTATION, ROTATION))
    scale = 1 + rng.uniform(-ZOOM, ZOOM)
    shear = rng.uniform(-SHEAR, SHEAR)
    cos, sin = math.cos(angle) / scale, math.sin(angle) / scale
    # Pillow maps each output pixel to an input one: the inverse transform about the centre
    a, b, d, e = cos, -sin + shear * cos, sin, cos + shear * sin
    centre = 13.5
    shift_x, shift_y = rng.uniform(-SHIFT, SHIFT, 2)
    c = centre - a * (centre + shift_x) - b * (centre + shift_y)
    f = centre - d * (centre + shift_x) - e * (centre + shift_y)
    moved = Image.fromarray(image, mode="F").transform((28, 28), Image.AFFINE, (a, b, c, d, e, f),
                                                         resample=Image.BILINEAR)
    return np.asarray(moved, dtype=np.float32)


def _warped(image, rng, most, cells=4):
    """The image bent as a rubber sheet: a mesh of cells x cells squares whose corners each move
    by up to `most` pixels (an elastic distortion, Simard et al. 2003, drawn by Pillow's MESH)."""
    size = image.shape[0] // cells
    grid = np.arange(cells + 1) * size
    xs, ys = np.meshgrid(grid, grid)
    xs = xs + rng.uniform(-most, most, xs.shape)
    ys = ys + rng.uniform(-most, most, ys.shape)
    mesh = []
    for row in range(cells):
        for column in range(cells):
            box = (grid[column], grid[row], grid[column + 1], grid[row + 1])
            corners = ((row, column), (row + 1, column), (row + 1, column + 1), (row, column + 1))  # Pillow's order
            quad = tuple(float(v) for r, c in corners for v in (xs[r, c], ys[r, c]))
            mesh.append((tuple(int(v) for v in box), quad))
    bent = Image.fromarray(image, mode="F").transform(image.shape[::-1], Image.MESH, mesh, resample=Image.BILINEAR)
    return np.asarray(bent, dtype=np.float32)


def _stroke_width(image, rng):
    """Blend towards the image's dilation (thicker) or erosion (thinner) by a random amount."""
    amount = rng.uniform(-1.0, 1.0)
    padded = np.pad(image, 1)
    neighbours = [padded[1 + dy : 29 + dy, 1 + dx : 29 + dx] for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    target = np.max(neighbours, axis=0) if amount > 0 else np.min(neighbours[4:6] + neighbours[7:9], axis=0)
    return np.clip(image + abs(amount) * (target - image), 0.0, 1.0)


# ---- the shipped MNIST subset and its cached features -----------------------------------

def load_subset(path=None):
    """The shipped MNIST subset: (images (n, 28, 28) uint8, labels (n,))."""
    path = Path(path or shipped_mnist_subset())
    try:
        with np.load(path) as data:
            images, labels = data["images"], data["labels"]
    except (OSError, KeyError, ValueError) as error:
        raise AdaptingError(_("{path}: the MNIST subset adapting needs cannot be read ({error}); reinstall digitpad").format(
            path=path, error=error)) from error
    if images.shape[1:] != (28, 28) or len(images) != len(labels) or not len(labels):
        raise AdaptingError(_("{path}: not an MNIST subset ({images} images, {labels} labels)").format(
            path=path, images=images.shape, labels=labels.shape))
    return images, labels.astype(np.int64)


def mnist_features(weights, subset=None):
    """The subset through the weights' fixed layers (n, d), and its labels (n,).

    For the two-layer network, which has no fixed layers, the pixels themselves. Otherwise
    they are cached on disk per weights, and read from there only where they are used (a
    memory map of float16); index them, then make them float32.
    """
    images, labels = load_subset(subset)
    fixed = split_params(weights.kind, weights.params)[0]
    if not fixed:
        return images.reshape(len(images), -1) / np.float32(255), labels
    digest = hashlib.sha256(b"".join(a.tobytes() for layer in fixed for a in layer))
    digest.update(images.tobytes())
    cache = features_cache_dir() / f"{digest.hexdigest()[:32]}.npy"
    try:
        features = np.load(cache, mmap_mode="r", allow_pickle=False)
        if features.shape[0] == len(labels) and features.dtype == np.float16:
            return features, labels
    except (OSError, ValueError):
        pass  # not made yet, or broken: make it again
    features = fixed_features(weights.kind, fixed, images / np.float32(255)).astype(np.float16)
    _save_quietly(cache, features)
    return features, labels


def _save_quietly(path, array):
    """Write the cache atomically; a cache that cannot be written only costs time next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=path.parent, suffix=".partial")
        with os.fdopen(handle, "wb") as f:
            np.save(f, array)
        os.replace(partial, path)
    except OSError:
        pass


# ---- the adapted file ------------------------------------------------------------------

def params_digest(params):
    """A fingerprint of a network's weights: which weights an adaptation was made from."""
    return hashlib.sha256(b"".join(np.ascontiguousarray(a, dtype=np.float32).tobytes()
                                   for layer in params for a in layer)).hexdigest()


def made_from(adapted, origin):
    """Whether the adapted weights file was adapted from the weights now in `origin`."""
    try:
        with h5py.File(adapted, "r") as f:
            recorded = f.attrs.get("adapted_from_digest")
        weights = read_weights(origin)
    except (OSError, WeightsError):
        return False
    return isinstance(recorded, str) and recorded == params_digest(weights.params)


def check_adapting_output(out):
    """Adapting writes a new file or over adapted weights, never over anything else (trained
    weights, a document, a device, a link): else AdaptingError."""
    try:
        check_output(out)
        if os.path.lexists(out) and read_weights(out).adapted_from is None:
            raise AdaptingError(_("{path} holds weights that were not adapted: adapting never writes over them "
                                  "(choose another --out)").format(path=out))
    except WeightsError as error:
        raise AdaptingError(_("{error}; adapting writes a new file or over adapted weights (choose another --out)")
                            .format(error=error)) from None


def write_adapted(out, weights, params, samples):
    """Write params in the Keras layout of weights' file (read_weights reads it back), atomically."""
    from digitpad.recognition.network import LAYERS

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
    os.close(handle)
    try:
        with h5py.File(partial, "w") as f:
            for name, (kernel, bias) in zip(LAYERS[weights.kind], params):
                group = f.create_group(f"{name}/vars")
                group.create_dataset("0", data=np.asarray(kernel, dtype=np.float32))
                group.create_dataset("1", data=np.asarray(bias, dtype=np.float32))
            f.attrs.update(adapted_from=str(weights.path.resolve()), adapted_from_digest=params_digest(weights.params),
                           adapted_samples=samples)
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        replace_atomically(partial, out)
    finally:
        Path(partial).unlink(missing_ok=True)
