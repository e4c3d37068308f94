"""Reading whole numbers (Recognizer.read): string accuracy, digit accuracy, count wrong.

    python benchmarks/read_numbers.py [--per-length 30] [--models mlp,cnn] [--seed 1]

Numbers of 2-8 digits are built from the real pen strokes of one pendigits writer each (the
30 writers; measuring only, never training), at several sizes, with gaps from wide to
touching and overlapping, a slope, baseline wander and slant; read from the strokes (the
pad), rendered as images, and as photos. Then numbers of MNIST test digits pasted into
photos. Also: how sure the networks are of fragments of digits and of touching pairs, whether
a lone digit reads as predict() answers, and the time to read a number.

Digit accuracy is 1 - edit distance / length (at least 0); "count wrong" is how often the
number of digits read is not the number written.
"""
import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy, as `import digitpad` does in the app

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy import SHARED, load_renderer, pendigits_drawings, photo_like, require_shared  # noqa: E402

from digitpad.recognition.images import ImageError  # noqa: E402
from digitpad.recognition.numbers import BLANK  # noqa: E402
from digitpad.recognition.preprocess import frame  # noqa: E402
from digitpad.recognition.recognizer import IS_DIGIT, Recognizer  # noqa: E402
from digitpad.training.data import load_mnist  # noqa: E402

LENGTHS = range(2, 9)
GAPS = {"any gap": (-0.15, 0.6), "apart": (0.15, 0.6), "touching": (-0.15, -0.02)}  # of the digit height
PHOTO_CONDITIONS = ("off-white", "uneven light", "noise", "blur", "jpeg", "desk")


def writers_digits(renderer):
    """{writer: [(strokes, label)]} of pendigits, y pointing down."""
    by_writer = defaultdict(list)
    for digit in renderer.parse(str(SHARED / "data" / "pendigits" / "pendigits-orig.tra.gz")):
        by_writer[digit["writer"]].append((digit["strokes"], digit["label"]))
    return by_writer


def number_strokes(by_writer, length, rng, height, gap_range, owners=None):
    """Strokes of a number of `length` digits by one writer, in writing order, and its label;
    `owners`, a list, gets the place in the number of each stroke's digit."""
    writer = rng.choice(sorted(by_writer))
    chosen = [by_writer[writer][i] for i in rng.choice(len(by_writer[writer]), length, replace=False)]
    slope = np.tan(np.radians(rng.uniform(-6, 6)))
    slant = rng.uniform(-0.25, 0.25)
    strokes, x, label = [], 0.0, ""
    for digit_strokes, digit in chosen:
        points = np.concatenate(digit_strokes)
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        scale = height * rng.uniform(0.85, 1.1) / max(y1 - y0, 1e-6)
        if x > 0:
            x += rng.uniform(*gap_range) * height
        wander = rng.normal(0, 0.05) * height
        for stroke in digit_strokes:
            stroke = np.asarray(stroke, dtype=np.float64)
            sx, sy = (stroke[:, 0] - x0) * scale + x, (stroke[:, 1] - y1) * scale + wander  # baseline at 0
            strokes.append(np.stack([sx - slant * sy, sy + slope * sx], axis=1))
            if owners is not None:
                owners.append(len(label))
        x += (x1 - x0) * scale
        label += str(digit)
    every = np.concatenate(strokes)
    low = every.min(axis=0)
    return [(stroke - low + 20).tolist() for stroke in strokes], label


def drawn(strokes, pen, margin=20):
    """The strokes as a picture: black pen on white."""
    every = np.concatenate([np.asarray(s) for s in strokes])
    width, height = (every.max(axis=0) + margin).astype(int)
    image = Image.new("L", (int(width), int(height)), 255)
    draw, radius = ImageDraw.Draw(image), pen / 2
    for stroke in strokes:
        points = [tuple(p) for p in stroke]
        if len(points) > 1:
            draw.line(points, fill=0, width=max(1, round(pen)), joint="curve")
        for x, y in (points[0], points[-1]):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
    return image


