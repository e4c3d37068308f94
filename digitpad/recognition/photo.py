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

from digitpad.recognition.images import scaled_size
from digitpad.recognition.paper import (
    INK_RATIO,
    LINE_SEARCH_SIDE,
    LINE_SPAN,
    MIN_LINE_PART,
    PAPER_SPREAD,
    without_ruled_lines,
)

FIRST_SCALE = 1 / 8  # the first closing's square, of the picture's shorter side: wider than most strokes
MAX_SCALE = 1 / 3  # the widest square: a bold pen's strokes are about a fifth of the digit's height
# The square is this many stroke widths: wide enough to close over a stroke (and where strokes
# meet), narrow enough to follow shadows and light that change over a few strokes' width.
STROKES_PER_SQUARE = 4
NORMAL_TENTH, NORMAL_QUARTER = 1.2816, 0.6745  # a normal distribution's percentiles 10 and 25, in deviations below its median
MIN_PAPER = 8.0  # grey level: darker "paper" is no paper (black regions are not divided up to white)
# A piece this many times longer than wide that reaches the picture's edge is a line (a paper
# line, a shadow's edge); a thin pen's 1 is as slender, but seldom runs off the picture.
LINE_ASPECT = 12.0
# A line runs straight: its ink no longer than this times its box's diagonal (a 7's bar and
# stroke are about 1.4 times it, a curved digit's ink two to four times; a thin pen's digit cropped
# tightly reaches the picture's edge as a line does, and is as slender).
STRAIGHT = 1.25
NEAR = 0.5  # pieces of ink within this share of the digit's height of it are part of it (a 5's bar)
MIN_PART = 0.02  # ...when at least this share of its area (smaller ones are specks)
# A wider square that finds this much more ink around the digit has found the middles of strokes
# the narrower one took for paper (a stroke's middle is at least half its ink; a square that
# already spans the strokes adds only their anti-aliased rims and some shading).
WIDER_STROKES = 1.5
EDGE_PENALTY = 0.25
BOLD_SEARCH_SIDE = 512  # px: strokes wider than FIRST_SCALE of a 4:3 picture are 48 px wide there at least
HALF = 0.5  # a pixel half covered by the pen is half as dark as the pen's ink: the stroke's edge
ENDS = 4  # samples (2 px of the shrunk picture) at either end of a paper line: it runs off the picture
LINES_TRIED = 40  # Hough's strongest candidates: the lines of a page in view and their near duplicates
MAX_LINE_THICKNESS = 0.02  # of the shrunk picture: a paper line is thin (paper.MAX_LINE_WIDTH)  # a piece that reaches the picture's edge is rarely the digit: a desk, a page edge, a shadow


def paper_light(grey, side):
    """The paper's light at each pixel: a closing with a square `side` px wide.

    The picture's edge is repeated outward, so the wedge of a hard shadow along the edge stays
    paper; the price is that a stroke along the edge of a tightly cropped picture, wider than
    half the square, is taken for paper too (docs/results.md)."""
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
    while not mask.any() and side < MAX_SCALE * shorter:  # strokes all wider than the square: none found
        side = min(2 * side, MAX_SCALE * shorter)
        ink = _darker_than_paper(grey, side)
        mask = pick(ink)
    if mask.any() and side < MAX_SCALE * shorter:
        side, ink, mask = _bolder(grey, pick, side, ink, mask, MAX_SCALE * shorter)
    width = _noisy_stroke_width(mask)
    while mask.any() and side < MAX_SCALE * shorter:
        wider = min(2 * side, MAX_SCALE * shorter)
        # (the wider square is tried around the digit only: what its closing there looks at)
        around, seen = _box_around(mask, side), _box_around(mask, side + wider)
        wider_ink = _darker_than_paper(grey[seen], wider)
        inner = tuple(slice(a.start - s.start, a.stop - s.start) for a, s in zip(around, seen))
        if np.count_nonzero(wider_ink[inner]) < WIDER_STROKES * np.count_nonzero(ink[around]):
            # the strokes are whole: measured with the wider square, noise in their middles and all
            width = _noisy_stroke_width(_touching(wider_ink[inner], mask[around]))
            break
        side = wider
        ink = _darker_than_paper(grey, side)
        mask = pick(ink)
        width = _noisy_stroke_width(mask)
    if not mask.any():
        return mask
    tighter = min(STROKES_PER_SQUARE * width, MAX_SCALE * shorter)
    # (holes are counted in the final strokes: a square narrower than them finds their rims, rings)
    return without_nets(mask if tighter == side else pick(_darker_than_paper(grey, tighter, width / 2)))


