"""Window start-up time and idle memory of `digitpad`.

    xvfb-run -a python benchmarks/startup.py [--runs 5]

Needs a display and xdotool (to see when the window is mapped).
"""
import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def rss_mb(pid="self"):
    """Resident memory of a process (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def one_run():
    started = time.perf_counter()
    app = subprocess.Popen([sys.executable, "-m", "digitpad"])
    try:
        subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", "^digitpad$"],
                       check=True, capture_output=True, timeout=30)
        on_screen = time.perf_counter() - started
        time.sleep(3)  # idle
        return on_screen, rss_mb(app.pid)
    finally:
        app.terminate()
        app.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = [one_run() for _ in range(args.runs)]
    print(f"window on screen: median {statistics.median(r[0] for r in runs):.2f} s "
          f"(max {max(r[0] for r in runs):.2f} s) over {args.runs} launches")
    print(f"idle resident memory: median {statistics.median(r[1] for r in runs):.0f} MB")


if __name__ == "__main__":
    main()