def mnist_number(images, labels, length, rng, height, gap_range):
    """MNIST test digits side by side (dark ink on white), each scaled to about `height`."""
    picks = rng.choice(len(images), length, replace=False)
    pieces = []
    for index in picks:
        ink = images[index]
        rows, cols = np.flatnonzero(ink.max(axis=1) > 30), np.flatnonzero(ink.max(axis=0) > 30)
        crop = Image.fromarray(255 - ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1])
        scale = height * rng.uniform(0.85, 1.1) / crop.height
        pieces.append(crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.BILINEAR))
    gaps = [round(rng.uniform(*gap_range) * height) for _ in pieces[1:]] + [0]
    margin = round(0.6 * height)
    width = sum(p.width for p in pieces) + sum(gaps) + 2 * margin
    canvas = np.full((round(1.4 * height) + 2 * margin, max(width, 2 * margin + 1)), 255, dtype=np.uint8)
    x = margin
    for piece, gap in zip(pieces, gaps):
        top = margin + round(rng.normal(0, 0.05) * height) + (round(1.1 * height) - piece.height)
        region = canvas[top : top + piece.height, x : x + piece.width]
        canvas[top : top + piece.height, x : x + piece.width] = np.minimum(region, np.asarray(piece))
        x += piece.width + gap
    return Image.fromarray(canvas), "".join(str(labels[i]) for i in picks)


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


class Tally:
    def __init__(self):
        self.numbers = self.right = self.count_wrong = 0
        self.digit_score = 0.0

    def add(self, truth, read):
        self.numbers += 1
        self.right += read == truth
        self.count_wrong += len(read) != len(truth)
        self.digit_score += max(0.0, 1 - edit_distance(truth, read) / len(truth))

    def row(self):
        n = max(self.numbers, 1)
        return f"{self.right / n:8.1%} {self.digit_score / n:8.1%} {self.count_wrong / n:8.1%}"


def reading(recognizer, source):
    return read_with_reason(recognizer, source)[0]


def read_with_reason(recognizer, source):
    """(the number read, why nothing was read: the reading's reason, "error" or "")."""
    try:
        read = recognizer.read(source)
    except ImageError:
        return "", "error"
    return read.number, read.reason


def failure_kind(truth, read, reason):
    """How a number was read wrong: too few digits (touching digits kept whole, a digit left out),
    too many (a digit cut in two, a bar or a broken loop left alone), the right count with a
    wrong digit, or no ink found at all in a picture that has some (cleaning lost it)."""
    if not read and reason == BLANK:
        return "no ink found"
    if len(read) < len(truth):
        return "too few digits"
    if len(read) > len(truth):
        return "too many digits"
    return "right count, wrong digit"


