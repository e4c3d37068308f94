"""Drawing strokes as an image: the drawing pad's own picture of what is on screen.

A drawing is recognised from its strokes (pixels_from_strokes): the pad is clean white with
black ink, so none of a photo's cleaning (desk, paper lines, inversion, uneven light) runs
on it; that cleaning would take strokes that touch the pad's edge for a desk and erase them.
"""
import math

import numpy as np
from PIL import Image, ImageDraw

PAD_SIZE = 280
PEN_WIDTH = 24  # px on the 280 px pad: MNIST-like strokes (benchmarks/pen_width.py, README)
FULL_SIZE = 0.7 * PAD_SIZE  # the digit size PEN_WIDTH was chosen for: 70% of the pad
MIN_PEN = 2  # px: a tiny digit still gets strokes the framing can measure


def render_strokes(strokes, size=PAD_SIZE, pen=PEN_WIDTH, margin=0):
    """Black round-capped strokes on a white 'L' image; strokes are lists of (x, y) points.
    A margin (whole px) widens the canvas on every side, the strokes moved with it."""
    image = Image.new("L", (size + 2 * margin, size + 2 * margin), 255)
    draw = ImageDraw.Draw(image)
    radius = pen / 2
    for stroke in strokes:
        points = [(float(x) + margin, float(y) + margin) for x, y in stroke]
        if len(points) > 1:
            draw.line(points, fill=0, width=pen, joint="curve")
        for x, y in (points[0], points[-1]) if points else ():
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
    return image


def clip_strokes(strokes, size=PAD_SIZE):
    """The strokes cut where they leave the pad (0..size): a drag goes on reporting points past
    the pad's edge; each part inside becomes a stroke of its own, ending where it crosses the edge."""
    clipped = []
    for stroke in strokes:
        points = [tuple(map(float, point)) for point in stroke]
        if len(points) == 1:
            if _inside(points[0], size):
                clipped.append(points)
            continue
        part = []
        for start, end in zip(points, points[1:]):
            segment = _clip_segment(start, end, size)
            if segment is None:
                if part:
                    clipped.append(part)
                part = []
                continue
            entry, leave = segment
            if part and part[-1] == entry:
                part.append(leave)
            else:
                if part:
                    clipped.append(part)
                part = [entry, leave]
        if part:
            clipped.append(part)
    return clipped


def _inside(point, size):
    return 0 <= point[0] <= size and 0 <= point[1] <= size


def _clip_segment(start, end, size):
    """Liang–Barsky: the part of the segment inside the square 0..size, or None."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for step, room in ((-dx, x0), (dx, size - x0), (-dy, y0), (dy, size - y0)):
        if step == 0:
            if room < 0:
                return None
            continue
        t = room / step
        if step < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return None
    if low == 0.0 and high == 1.0:
        return start, end
    return (x0 + low * dx, y0 + low * dy), (x0 + high * dx, y0 + high * dy)


def recognition_pen(strokes):
    """The pen width a drawing is recognised with: the pad's pen on a full-size digit,
    proportionally thinner on a smaller one."""
    points = [point for stroke in strokes for point in stroke]
    if not points:
        return PEN_WIDTH
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    side = max(max(xs) - min(xs), max(ys) - min(ys))
    return max(MIN_PEN, min(PEN_WIDTH, round(PEN_WIDTH * side / FULL_SIZE)))


def recognition_image(strokes, margin=False):
    """The strokes, cut at the pad's edge, drawn again for recognising them: a small digit drawn
    with the pad's pen fills its loops (an 8 becomes a blob); drawn with a pen thinner in
    proportion, it keeps them. With `margin`, the canvas reaches past the pad by half the pen, so
    the round ink of a stroke along the pad's edge is whole (as on a digit drawn inside the
    pad) rather than cut flat by the canvas."""
    strokes = clip_strokes(strokes)
    pen = recognition_pen(strokes)
    return render_strokes(strokes, pen=pen, margin=math.ceil(pen / 2) + 1 if margin else 0)


def pixels_from_strokes(strokes):
    """What the network sees for a drawing on the pad: 28x28 floats in 0..1, ink = 1
    (raises BlankImageError when there is no ink). The drawing is framed as it is: no photo
    cleaning. A digit that leaves the pad is framed in the box its strokes span, the part cut
    off left blank: the part on the pad is placed and sized as the part of a taller (or wider)
    digit it is, not stretched to fill the frame alone."""
    from digitpad.recognition.preprocess import INK_THRESHOLD, frame

    ink = np.asarray(recognition_image(strokes, margin=True)) < INK_THRESHOLD
    box = _beyond_the_pad(strokes)
    if box is None or not ink.any():
        return frame(ink)
    margin = (ink.shape[0] - PAD_SIZE) // 2
    return frame(ink, [round(side + margin) for side in box])


def _beyond_the_pad(strokes):
    """The box (left, top, right, bottom) the strokes span, their pen's ink included, when they
    leave the pad; None when they stay on it."""
    points = np.asarray([point for stroke in strokes for point in stroke], dtype=np.float64).reshape(-1, 2)
    if not len(points) or (points.min() >= 0 and points.max() <= PAD_SIZE):
        return None
    radius = recognition_pen(clip_strokes(strokes)) / 2
    (left, top), (right, bottom) = points.min(axis=0) - radius, points.max(axis=0) + radius
    return left, top, right, bottom