def _bolder(grey, pick, side, ink, mask, widest):
    """(side, ink, mask) with the widest square instead, when what it picks lies inside the
    picture and the narrower square found under WIDER_STROKES less of its ink: a bold digit whose
    strokes the narrower square took for paper (it found specks or paper lines instead, so the
    search for a digit never widened). What reaches the picture's edge at that scale may be a
    shadow or a desk, which a wide square takes for ink: then the narrower one is kept.

    Looked for in the picture shrunk to BOLD_SEARCH_SIDE at most (strokes that wide are still
    wide there), and found again at full size only when a bold digit is there."""
    import cv2

    height, width = grey.shape
    size = scaled_size(width, height, min(BOLD_SEARCH_SIDE, max(width, height)))
    shrink = size[0] / width
    small = grey if shrink == 1 else cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    wide_mask = pick(_darker_than_paper(small, widest * shrink))
    if not wide_mask.any() or _reaches_edge(wide_mask):
        return side, ink, mask
    rows, columns = _box_around(wide_mask, 0)
    box = (slice(int(rows.start / shrink), int(np.ceil(rows.stop / shrink))),
           slice(int(columns.start / shrink), int(np.ceil(columns.stop / shrink))))
    if np.count_nonzero(wide_mask) < WIDER_STROKES * np.count_nonzero(ink[box]) * shrink ** 2:
        return side, ink, mask
    wide_ink = _darker_than_paper(grey, widest)
    return widest, wide_ink, pick(wide_ink)


def _reaches_edge(mask):
    return bool(mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any())


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


def _darker_than_paper(grey, side, rim=1.0):
    """Ink: darker than INK_RATIO of the paper's light, and darker than the paper by more than
    its own variation (grain, texture, camera noise), measured in grey levels: the camera's
    noise is the same in shadow and in light; and at least half as dark as the ink near it
    (half_as_dark), or within `rim` px of such ink (half a stroke, once the strokes are known:
    the rim of a blurred stroke)."""
    import cv2

    paper = np.maximum(paper_light(grey, side), MIN_PAPER)
    below = paper - grey
    # The paper's own level and variation, from the lightest quarter of the picture: ink may
    # cover half of a picture cropped to the digit, more with a bold pen, and its median would
    # be ink. Of a normal distribution, the 10th and 25th percentiles are 1.28 and 0.67
    # deviations below its middle. (Noise and textures, all "variation", keep little ink.)
    sample = below[::3, ::3]  # (a ninth of the pixels measures the paper as well, in a ninth of the time)
    tenth, quarter = np.percentile(sample, [10, 25])
    spread = (quarter - tenth) / (NORMAL_TENTH - NORMAL_QUARTER)
    level = quarter + NORMAL_QUARTER * spread
    ink = below > np.maximum((1 - INK_RATIO) * paper, level + PAPER_SPREAD * spread)
    darkness = below / paper
    # The paper's lines are found whole (before they are cut off the strokes) and erased, except
    # where the ink is twice as dark as they are: a stroke crossing a line stays whole.
    lines_gone = without_straight_lines(without_ruled_lines(ink))
    erased = ink & ~lines_gone
    if erased.any():
        lines_gone |= erased & (darkness >= np.median(darkness[erased]) / HALF)
    ink = lines_gone
    core = ink & half_as_dark(darkness, max(side, FIRST_SCALE * min(grey.shape)))
    # (with the ink within `rim` px of it: a blurred stroke's rim; of a paper line, a stub as long)
    rim = 2 * round(rim) + 1
    return ink & cv2.dilate(core.astype(np.uint8), np.ones((rim, rim), np.uint8)).astype(bool)


def half_as_dark(darkness, side):
    """Where the picture is at least half as dark as the darkest ink within `side` px (Bernsen's
    local threshold on the paper's light divided out): a pixel half covered by the pen is half as
    dark as its ink, so this is the stroke's own edge, whatever the pen's colour; and the faint
    lines of squared paper, a shadow's rim or the paper's grain beside a stroke are not taken
    with it (they are kept, as before, where no ink is near). The square is at least the first
    closing's (an eighth of the picture): paper lines that touch a stroke are cut off it over a
    few strokes' length, and stay apart from the digit however tightly the light is followed."""
    import cv2

    side = max(3, int(side) | 1)
    levels = np.clip(darkness * 255, 0, 255).astype(np.uint8)  # (a maximum over bytes is far faster)
    darkest = cv2.dilate(levels, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))
    return levels >= HALF * darkest


