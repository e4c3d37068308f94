"""Accuracy over the whole range people produce, not the range the code was tuned on.

    python benchmarks/breadth.py [--sections pad,photos,real] [--every 10] [--per-row 200] [--seed 19]

pad     real pen strokes of 30 writers (pendigits) drawn 10 %..120 % of the pad's height,
        touching each of its edges and corners in turn (taller than the pad: cut off at the
        edge), recognised from their strokes as the window does; against the same writers'
        centred 70 % digits.
photos  the same writers' pen strokes written on synthetic photos: the digit 5 %..80 % of the
        picture's height (never under MIN_DIGIT_PX), pictures 200..4000 px, pens from 1 px to
        bold at 28x28, black, blue, red and pencil ink, grainy, recycled and coloured paper,
        ruled and squared lines at any angle, light falling off by up to 2x, soft and hard
        shadows over part of the sheet, JPEG quality 15..40; one row per condition, each on
        top of a random size and resolution, and a row with everything at once. --save-wrong
        DIR keeps the photos either network gets wrong, with what the model saw.
real    the real photos in ../shared/data/photos (other people's, for measuring only), and
        which of them are wrong.

Every row is given for both networks (two-layer weights/mnist.weights.h5, convolutional
weights/mnist-cnn.weights.h5) and for the tutorial's pipeline (two-layer, Framing off), as a
markdown table. A row's pixels are computed once and given to each network. Runs repeat
(--seed). Pendigits and the photos are for measuring only. Needs ../shared.
"""
import argparse
import csv
import importlib.util
import io
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from digitpad.recognition.images import ImageError
from digitpad.recognition.preprocess import mnist_pixels
from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.strokes import PAD_SIZE, pixels_from_strokes, render_strokes

SHARED = Path(__file__).resolve().parents[2] / "shared"
PAD_SIZES = (0.10, 0.20, 0.30, 0.50, 0.70, 0.90, 1.00, 1.10, 1.20)
EDGE_ANCHORS = ((0, 0), (0.5, 0), (1, 0), (1, 0.5), (1, 1), (0.5, 1), (0, 1), (0, 0.5))  # corners and edges
MIN_DIGIT_PX = 14  # a digit smaller than this is unreadable to people too (MNIST's are 20 px)
INKS = {"black": (0.08, 0.08, 0.10), "blue": (0.12, 0.20, 0.62), "red": (0.75, 0.12, 0.14)}


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(recognizers, rows):
    """rows: list of (pixels or None, label); accuracy of each recognizer (None counts wrong)."""
    labels = np.array([label for _, label in rows])
    found = [i for i, (pixels, _) in enumerate(rows) if pixels is not None]
    scores = {}
    for name, recognizer in recognizers.items():
        right = 0
        if found:
            stack = np.stack([rows[i][0] for i in found])
            answers = recognizer.probabilities_of_pixels(stack).argmax(axis=1)
            right = int((answers == labels[found]).sum())
        scores[name] = right / len(rows)
    return scores


def answers(recognizers, rows):
    found = [pixels for pixels, _ in rows]
    return {name: [None if p is None else int(r.probabilities_of_pixels(p[None])[0].argmax()) for p in found]
            for name, r in recognizers.items()}


def try_pixels(make):
    try:
        return make()
    except ImageError:
        return None


def print_row(name, app, tutorial, count, pad=None):
    cells = " | ".join(f"{app[k]:.2%}" for k in ("mlp", "cnn"))
    same = f" {pad['mlp']:.2%} / {pad['cnn']:.2%} |" if pad else ""
    print(f"| {name} | {cells} | {tutorial['mlp']:.2%} |{same} {count} |", flush=True)


def header(title, pad_column=False):
    same = " the same strokes on the pad (two-layer / convolutional) |" if pad_column else ""
    print(f"\n{title}\n\n| row | two-layer | convolutional | tutorial's pipeline (two-layer) |{same} digits |\n"
          "| --- | --- | --- | --- |" + " --- |" * (2 if pad_column else 1), flush=True)


