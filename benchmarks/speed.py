"""Recognition speed: in process, and `digitpad predict` on 1000 files including start-up.

    python benchmarks/speed.py [--files 1000] [--model cnn] [--no-frame]

--no-frame measures the tutorial's pipeline (one answer, no framing) instead of the app's.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy, as `import digitpad` does in the app

import numpy as np
from PIL import Image, ImageDraw

from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.strokes import pixels_from_strokes, render_strokes


def random_drawings(count, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield render_strokes([rng.uniform(40, 240, (int(rng.integers(3, 9)), 2)).tolist()])


def twelve_megapixel_photo():
    """A phone photo's size: a 7 in blue ink on off-white paper lit unevenly, with camera noise."""
    rng = np.random.default_rng(12)
    light = np.linspace(0.7, 1.0, 4000, dtype=np.float32)[None, :, None]
    paper = np.clip((np.array([228, 224, 215], np.float32) + rng.normal(0, 4, (3000, 4000, 1))) * light, 0, 255)
    photo = Image.fromarray(paper.astype(np.uint8), "RGB")
    ImageDraw.Draw(photo).line([(1700, 1100), (2300, 1100), (1850, 1900)], fill=(30, 40, 120), width=40)
    return photo


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--model", default="mlp", choices=["mlp", "cnn"])
    parser.add_argument("--no-frame", action="store_true", help="the tutorial's pipeline")
    args = parser.parse_args()

    started = time.perf_counter()
    recognizer = Recognizer.load(kind=args.model, framed=not args.no_frame)
    load_ms = (time.perf_counter() - started) * 1000
    images = list(random_drawings(300))
    times = []
    for image in images:
        started = time.perf_counter()
        recognizer.probabilities(image)
        times.append((time.perf_counter() - started) * 1000)
    print(f"{args.model}: {recognizer.weights.path}, {recognizer.weights.path.stat().st_size / 1e6:.2f} MB")
    print(f"Recognizer.load(): {load_ms:.1f} ms")
    print(f"one 280x280 pad image to probabilities: median {statistics.median(times):.2f} ms, "
          f"95th percentile {np.percentile(times, 95):.2f} ms")
    strokes = [np.random.default_rng(i).uniform(40, 240, (6, 2)).tolist() for i in range(300)]
    times = []
    for drawing in strokes:
        started = time.process_time()
        recognizer.probabilities_of_pixels(pixels_from_strokes([drawing])[None])
        times.append((time.process_time() - started) * 1000)
    print(f"one pad drawing from its strokes to probabilities: median {statistics.median(times):.2f} ms CPU")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "photo.jpg"
        twelve_megapixel_photo().save(path, quality=90)
        times = []
        for _ in range(5):
            started = time.process_time()
            recognizer.probabilities(path)
            times.append((time.process_time() - started) * 1000)
    print(f"one 12-megapixel JPEG photo (4000x3000) to probabilities: median {statistics.median(times):.0f} ms CPU")

    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, image in enumerate(random_drawings(args.files, seed=1)):
            paths.append(str(Path(folder) / f"{index:04d}.png"))
            image.save(paths[-1])
        started = time.perf_counter()
        pipeline = ["--no-frame"] if args.no_frame else []
        command = [sys.executable, "-m", "digitpad", "predict", "--model", args.model, *pipeline, *paths]
        result = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    lines = result.stdout.count("\n")
    print(f"digitpad predict on {args.files} files: {seconds:.2f} s including start-up, "
          f"{args.files / seconds:.0f} images/s ({lines} lines, exit {result.returncode})")

    code = "import sys, digitpad; digitpad.Recognizer.load(); print(any(m.startswith(('tensorflow', 'keras')) for m in sys.modules))"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
    print(f"TensorFlow or Keras imported by `import digitpad; Recognizer.load()`: {imported}")


if __name__ == "__main__":
    main()