def without_straight_lines(mask):
    """The mask without straight lines of ink across the picture at any angle (ruled or squared
    paper photographed turned): found by a Hough transform in the picture shrunk to
    LINE_SEARCH_SIDE, kept when ink covers LINE_SPAN of the line's length inside the picture and
    runs off it at both ends (a digit's straight stroke, even one as tall as the picture, ends
    inside it), and erased with their width. A
    stroke crossing a line loses the line's width there; its pieces stay close enough to be
    kept together (digit_components)."""
    import cv2

    height, width = mask.shape
    size = scaled_size(width, height, min(LINE_SEARCH_SIDE, max(width, height)))
    small = mask if size == (width, height) else cv2.resize(mask.astype(np.uint8) * 255, size,
                                                             interpolation=cv2.INTER_AREA) >= 64
    small = small.astype(np.uint8)
    longest = max(size)
    near = cv2.dilate(small, np.ones((3, 3), np.uint8))  # a turned line steps between rows
    if not (near[0].any() or near[-1].any() or near[:, 0].any() or near[:, -1].any()):
        return mask  # no ink at the picture's edge: no line runs off it (a drawing on a pad, mostly)
    found = cv2.HoughLines(small, 1, np.pi / 360, int(MIN_LINE_PART * longest))
    if found is None:
        return mask
    steps = np.arange(-longest * 1.5, longest * 1.5, 0.5)
    erase = np.zeros_like(small)
    thickest = max(2, MAX_LINE_THICKNESS * longest)
    # the ink's thickness near each pixel: twice the largest distance to paper within a line's
    # width (a stroke that runs off a picture cropped to the digit is as wide as the others)
    reach = 2 * int(np.ceil(thickest)) + 1
    thickness = 2 * cv2.dilate(cv2.distanceTransform(small, cv2.DIST_L2, 3), np.ones((reach, reach), np.uint8)) - 1
    for rho, theta in found[:LINES_TRIED, 0]:
        cos, sin = np.cos(theta), np.sin(theta)
        xs, ys = rho * cos - steps * sin, rho * sin + steps * cos
        inside = (xs >= 0) & (xs <= size[0] - 1) & (ys >= 0) & (ys <= size[1] - 1)
        if inside.sum() < 2 * MIN_LINE_PART * longest:  # (two samples a pixel)
            continue
        columns, rows = np.round(xs[inside]).astype(int), np.round(ys[inside]).astype(int)
        on = near[rows, columns]
        if on.mean() < LINE_SPAN or not (on[:ENDS].all() and on[-ENDS:].all()):
            continue  # not ink along it, or not off the picture at both ends: a digit's stroke ends inside it
        on_ink = thickness[rows, columns][small[rows, columns] > 0]
        if on_ink.size and np.median(on_ink) > thickest:
            continue  # the ink along it is thick: a digit's stroke, however curved, not a paper line
        # the band of ink along the line: its rows either side that are as full; wider is a stroke
        sides = [_band_side(small, rho, cos, sin, steps, size, sign, thickest) for sign in (-1, 1)]
        band = 1 + sum(sides)
        if band > thickest:
            continue  # a bold stroke across the picture, not a paper line
        centre = rho + (sides[1] - sides[0]) / 2
        xs, ys = centre * cos - steps[inside] * sin, centre * sin + steps[inside] * cos
        line = np.zeros_like(small)
        cv2.line(line, (round(xs[0]), round(ys[0])), (round(xs[-1]), round(ys[-1])), 1, int(band) + 2)  # (edges too)
        erase |= line & ~_crossed(small, cos, sin, band / 2 + 2)
    if not erase.any():
        return mask
    if size != (width, height):
        erase = cv2.resize(erase, (width, height), interpolation=cv2.INTER_NEAREST)
    return mask & ~erase.astype(bool)


def _crossed(small, cos, sin, reach):
    """Where a stroke crosses a line whose normal is (cos, sin): ink `reach` px away on both
    sides of it, across the line. A crossing stroke keeps its ink there (the line's width of it
    would otherwise be cut out of the digit); the line alone has paper on both sides."""
    import cv2

    height, width = small.shape
    sides = []
    for sign in (-1, 1):
        shift = np.float32([[1, 0, sign * reach * cos], [0, 1, sign * reach * sin]])
        sides.append(cv2.warpAffine(small, shift, (width, height), flags=cv2.INTER_NEAREST))
    return sides[0] & sides[1]