# -- the pad

def place_on_pad(strokes, fraction, anchor):
    """Strokes scaled to `fraction` of the pad's height, their box at `anchor` (0 = touching the
    left/top edge, 1 = the right/bottom one); a digit larger than the pad leaves it."""
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    scale = fraction * PAD_SIZE / max(max(ys) - min(ys), 1e-6)
    width, height = (max(xs) - min(xs)) * scale, (max(ys) - min(ys)) * scale
    left, top = anchor[0] * (PAD_SIZE - width), anchor[1] * (PAD_SIZE - height)
    return [[((x - min(xs)) * scale + left, (y - min(ys)) * scale + top) for x, y in s] for s in strokes]


def pad_section(recognizers, tutorial, every):
    renderer = load_module(SHARED / "tools" / "render_pendigits.py", "render_pendigits")
    digits = renderer.parse(str(SHARED / "data" / "pendigits" / "pendigits-orig.tra.gz"))[::every]
    header(f"pad: {len(digits)} pendigits digits, recognised from their strokes")
    cases = [("centred 70 % (reference)", 0.70, None)] + [
        (f"{size:.0%} of the pad, at an edge", size, "edges") for size in PAD_SIZES]
    for name, size, where in cases:
        rows, tutorial_rows = [], []
        for index, digit in enumerate(digits):
            anchor = (0.5, 0.5) if where is None else EDGE_ANCHORS[index % len(EDGE_ANCHORS)]
            strokes = place_on_pad(digit["strokes"], size, anchor)
            rows.append((try_pixels(lambda s=strokes: pixels_from_strokes(s)), digit["label"]))
            tutorial_rows.append((try_pixels(lambda s=strokes: mnist_pixels(render_strokes(s), framed=False)),
                                  digit["label"]))
        print_row(name, score(recognizers, rows), score(tutorial, tutorial_rows), len(rows))


# -- synthetic photos of real pen strokes

