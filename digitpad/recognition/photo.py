"""The ink of a photo of a handwritten digit, by the field's standard methods (OpenCV):
the paper's light estimated by a morphological closing, ink where the picture is much darker
than that light, and connected components to keep the digit and drop what is not one.

- A closing (a maximum, then a minimum, over a square) removes every dark mark narrower
  than the square and keeps what is wider, edges and all: the paper with its light, its
  gradients and the sharp edges of hard shadows and of a desk, but none of the ink.
- Dividing by it turns any light into white paper; ink is what is darker than the
  tutorial's "< 200" (of 255) relative to the paper around it.
- Of the connected pieces of ink, the digit is the one most like a digit (large, not a long
  thin line, not reaching the picture's edge, near the centre), with the pieces of ink close
  to it; specks of texture, paper lines and shadow edges are left out.
"""
import numpy as np

from digitpad.recognition.paper import without_ruled_lines

INK_RATIO = 200 / 255  # the tutorial's "< 200" on white paper, as a share of the paper's light
FIRST_SCALE = 1 / 8  # the first closing's square, of the picture's shorter side: wider than most strokes
MAX_SCALE = 1 / 3  # the widest square: a bold pen's strokes are about a fifth of the digit's height
# The square is this many stroke widths: wide enough to close over a stroke (and where strokes
# meet), narrow enough to follow shadows and light that change over a few strokes' width.
STROKES_PER_SQUARE = 4
MIN_PAPER = 8.0  # grey level: darker "paper" is no paper (black regions are not divided up to white)
PAPER_SPREAD = 4.0  # ink is darker than the paper by more than 4 of the paper's own deviations (texture, grain)
MAD_TO_SIGMA = 1.4826  # the median absolute deviation of a normal distribution, in standard deviations
# A piece this many times longer than wide that reaches the picture's edge is a line (a paper
# line, a shadow's edge); a thin pen's 1 is as slender, but seldom runs off the picture.
LINE_ASPECT = 12.0
NEAR = 0.5  # pieces of ink within this share of the digit's height of it are part of it (a 5's bar)
MIN_PART = 0.02  # ...when at least this share of its area (smaller ones are specks)
# A wider square that finds this much more ink around the digit has found the middles of strokes
# the narrower one took for paper (a stroke's middle is at least half its ink; a square that
# already spans the strokes adds only their anti-aliased rims and some shading).
WIDER_STROKES = 1.5
EDGE_PENALTY = 0.25  # a piece that reaches the picture's edge is rarely the digit: a desk, a page edge, a shadow