def _band_side(small, rho, cos, sin, steps, size, sign, thickest):
    """How many rows beside the line (on the `sign` side) are ink along LINE_SPAN of it, up to
    one more than `thickest`."""
    rows = 0
    while rows <= thickest:
        offset = rho + sign * (rows + 1)
        xs, ys = offset * cos - steps * sin, offset * sin + steps * cos
        inside = (xs >= 0) & (xs <= size[0] - 1) & (ys >= 0) & (ys <= size[1] - 1)
        if not inside.any() or small[np.round(ys[inside]).astype(int), np.round(xs[inside]).astype(int)].mean() < LINE_SPAN:
            break
        rows += 1
    return rows


def _noisy_stroke_width(mask):
    """stroke_width of ink found in noise: its pinholes and the gaps of a pixel between its
    specks filled first (a 3x3 closing). Noise that breaks a faint stroke into specks doubles
    its outline and halves the width measured, and a closing square that narrow would take the
    strokes for paper; a clean stroke has no such holes, and keeps its width."""
    import cv2

    if not mask.any():
        return 0.0
    rows, columns = _box_around(mask, 1)  # (the closing looks at the ink's box only: far faster)
    return stroke_width(cv2.morphologyEx(mask[rows, columns].astype(np.uint8), cv2.MORPH_CLOSE,
                                         np.ones((3, 3), np.uint8)))


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
    # how long each piece's ink runs: half its outline (both sides of a stroke); a line runs straight
    outline = mask & ~cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8), borderType=cv2.BORDER_REPLICATE).astype(bool)
    ink_length = np.bincount(labels[outline], minlength=count)[1:] / 2
    straight = ink_length <= STRAIGHT * np.hypot(box_w, box_h)
    line_like = edge & straight & (length / thickness > LINE_ASPECT)
    return labels, left, top, box_w, box_h, area, centroids[1:], edge, line_like


def without_nets(mask):
    """The mask without pieces that enclose more holes than the digits they could hold: a digit
    has two at most (an 8) and is at least half as wide as it is tall; a grid, a checkerboard
    or a texture has many. Holes smaller than a stroke's width squared are pinholes in bold
    strokes, not counted."""
    import cv2

    count, labels, pieces, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    holes, hole_labels, stats, _ = cv2.connectedComponentsWithStats((~mask).astype(np.uint8), connectivity=4)
    height, width = mask.shape
    enclosed = np.zeros(count, dtype=int)
    least = stroke_width(mask) ** 2
    for hole in range(1, holes):
        left, top, box_w, box_h, area = stats[hole]
        if area < least or left == 0 or top == 0 or left + box_w == width or top + box_h == height:
            continue  # a pinhole, or paper around the ink (it reaches the picture's edge)
        column = left + int(np.argmax(hole_labels[top, left : left + box_w] == hole))
        enclosed[labels[top - 1, column]] += 1  # (the ink just above the hole's top row encloses it)
    digits = np.maximum(1, np.ceil(2 * pieces[:, cv2.CC_STAT_WIDTH] / np.maximum(pieces[:, cv2.CC_STAT_HEIGHT], 1)))
    nets = np.flatnonzero(enclosed > 2 * digits)
    return mask & ~np.isin(labels, nets[nets > 0]) if nets.size else mask


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
    if line_like.all():  # only lines that run off the picture: stripes, paper lines (as written_components)
        return np.zeros_like(mask)
    main = int(np.argmax(likeness))
    reach = NEAR * max(box_h[main], box_w[main])
    part = (area >= MIN_PART * area[main]) & ~edge  # (a digit inside the picture: its parts are too)
    keep = np.zeros_like(part)
    keep[main] = True
    while True:  # pieces near the digit's box, which grows with them (a stroke cut by paper lines)
        x0, y0 = left[keep].min(), top[keep].min()
        x1, y1 = (left + box_w)[keep].max(), (top + box_h)[keep].max()
        near = (left + box_w >= x0 - reach) & (left <= x1 + reach) & (top + box_h >= y0 - reach) & (top <= y1 + reach)
        grown = keep | (near & part)
        if (grown == keep).all():
            break
        keep = grown
    return np.isin(labels, 1 + np.flatnonzero(keep))