def table(title, recognizers, make, per_length, lengths=LENGTHS, failures=None):
    """Rows per length (and all lengths) per network; `make(length, rng)` gives (source, label).
    `failures`, a folder: each picture read wrong is saved there, named by what was read."""
    print(f"\n{title}")
    print(f"{'digits':>6} " + "  ".join(f"{kind + ': string   digit   count':>30}" for kind in recognizers))
    totals = {kind: Tally() for kind in recognizers}
    kinds = {kind: defaultdict(int) for kind in recognizers}
    for length in lengths:
        rng = np.random.default_rng(length)
        samples = [make(length, rng) for _ in range(per_length)]
        cells = []
        for kind, recognizer in recognizers.items():
            tally = Tally()
            for number, (source, label) in enumerate(samples):
                read, reason = read_with_reason(recognizer, source)
                tally.add(label, read)
                totals[kind].add(label, read)
                if read != label:
                    kinds[kind][failure_kind(label, read, reason)] += 1
                if failures is not None and read != label and isinstance(source, Image.Image):
                    name = f"{title.split(' (')[0].replace(' ', '-').replace(',', '')}-{kind}-{length}-{number}"
                    source.save(Path(failures) / f"{name}-{label}-read-{read or 'none'}.png")
            cells.append(f"{tally.row():>30}")
        print(f"{length:>6} " + "  ".join(cells), flush=True)
    print(f"{'all':>6} " + "  ".join(f"{totals[kind].row():>30}" for kind in recognizers), flush=True)
    for kind, counts in kinds.items():
        print(f"  {kind} read wrong: " + (", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or "none"))


def confidence_on_parts(recognizers, images, labels, count=500):
    """How sure the networks are of whole MNIST digits, of their halves and of touching pairs."""
    rng = np.random.default_rng(5)
    picks = rng.choice(len(images), count, replace=False)
    kinds = defaultdict(list)
    for i, j in zip(picks[:-1], picks[1:]):
        ink = images[i] > 127
        cols = np.flatnonzero(ink.any(axis=0))
        middle = (cols[0] + cols[-1]) // 2
        rows = np.flatnonzero(ink.any(axis=1))
        centre = (rows[0] + rows[-1]) // 2
        kinds["whole digit"].append(ink)
        kinds["left half"].append(ink[:, : middle + 1])
        kinds["right half"].append(ink[:, middle:])
        kinds["top half"].append(ink[: centre + 1])
        kinds["bottom half"].append(ink[centre:])
        other = images[j] > 127
        kinds["touching pair"].append(np.concatenate([ink[:, : cols[-1] + 1], other[:, np.flatnonzero(other.any(axis=0))[0] :]], axis=1))
    print("\nhow sure the networks are (median top probability; share of answers at least 90% sure; "
          "share the head calls not a digit):")
    for name, masks in kinds.items():
        pixels = []
        for mask in masks:
            try:
                pixels.append(frame(mask))
            except ImageError:
                pass
        pixels = np.stack(pixels)
        cells = []
        for kind, recognizer in recognizers.items():
            top = recognizer.probabilities_of_pixels(pixels).max(axis=1)
            doubt = recognizer.probabilities_and_doubts(pixels)[1]
            doubted = "" if doubt is None else f" not a digit {np.mean(doubt >= 0.5):6.1%}"
            cells.append(f"{kind}: {np.median(top):6.1%} {np.mean(top >= 0.9):6.1%}{doubted}")
        print(f"  {name:<14} " + "   ".join(cells))


def lone_digits(recognizers, renderer, every):
    """Whether read() answers a lone digit as predict() does, on the single-digit benchmark's pictures."""
    print("\nlone digits: read() gives predict()'s digit (pendigits pen 18 centred, as photos):")
    drawings = list(pendigits_drawings(renderer, 18, "centered", every))
    rng = np.random.default_rng(11)
    conditions = [("drawn", [image for image, _ in drawings])]
    conditions += [(c, [photo_like(image, c, rng) for image, _ in drawings]) for c in PHOTO_CONDITIONS]
    for condition, images in conditions:
        cells = []
        for kind, recognizer in recognizers.items():
            same = 0
            for image in images:
                try:
                    predicted = str(recognizer.predict(image)[0])
                except ImageError:
                    predicted = ""
                same += reading(recognizer, image) == predicted
            cells.append(f"{kind}: {same / len(images):7.2%}")
        print(f"  {condition:<14} " + "   ".join(cells), flush=True)


def real_photos(recognizers):
    """The real photos of lone digits (../shared/data/photos, measuring only): read() exact,
    predict() right, and how many of them the not-a-digit head doubts."""
    import csv

    folder = SHARED / "data" / "photos"
    with open(folder / "labels.csv", newline="") as f:
        table = [(folder / row["file"], row["label"]) for row in csv.DictReader(f)]
    print(f"\nreal photos ({len(table)}): read exact, predict right, predict doubted (its verdict not \"digit\")")
    for kind, recognizer in recognizers.items():
        read_right = predicted_right = doubted = 0
        wrong = []
        for path, label in table:
            got = reading(recognizer, path)
            read_right += got == label
            try:
                judged = recognizer.judge(path)
            except ImageError:
                judged = None
            predicted_right += judged is not None and str(judged.digit) == label
            doubted += judged is not None and judged.verdict != IS_DIGIT
            if got != label:
                wrong.append(f"{path.name} {label}->{got or 'none'}")
        print(f"  {kind}: read {read_right}/{len(table)}, predict {predicted_right}/{len(table)}, doubted {doubted}; "
              f"read wrong: {', '.join(wrong)}", flush=True)


def speed(recognizers, by_writer, mnist_images, mnist_labels):
    print("\nCPU time per number (median of 20):")
    rng = np.random.default_rng(3)
    pads = [number_strokes(by_writer, 6, rng, 150, GAPS["apart"])[0] for _ in range(20)]
    photos = []
    for _ in range(5):
        image, _ = mnist_number(mnist_images, mnist_labels, 6, rng, 300, GAPS["any gap"])
        sheet = Image.new("L", (4000, 3000), 235)
        sheet.paste(image, (1000, 1200))
        photos.append(photo_like(sheet, "noise", rng).convert("RGB"))
    for kind, recognizer in recognizers.items():
        times = []
        for strokes in pads:
            start = time.process_time()
            recognizer.read(strokes)
            times.append(time.process_time() - start)
        photo_times = []
        for photo in photos:
            start = time.process_time()
            recognizer.read(photo)
            photo_times.append(time.process_time() - start)
        print(f"  {kind}: 6 digits from the pad {np.median(times) * 1000:.1f} ms; "
              f"from a 12-megapixel photo {np.median(photo_times) * 1000:.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-length", type=int, default=30, help="numbers per length and row")
    parser.add_argument("--models", default="mlp,cnn")
    parser.add_argument("--every", type=int, default=10, help="lone digits: every Nth pendigits drawing")
    parser.add_argument("--only", help="comma-separated parts: pad,images,photos,mnist,parts,lone,real,speed")
    parser.add_argument("--lengths", help="comma-separated lengths of the numbers (default 2-8)")
    parser.add_argument("--save-failures", metavar="FOLDER", help="save each picture read wrong there")
    args = parser.parse_args()
    require_shared()
    parts = set(args.only.split(",")) if args.only else {"pad", "images", "photos", "mnist", "parts", "lone", "real", "speed"}
    recognizers = {kind: Recognizer.load(kind=kind) for kind in args.models.split(",")}
    renderer = load_renderer()
    by_writer = writers_digits(renderer)
    _, (mnist_images, mnist_labels) = load_mnist(SHARED / "data" / "mnist")
    n = args.per_length
    lengths = [int(length) for length in args.lengths.split(",")] if args.lengths else LENGTHS
    failures = args.save_failures
    if failures:
        Path(failures).mkdir(parents=True, exist_ok=True)

    def pad(gaps):
        return lambda length, rng: number_strokes(by_writer, length, rng, rng.uniform(60, 200), GAPS[gaps])

    def image(gaps):
        def make(length, rng):
            height = rng.uniform(30, 200)
            strokes, label = number_strokes(by_writer, length, rng, height, GAPS[gaps])
            return drawn(strokes, height * rng.uniform(0.05, 0.15)), label
        return make

    def photo(length, rng):
        picture, label = image("any gap")(length, rng)
        return photo_like(picture, PHOTO_CONDITIONS[rng.integers(len(PHOTO_CONDITIONS))], rng), label

    def mnist_photo(length, rng):
        picture, label = mnist_number(mnist_images, mnist_labels, length, rng, rng.uniform(28, 160), GAPS["any gap"])
        return photo_like(picture, PHOTO_CONDITIONS[rng.integers(len(PHOTO_CONDITIONS))], rng), label

    print("columns: string accuracy, digit accuracy, count wrong")
    if "pad" in parts:
        table("pad (pendigits strokes, gaps -0.15..0.6 of the height)", recognizers, pad("any gap"), n, lengths)
        table("pad, digits apart (gaps 0.15..0.6)", recognizers, pad("apart"), n, lengths=[4])
    if "images" in parts:
        table("images, digits apart (gaps 0.15..0.6)", recognizers, image("apart"), n, lengths, failures)
        table("images, touching or overlapping (gaps -0.15..-0.02)", recognizers, image("touching"), n, lengths, failures)
    if "photos" in parts:
        table("photos of pendigits numbers (any gap; light, noise, blur, JPEG, desk)", recognizers, photo, n, lengths, failures)
    if "mnist" in parts:
        table("MNIST test digits pasted into photos (any gap)", recognizers, mnist_photo, n, lengths, failures)
    if "parts" in parts:
        confidence_on_parts(recognizers, mnist_images, mnist_labels)
    if "lone" in parts:
        lone_digits(recognizers, renderer, args.every)
    if "real" in parts:
        real_photos(recognizers)
    if "speed" in parts:
        speed(recognizers, by_writer, mnist_images, mnist_labels)


if __name__ == "__main__":
    main()
