"""A picture cropped tightly to its digit (a photo cropped to the digit, a scan of one digit with
no margin): its strokes run off the picture's edge, and it is half ink. It is read as the same
digit with a margin, while stripes, checkerboards and noise still give no digit
(tests/test_not_digit.py)."""
import numpy as np
import pytest
from conftest import SHARED_MNIST, line_drawing
from PIL import Image

# Digits as a person writes them on paper (280x280 coordinates): a 7 with its bar on top, a 2
# with its base, a 0 and a 6 whose round strokes run off the crop on every side.
WRITTEN = {
    7: [[(60, 60), (220, 60), (120, 240)]],
    2: [[(70, 100), (110, 55), (170, 55), (205, 100), (190, 150), (80, 235), (215, 235)]],
    0: [[(140, 40), (200, 80), (215, 140), (200, 200), (140, 240), (80, 200), (65, 140), (80, 80), (140, 40)]],
    6: [[(190, 50), (120, 90), (80, 170), (100, 230), (160, 235), (195, 190), (170, 145), (110, 150), (85, 185)]],
}


def cropped_to_ink(image, height, paper=255, ink=20):
    """The picture cropped to its ink's box, scaled to `height` px tall, as dark ink on `paper`."""
    grey = np.asarray(image.convert("L"))
    rows, columns = np.flatnonzero((grey < 128).any(axis=1)), np.flatnonzero((grey < 128).any(axis=0))
    crop = Image.fromarray(grey[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1])
    crop = crop.resize((max(1, round(crop.width * height / crop.height)), height), Image.LANCZOS)
    coverage = 1 - np.asarray(crop, dtype=np.float32) / 255
    return Image.fromarray((paper - (paper - ink) * coverage).astype(np.uint8))


@pytest.mark.parametrize("digit, pen, height, paper", [
    *[(digit, 14, 120, 255) for digit in sorted(WRITTEN)],
    (0, 28, 300, 255), (6, 28, 300, 255), (0, 40, 200, 215), (6, 40, 200, 215),
])
def test_a_digit_cropped_to_its_ink_reads_as_with_a_margin(recognizer, digit, pen, height, paper):
    drawn = line_drawing(WRITTEN[digit], pen=pen)
    assert recognizer.predict(drawn)[0] == digit  # with the pad's margin
    tight = cropped_to_ink(drawn, height, paper)
    reading = recognizer.read(tight)
    assert reading.number == str(digit), reading
    assert recognizer.predict(tight)[0] == digit


def test_tightly_cropped_mnist_digits_read_as_with_a_margin(recognizer):
    """MNIST test digits cropped to their ink and scaled up, dark on white and on grey paper."""
    if not SHARED_MNIST.is_dir():
        pytest.skip(f"needs the full MNIST in {SHARED_MNIST}")
    from digitpad.training.data import load_mnist

    _, (images, labels) = load_mnist(SHARED_MNIST)
    rng = np.random.default_rng(19)
    right = 0
    chosen = rng.choice(len(images), 40, replace=False)
    for index in chosen:
        digit = Image.fromarray(255 - images[index]).resize((280, 280), Image.BICUBIC)
        tight = cropped_to_ink(digit, int(rng.integers(100, 400)), paper=int(rng.choice([255, 225])))
        right += recognizer.read(tight).number == str(labels[index])
    assert right >= 0.9 * len(chosen), f"{right} of {len(chosen)}"
