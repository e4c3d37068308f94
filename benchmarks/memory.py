"""Memory while opening many photos in a row in the real window (needs a display).

    xvfb-run -a python benchmarks/memory.py [--files 100]
"""
import argparse
import tempfile
import tkinter as tk
from pathlib import Path

import numpy as np
from startup import rss_mb

from digitpad.gui.app import App
from digitpad.recognition.strokes import render_strokes


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=100)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    root = tk.Tk()
    app = App(root)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index in range(args.files):
            photo = render_strokes([rng.uniform(40, 240, (5, 2)).tolist()]).convert("RGB").resize((1600, 1600))
            paths.append(Path(folder) / f"photo{index:03d}.jpg")
            photo.save(paths[-1], quality=90)
        samples = []
        for round_ in range(3):
            for path in paths:
                app.show_photo(str(path))
                root.update()
            samples.append(rss_mb())
            print(f"after {(round_ + 1) * args.files} photos (1600x1600 JPEG): {samples[-1]:.0f} MB resident")
    root.destroy()
    print(f"growth from the first to the third {args.files}: {samples[-1] - samples[0]:+.1f} MB")


if __name__ == "__main__":
    main()
