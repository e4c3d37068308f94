"""Writing styles MNIST hardly contains, drawn onto MNIST's own digits.

Many people write 1 with a flag (some on a base too), cross their 7s and end 9 with a
curled tail; MNIST (American writers) has few of each, so a model trained on it reads
such a 1 as 7, 4 or 9 and such a 9 as 3. `with_writing_styles` gives every 1, 7 and 9
a copy with those strokes added, drawn with MNIST's stroke width; training mixes a share
of them in. It can also give a share of all digits a copy written small with a thick pen,
whose loops fill up in a photo: MNIST has none of those either.
"""
import numpy as np
from PIL import Image, ImageDraw

from digitpad.recognition.images import BlankImageError, scaled_size
from digitpad.recognition.paper import max_filter
from digitpad.recognition.preprocess import (
    BOX,
    MNIST_STROKE_WIDTH,
    SIZE,
    centre_by_mass,
    crop_to_ink,
    frame,
    stroke_width,
)

SCALE = 4  # strokes are drawn at 4x and averaged down: anti-aliased like MNIST
INK = 0.3  # a pixel brighter than this counts as ink when measuring a digit
MIN_INK_PIXELS = 10  # fewer is no digit to draw on
FLAG_LENGTH = (0.2, 0.6)  # of the stem's length
FLAG_STEEPEST = 70  # degrees from straight down: flatter is a 7's bar
BASE_SHARE = 0.3  # of the flagged 1s that also stand on a base
BASE_WIDTH = (0.2, 0.35)  # half of it, as a share of the stem's length
THICK_PEN = (0.18, 0.33)  # the width of a thick pen on a small digit, as a share of its size


def with_writing_styles(images, labels, rng, thick_pens=0.0):
    """Float images (n, 28, 28) in 0..1 -> a copy where each 1, 7 and 9 has its style stroke,
    and a share `thick_pens` of all digits is written small with a thick pen.
    """
    styled = images.copy()
    for index in np.flatnonzero(np.isin(labels, list(STYLES))):
        styled[index] = add_style(images[index], int(labels[index]), rng)
    if thick_pens:  # without, the random draws stay those of the recipes made before thick pens
        for index in np.flatnonzero(rng.random(len(images)) < thick_pens):
            styled[index] = thick_pen(styled[index], rng)
    return styled


def add_style(digit, label, rng):
    """One 28x28 digit with its label's style stroke added, framed again as MNIST is."""
    if np.count_nonzero(digit > INK) < MIN_INK_PIXELS:
        return digit
    strokes = STYLES[label](digit, rng)
    if strokes is None:
        return digit
    return _reframe(np.maximum(digit, _strokes(strokes, rng)))


def flag(digit, rng):
    """A 1's flag: from the top of the stem, down and to the left, shorter than a 7's bar;
    some 1s also get a base, a short horizontal stroke under the stem."""
    ink = _ink_points(digit)
    down = _main_direction(ink)
    along = (ink - ink.mean(axis=0)) @ down
    top, bottom, stem = ink[along.argmin()], ink[along.argmax()], np.ptp(along)
    lean = np.arctan2(-down[0], down[1])  # of the stem, from straight down: > 0 for /
    angle = min(lean + np.radians(rng.uniform(30, 60)), np.radians(FLAG_STEEPEST))  # of the flag, likewise
    length = rng.uniform(*FLAG_LENGTH) * stem
    strokes = [[top, top + length * np.array([-np.sin(angle), np.cos(angle)])]]
    if rng.random() < BASE_SHARE:
        half = np.array([rng.uniform(*BASE_WIDTH) * stem, rng.uniform(-0.5, 0.5)])
        strokes.append([bottom - half, bottom + half])
    return strokes


def bar(digit, rng):
    """A 7's bar across the stem, a little below the middle."""
    ink = _ink_points(digit)
    top, bottom = ink[:, 1].min(), ink[:, 1].max()
    y = round(top + rng.uniform(0.45, 0.65) * (bottom - top))
    row = ink[np.abs(ink[:, 1] - y) < 1]
    if len(row) == 0:
        return None
    centre = np.array([row[:, 0].mean() + rng.uniform(-1, 1), y])
    half = np.array([rng.uniform(3, 6), rng.uniform(-0.8, 0.8)])
    return [[centre - half, centre + half]]


def curled_tail(digit, rng):
    """A 9's tail that sweeps round to the left at the bottom, up to the digit's full width."""
    ink = _ink_points(digit)
    top, bottom = ink[:, 1].min(), ink[:, 1].max()
    end = ink[ink[:, 1] >= bottom - 1].mean(axis=0)
    lower = ink[ink[:, 1] >= bottom - 0.35 * (bottom - top)]
    down = _main_direction(lower) if len(lower) > 2 else np.array([0.0, 1.0])
    width = max(np.ptp(ink[:, 0]), 6)
    turn = end + rng.uniform(2, 5) * down
    tip = end + np.array([-rng.uniform(0.4, 1.0) * width, rng.uniform(-3, 1)])
    t = np.linspace(0, 1, 10)[:, None]
    return [list((1 - t) ** 2 * end + 2 * t * (1 - t) * turn + t**2 * tip)]  # a quadratic Bezier


STYLES = {1: flag, 7: bar, 9: curled_tail}


def thick_pen(digit, rng):
    """The digit as the app frames a photo of it written small with a thick pen: its strokes
    widened to THICK_PEN of its size, so that its loops close up, then framed."""
    big = np.asarray(Image.fromarray((digit * 255).astype(np.uint8)).resize((SCALE * SIZE,) * 2, Image.LANCZOS)) >= 128
    if not big.any():
        return digit
    ink = crop_to_ink(big)
    radius = round((rng.uniform(*THICK_PEN) * max(ink.shape) - stroke_width(ink)) / 2)
    if radius > 0:
        ink = max_filter(np.pad(ink, radius), 2 * radius + 1)
    try:
        return frame(ink)
    except BlankImageError:  # a speck, not a digit
        return digit


def _ink_points(digit):
    """(x, y) of the ink pixels."""
    ys, xs = np.nonzero(digit > INK)
    return np.column_stack([xs, ys]).astype(np.float64)


def _main_direction(points):
    """Unit vector along which the points spread most, pointing down the image."""
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(points.T))
    direction = eigenvectors[:, eigenvalues.argmax()]
    return direction if direction[1] >= 0 else -direction


def _strokes(strokes, rng):
    """Pen lines, each through (x, y) points, as a 28x28 float image."""
    canvas = Image.new("L", (SIZE * SCALE, SIZE * SCALE))
    draw = ImageDraw.Draw(canvas)
    width = rng.uniform(0.8, 1.2) * MNIST_STROKE_WIDTH * SCALE
    for points in strokes:
        scaled = [tuple((point + 0.5) * SCALE) for point in points]
        draw.line(scaled, fill=255, width=round(width), joint="curve")
        for x, y in (scaled[0], scaled[-1]):  # round pen ends
            draw.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill=255)
    return np.asarray(canvas.resize((SIZE, SIZE), Image.BOX), dtype=np.float32) / 255.0


def _reframe(digit):
    """Crop to the ink, shrink into 20x20 if the new stroke made it larger, centre by mass."""
    digit = crop_to_ink(digit)
    height, width = digit.shape
    if max(height, width) > BOX + 2:  # MNIST's 20x20 box plus its anti-aliased rim
        size = scaled_size(width, height, BOX + 2)
        digit = np.asarray(Image.fromarray(digit).resize(size, Image.LANCZOS)).clip(0, 1)
    return centre_by_mass(digit)
