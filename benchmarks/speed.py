"""Recognition speed: in process, and `digitpad predict` on 1000 files including start-up.

    python benchmarks/speed.py [--files 1000] [--model cnn] [--no-frame]

--no-frame measures the tutorial's pipeline (one answer, no framing) instead of the app's.
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.strokes import render_strokes


def random_drawings(count, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield render_strokes([rng.uniform(40, 240, (int(rng.integers(3, 9)), 2)).tolist()])


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
