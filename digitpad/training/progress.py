"""What fitting a not-a-digit head reports (here, not in not_digit.py: the window and the
command line check for it without importing OpenCV or TensorFlow)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class HeadProgress:
    """Passed to on_progress while a head is fitted: step of steps done (making examples, then
    one step per epoch)."""

    step: int
    steps: int