def paper_light(grey, side):
    """The paper's light at each pixel: a closing with a square `side` px wide."""
    import cv2  # (imported when a picture is read: the window starts without it)

    side = max(3, int(side) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    return cv2.morphologyEx(grey, cv2.MORPH_CLOSE, kernel, borderType=cv2.BORDER_REPLICATE)


def ink_by_paper(grey, one_digit=True):
    """The digit's ink in a grey picture of dark ink on paper (see the module's doc); with
    one_digit False, the ink of every digit written (a number), without specks and edge lines.

    The closing's square is tied to the strokes. It starts at an eighth of the picture and
    doubles while that finds much more ink around the digit: a stroke wider than the square is
    paper to the closing in its middle, and only its rim is found, so a square wider than it
    finds the stroke whole. The strokes are measured with the square doubled once more (so that
    noise in their middles does not thin them), and the last pass closes over strokes of that
    width, with a square that follows light and shadows more closely.
    """
    grey = np.asarray(grey, dtype=np.float32)
    pick = digit_components if one_digit else written_components
    shorter = min(grey.shape)
    side = FIRST_SCALE * shorter
    ink = _darker_than_paper(grey, side)
    mask = pick(ink)
    width = stroke_width(mask)
    while mask.any() and side < MAX_SCALE * shorter:
        wider = min(2 * side, MAX_SCALE * shorter)
        # (the wider square is tried around the digit only: what its closing there looks at)
        around, seen = _box_around(mask, side), _box_around(mask, side + wider)
        wider_ink = _darker_than_paper(grey[seen], wider)
        inner = tuple(slice(a.start - s.start, a.stop - s.start) for a, s in zip(around, seen))
        if np.count_nonzero(wider_ink[inner]) < WIDER_STROKES * np.count_nonzero(ink[around]):
            # the strokes are whole: measured with the wider square, noise in their middles and all
            width = stroke_width(_touching(wider_ink[inner], mask[around]))
            break
        side = wider
        ink = _darker_than_paper(grey, side)
        mask = pick(ink)
        width = stroke_width(mask)
    if not mask.any():
        return mask
    tighter = min(STROKES_PER_SQUARE * width, MAX_SCALE * shorter)
    return mask if tighter == side else pick(_darker_than_paper(grey, tighter))


def _touching(ink, mask):
    """The connected pieces of ink that overlap the mask."""
    import cv2

    _, labels = cv2.connectedComponents(ink.astype(np.uint8), connectivity=8)
    pieces = np.unique(labels[mask & ink])
    return np.isin(labels, pieces[pieces > 0])


def _box_around(mask, margin):
    """The slices of the mask's bounding box, widened by `margin` px on every side."""
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    margin = int(margin)
    return (slice(max(rows[0] - margin, 0), rows[-1] + margin + 1),
            slice(max(columns[0] - margin, 0), columns[-1] + margin + 1))


def _darker_than_paper(grey, side):
    """Ink: darker than INK_RATIO of the paper's light, and darker than the paper by more than
    its own variation (grain, texture, camera noise), measured in grey levels: the camera's
    noise is the same in shadow and in light."""
    paper = np.maximum(paper_light(grey, side), MIN_PAPER)
    below = paper - grey
    sample = below[::3, ::3]  # (a ninth of the pixels measures the paper as well, in a ninth of the time)
    level = np.median(sample)
    spread = MAD_TO_SIGMA * np.median(np.abs(sample - level))
    return without_ruled_lines(below > np.maximum((1 - INK_RATIO) * paper, level + PAPER_SPREAD * spread))


def stroke_width(mask):
    """Mean stroke width in px: ink area over half its outline."""
    mask = np.pad(mask, 1)  # ink touching the edge has an outline there too
    outline = np.count_nonzero(mask[1:] != mask[:-1]) + np.count_nonzero(mask[:, 1:] != mask[:, :-1])
    return 2.0 * np.count_nonzero(mask) / max(outline, 1)


def _pieces(mask):
    """The connected pieces of ink: labels, boxes, areas, centroids, and which reach the edge or
    are lines along it. None when there are fewer than two pieces."""
    import cv2  # (imported when a picture is read: the window starts without it)

    count, labels, stats, centroids = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if count <= 2:
        return None
    height, width = mask.shape
    left, top, box_w, box_h, area = (stats[1:, i].astype(np.float64) for i in range(5))
    thickness = np.maximum(area / np.maximum(np.hypot(box_w, box_h), 1), 1)  # mean width along the diagonal
    length = np.maximum(box_w, box_h)
    edge = (left <= 0) | (top <= 0) | (left + box_w >= width) | (top + box_h >= height)
    line_like = edge & (length / thickness > LINE_ASPECT)
    return labels, left, top, box_w, box_h, area, centroids[1:], edge, line_like


def written_components(mask):
    """The mask without lines along the picture's edge and without specks: all the digits written."""
    pieces = _pieces(mask)
    if pieces is None:
        return mask
    labels, *_, area, _, _, line_like = pieces
    if line_like.all():
        return np.zeros_like(mask)
    keep = ~line_like & (area >= MIN_PART * area[~line_like].max())
    return np.isin(labels, 1 + np.flatnonzero(keep))


def digit_components(mask):
    """The mask with only the digit's pieces of ink (see the module's doc)."""
    pieces = _pieces(mask)
    if pieces is None:
        return mask
    labels, left, top, box_w, box_h, area, centroids, edge, line_like = pieces
    height, width = mask.shape
    centre = np.hypot((centroids[:, 0] - width / 2) / width, (centroids[:, 1] - height / 2) / height)
    likeness = area * np.where(edge, EDGE_PENALTY, 1.0) * np.where(line_like, 0.01, 1.0) / (1 + 2 * centre)
    main = int(np.argmax(likeness))
    reach = NEAR * max(box_h[main], box_w[main])
    near = ((left + box_w >= left[main] - reach) & (left <= left[main] + box_w[main] + reach)
            & (top + box_h >= top[main] - reach) & (top <= top[main] + box_h[main] + reach))
    keep = near & (area >= MIN_PART * area[main]) & ~edge  # (a digit inside the picture: its parts are too)
    keep[main] = True
    return np.isin(labels, 1 + np.flatnonzero(keep))