def digit_alpha(strokes, digit_px, pen):
    """Ink coverage (0..1) of the strokes drawn `digit_px` tall with a pen `pen` px wide at 28x28
    (where MNIST's digits are 20 px tall), anti-aliased: drawn larger, then shrunk by area."""
    xs = np.array([x for s in strokes for x, _ in s])
    ys = np.array([y for s in strokes for _, y in s])
    pen_px = pen * digit_px / 20
    scale = max(digit_px - pen_px, 1.0) / max(float(np.ptp(ys)), 1e-6)  # ink, pen included, digit_px tall
    supersample = int(np.clip(np.ceil(8 / pen_px), 1, 16))  # the pen at least 8 px wide where it is drawn
    margin = pen_px / 2 + 1
    width = int(np.ceil(float(np.ptp(xs)) * scale + 2 * margin))
    height = int(np.ceil(float(np.ptp(ys)) * scale + 2 * margin))
    canvas = np.zeros((height * supersample, width * supersample), np.uint8)
    thickness = max(1, round(pen_px * supersample))
    for stroke in strokes:
        points = (np.array(stroke, np.float64) - (xs.min(), ys.min())) * scale + margin
        points = np.round(points * supersample * 16).astype(np.int32)  # 4 fractional bits
        cv2.polylines(canvas, [points.reshape(-1, 1, 2)], False, 255, thickness, cv2.LINE_AA, shift=4)
        if len(points) == 1:
            cv2.circle(canvas, tuple(points[0]), thickness * 8, 255, -1, cv2.LINE_AA, shift=4)
    alpha = cv2.resize(canvas, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    return alpha


def smooth_noise(shape, sigma, rng):
    noise = rng.standard_normal(shape, dtype=np.float32)
    if sigma > 0.5:
        noise = cv2.GaussianBlur(noise, (0, 0), sigma)
        noise /= max(float(noise.std()), 1e-6)
    return noise


def half_plane(shape, rng):
    """A random straight edge across the picture: a field, negative on one side, in px."""
    height, width = shape
    angle = rng.uniform(0, 2 * np.pi)
    cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    return (xs - cx) * np.cos(angle) + (ys - cy) * np.sin(angle)


def picture_and_digit_size(rng, sizes):
    """(width, height, digit height) in px: pictures 200..4000 px, any of the usual shapes, the
    digit `sizes` of the picture's height and never under MIN_DIGIT_PX."""
    while True:
        side = float(np.exp(rng.uniform(np.log(200), np.log(4000))))
        aspect = float(rng.choice([0.75, 1.0, 4 / 3]))
        width, height = (round(side), round(side * aspect)) if aspect < 1 else (round(side / aspect), round(side))
        low, high = max(sizes[0], MIN_DIGIT_PX / height), sizes[1]
        if low <= high:
            return width, height, height * float(np.exp(rng.uniform(np.log(low), np.log(high))))


def synthetic_photo(strokes, rng, condition, sizes):
    """An RGB photo of the pen strokes written on paper, with `condition` (see ROWS)."""
    every = condition == "everything at once"
    pen = {"pen 1 px": 1.0, "pen bold": rng.uniform(3.5, 5.0)}.get(
        condition, rng.uniform(1.0, 5.0) if every else rng.uniform(1.6, 3.0))
    while True:
        width, height, digit_px = picture_and_digit_size(rng, sizes)
        alpha = digit_alpha(strokes, digit_px, pen)
        if alpha.shape[0] < height and alpha.shape[1] < width:
            break
    paper = np.full((height, width, 3), rng.uniform(0.80, 0.97), np.float32)
    if condition == "coloured paper" or (every and rng.random() < 0.3):
        paper *= np.array(rng.choice([(1.0, 0.95, 0.7), (0.75, 0.88, 1.0), (1.0, 0.8, 0.85), (0.8, 1.0, 0.8),
                                      (1.0, 0.85, 0.6)]), np.float32)
    if condition in ("paper grain", "recycled paper") or (every and rng.random() < 0.5):
        grain = smooth_noise((height, width), rng.uniform(0.5, 3.0) * max(width, height) / 1000, rng)
        paper *= (1 + rng.uniform(0.02, 0.08) * grain)[..., None]
    if condition == "recycled paper" or (every and rng.random() < 0.2):
        flecks = (rng.random((height, width)) < rng.uniform(2e-4, 1e-3)).astype(np.float32)
        flecks = cv2.dilate(flecks, np.ones((3, 3), np.uint8)) if max(width, height) > 1500 else flecks
        paper *= (1 - rng.uniform(0.3, 0.6) * flecks)[..., None]
    lined = condition if condition in ("ruled", "squared") else (rng.choice(["ruled", "squared", ""]) if every else "")
    if lined:
        spacing = digit_px / rng.uniform(0.5, 1.3)  # people write a digit about a line's height
        line_width = max(1.0, spacing * rng.uniform(0.02, 0.06))
        angle = np.radians(rng.uniform(-90, 90))
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        darkness = rng.uniform(0.25, 0.55)
        colour = np.array(rng.choice([(0.55, 0.7, 1.0), (0.6, 0.6, 0.6)]), np.float32)
        for direction in (0, 1) if lined == "squared" else (0,):
            along = ys * np.cos(angle + direction * np.pi / 2) - xs * np.sin(angle + direction * np.pi / 2)
            offset = np.abs((along + rng.uniform(0, spacing)) % spacing - spacing / 2)
            line = np.clip((line_width / 2 + 0.5 - (spacing / 2 - offset)), 0, 1) * darkness
            paper *= 1 - line[..., None] * (1 - colour)
    ink_name = {"blue ink": "blue", "red ink": "red", "pencil": "pencil"}.get(
        condition, rng.choice(["black", "blue", "red", "pencil"]) if every else "black")
    ink = np.full(3, rng.uniform(0.35, 0.6), np.float32) if ink_name == "pencil" else np.array(INKS[ink_name],
                                                                                               np.float32)
    top = int(rng.integers(0, height - alpha.shape[0] + 1))
    left = int(rng.integers(0, width - alpha.shape[1] + 1))
    region = paper[top : top + alpha.shape[0], left : left + alpha.shape[1]]
    region[:] = region * (1 - alpha[..., None]) + ink * alpha[..., None]
    light = np.ones((height, width), np.float32)
    if condition == "light gradient x2" or every:
        field = half_plane((height, width), rng)
        ramp = (field - field.min()) / max(float(np.ptp(field)), 1e-6)
        light *= 1 - (1 - 1 / rng.uniform(1.3, 2.0)) * ramp
    for kind in ("soft shadow", "hard shadow"):
        if condition == kind or (every and rng.random() < 0.3):
            blur = max(width, height) * (rng.uniform(0.05, 0.15) if kind == "soft shadow" else rng.uniform(0.001, 0.004))
            edge = 1 / (1 + np.exp(-half_plane((height, width), rng) / max(blur, 0.5)))
            light *= 1 - rng.uniform(0.3, 0.6) * edge
    pixels = paper * light[..., None] * rng.uniform(0.85, 1.05)
    pixels += rng.uniform(0.005, 0.025) * rng.standard_normal(pixels.shape[:2], dtype=np.float32)[..., None]
    photo = Image.fromarray((np.clip(pixels, 0, 1) * 255).astype(np.uint8), "RGB")
    if condition == "low JPEG quality" or every:
        buffer = io.BytesIO()
        photo.save(buffer, "JPEG", quality=int(rng.integers(15, 40)) if not every else int(rng.integers(15, 95)))
        photo = Image.open(io.BytesIO(buffer.getvalue()))
    return photo


ROWS = (
    ("digit 5-10 % of the height", "", (0.05, 0.10)),
    ("digit 10-20 %", "", (0.10, 0.20)),
    ("digit 20-40 %", "", (0.20, 0.40)),
    ("digit 40-80 %", "", (0.40, 0.80)),
    ("pen 1 px (at 28x28)", "pen 1 px", None),
    ("bold pen (3.5-5 px)", "pen bold", None),
    ("blue ink", "blue ink", None),
    ("red ink", "red ink", None),
    ("pencil grey", "pencil", None),
    ("paper grain", "paper grain", None),
    ("recycled paper (flecks)", "recycled paper", None),
    ("coloured paper", "coloured paper", None),
    ("ruled, any angle", "ruled", None),
    ("squared, any angle", "squared", None),
    ("light gradient up to 2x", "light gradient x2", None),
    ("soft shadow", "soft shadow", None),
    ("hard shadow", "hard shadow", None),
    ("JPEG quality 15-40", "low JPEG quality", None),
    ("everything at once", "everything at once", None),
)


def photo_section(recognizers, tutorial, per_row, seed, only=None, save_wrong=None):
    renderer = load_module(SHARED / "tools" / "render_pendigits.py", "render_pendigits")
    digits = renderer.parse(str(SHARED / "data" / "pendigits" / "pendigits-orig.tra.gz"))
    header(f"photos: {per_row} pendigits digits a row (30 writers), written on synthetic photos; beside them the\n"
           "same strokes drawn centred on the pad at 70 %: what is lost is the photo path's, the rest the writers'",
           pad_column=True)
    total_seconds, count = 0.0, 0
    for index, (name, condition, sizes) in enumerate(ROWS):
        row_rng = np.random.default_rng([seed, index])  # each row repeats alone (--only)
        if only and not any(part in name for part in only.split(",")):
            continue
        picks = row_rng.choice(len(digits), per_row, replace=False)
        rows, tutorial_rows, pad_rows, photos = [], [], [], []
        for pick in picks:
            label = digits[pick]["label"]
            centred = place_on_pad(digits[pick]["strokes"], 0.70, (0.5, 0.5))
            pad_rows.append((try_pixels(lambda s=centred: pixels_from_strokes(s)), label))
            photo = synthetic_photo(digits[pick]["strokes"], row_rng, condition, sizes or (0.05, 0.80))
            started = time.process_time()
            rows.append((try_pixels(lambda p=photo: mnist_pixels(p)), label))
            total_seconds, count = total_seconds + time.process_time() - started, count + 1
            tutorial_rows.append((try_pixels(lambda p=photo: mnist_pixels(p, framed=False)), label))
            if save_wrong:
                photos.append(photo)
        print_row(name, score(recognizers, rows), score(tutorial, tutorial_rows), len(rows),
                  score(recognizers, pad_rows))
        if save_wrong:
            save_wrong_ones(Path(save_wrong) / f"{index:02d}", recognizers, rows, photos)
    print(f"\n(preprocessing a synthetic photo: {1000 * total_seconds / max(count, 1):.1f} ms CPU on average)")


def save_wrong_ones(folder, recognizers, rows, photos):
    """The photos that either network gets wrong, and what the model saw of them, to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    said = answers(recognizers, rows)
    for index, ((pixels, label), photo) in enumerate(zip(rows, photos)):
        got = [said[k][index] for k in said]
        if all(answer == label for answer in got):
            continue
        stem = f"{index:03d}-{label}-as-" + "-".join("blank" if a is None else str(a) for a in got)
        photo.save(folder / f"{stem}.jpg", quality=90)
        if pixels is not None:
            Image.fromarray((pixels * 255).astype(np.uint8)).resize((112, 112), Image.NEAREST).save(
                folder / f"{stem}-seen.png")


def real_section(recognizers, tutorial):
    folder = SHARED / "data" / "photos"
    with open(folder / "labels.csv", newline="") as f:
        table = [(row["file"], int(row["label"])) for row in csv.DictReader(f)]
    rows = [(try_pixels(lambda p=folder / name: mnist_pixels(p)), label) for name, label in table]
    tutorial_rows = [(try_pixels(lambda p=folder / name: mnist_pixels(p, framed=False)), label)
                     for name, label in table]
    header(f"real photos: {len(rows)} in {folder}")
    print_row("real photos", score(recognizers, rows), score(tutorial, tutorial_rows), len(rows))
    said = answers(recognizers, rows)
    for index, (name, label) in enumerate(table):
        if any(said[k][index] != label for k in said):
            got = ", ".join(f"{k} {'blank' if said[k][index] is None else said[k][index]}" for k in said)
            print(f"    wrong: {name} ({label}): {got}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", default="pad,photos,real")
    parser.add_argument("--every", type=int, default=10, help="pad: every Nth pendigits digit")
    parser.add_argument("--per-row", type=int, default=200, help="photos: digits per row")
    parser.add_argument("--seed", type=int, default=19, help="photos: the same seed draws the same photos")
    parser.add_argument("--only", help="photos: only the rows whose name contains one of these (comma-separated)")
    parser.add_argument("--save-wrong", metavar="DIR", help="photos: keep those either network gets wrong")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"needs {SHARED} (MNIST, pendigits, the real photos and the renderer) beside the project")
    recognizers = {kind: Recognizer.load(kind=kind) for kind in ("mlp", "cnn")}
    tutorial = {"mlp": Recognizer(recognizers["mlp"].weights, framed=False)}
    sections = args.sections.split(",")
    if "pad" in sections:
        pad_section(recognizers, tutorial, args.every)
    if "photos" in sections:
        photo_section(recognizers, tutorial, args.per_row, args.seed, args.only, args.save_wrong)
    if "real" in sections:
        real_section(recognizers, tutorial)


if __name__ == "__main__":
    main()
