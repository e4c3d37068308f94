"""What in a photo is paper, not ink: the desk around the sheet, the lines of ruled paper.

Both are dark enough to pass the tutorial's "< 200" for ink, and both would make the
framing fit them instead of the digit. Pure numpy + Pillow.
"""
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

from digitpad.recognition.images import scaled_size

LINE_SPAN = 0.9  # a ruled line is ink across nearly the whole picture...
LINE_EDGE = 0.2  # (a found line's rows: ink across a fifth of it, its anti-aliased edges too)
MAX_LINE_WIDTH = 0.02  # ...and thin: at most this share of the picture's height (2 px at least)
MAX_LINE_TILT = 8.0  # degrees: a hand-held photo of lined paper is seldom turned more than this
MIN_LINE_PART = 0.1  # of the width: less of a turned line inside the picture is left alone
LINE_SEARCH_SIDE = 280  # px: lines are looked for in the picture shrunk to this size at most
MIN_DESK_BORDER = 0.1  # a desk shows along at least this share of the picture's edge...
MIN_SHEET_WIDTH = 11  # ...around a sheet at least this wide in the 64 px picture (strokes are thinner)
MIN_SHEET_AREA = 0.01  # of the picture: the sheet's part that is that wide
MIN_SHEET_FILL = 0.85  # of its smallest rectangle a sheet fills (bold digits: 0.81 at most)...
MIN_SHEET_ASPECT = 0.4  # ...and that rectangle is no narrow bar (a bold 1)
STROKE_DEPTH = 2.0  # a strip of "desk" no deeper than twice the strokes that run into it is a stroke
# A desk is looked at for writing in the picture shrunk to this size at most: a digit 5 % of a
# picture's height is still 13 px tall there, its strokes still darker than the paper around them.
WRITING_SEARCH_SIDE = 256
INK_RATIO = 200 / 255  # the tutorial's "< 200" on white paper, as a share of the paper's light
PAPER_SPREAD = 4.0  # ink is darker than the paper by more than 4 of the paper's own deviations (texture, grain)
MAD_TO_SIGMA = 1.4826  # the median absolute deviation of a normal distribution, in standard deviations
MIN_WRITING = 12  # px of one piece of ink at that size: a digit 13 px tall with a 1 px pen has twice as much


class Desk(NamedTuple):
    mask: np.ndarray  # where the desk is, in the shrunk picture
    grey: float  # its grey level
    paper: float  # the sheet's
    paint: np.ndarray  # the shrunk picture with the desk painted the light of the sheet next to it


def find_desk(pixels, ink_below):
    """Where a photo, shrunk to 64 px, shows the desk around the sheet of paper, or None.

    The desk is darker than ink_below (it would be taken for ink), reaches the picture's
    edge and meets the paper in a sharp edge (not a shadow fading out); the paper is a wide,
    nearly rectangular sheet (not the strokes of a light digit on a dark background).
    """
    if (border(pixels) < ink_below).mean() < MIN_DESK_BORDER:
        return None  # the picture's edge is paper (or ink crossing it): no desk
    paper_only = max_filter(pixels, 5)  # the ink, thin, filtered away
    threshold = _otsu(paper_only)  # the desk against the paper
    # the desk, back to its edge but not into strokes, and in strips along the picture's edge
    desk = (max_filter(reaching_edge(paper_only < threshold), 5) | _edge_band(pixels.shape, 2)) & (pixels < threshold)
    desk = _without_strokes(desk, (pixels < ink_below) & ~desk)
    if border(desk).mean() < MIN_DESK_BORDER:
        return None
    wide = ~max_filter(paper_only < threshold, MIN_SHEET_WIDTH)
    if wide.mean() < MIN_SHEET_AREA:
        return None
    desk_grey, paper = np.median(pixels[desk]), np.median(paper_only[wide])
    if desk_grey >= ink_below:  # as light as that, it is never taken for ink
        return None
    step = paper - desk_grey
    near, rim = max_filter(~desk, 5) & desk, max_filter(desk, 5) & ~desk  # 2 px either side of the edge
    # (quartiles: a strip of desk narrower than a pixel here is all edge, a mix of both)
    if np.percentile(pixels[near], 25) > desk_grey + step / 4 or np.percentile(pixels[rim], 75) < paper - step / 4:
        return None  # the light fades from one to the other: a shadow, not the paper's edge
    fill, aspect = _smallest_rectangle(~desk)
    if fill < MIN_SHEET_FILL or aspect < MIN_SHEET_ASPECT:
        return None  # the bold strokes of a light digit on a dark background, not a sheet
    return Desk(desk, desk_grey, paper, _spread_into(paper_only, desk))


def _without_strokes(desk, ink):
    """The desk without the parts that are strokes running off the picture (the bar of a 7 along
    the top of a picture cropped to the digit): ink runs into them, and they reach no deeper into
    the picture than STROKE_DEPTH times that ink's width. A desk meets the sheet's paper at its
    edge, and is as deep as the sheet leaves it, whatever the pen."""
    import cv2

    count, parts = cv2.connectedComponents(desk.astype(np.uint8), connectivity=8)
    if count <= 1 or not ink.any():
        return desk
    _, pieces = cv2.connectedComponents(ink.astype(np.uint8), connectivity=8)
    height, width = desk.shape
    for part in range(1, count):
        region = parts == part
        touching = np.unique(pieces[max_filter(region, 3) & ink])
        if touching.size == 0:
            continue
        # (outside the picture counts as the part: a strip along the edge is as deep as it reaches in)
        pad = max(height, width)
        distance = cv2.distanceTransform(np.pad(region, pad, constant_values=True).astype(np.uint8), cv2.DIST_L2, 3)
        depth = distance[pad:-pad, pad:-pad][region].max()  # (its deepest pixel)
        strokes = np.isin(pieces, touching)
        outline = np.count_nonzero(np.diff(np.pad(strokes, 1), axis=0)) + np.count_nonzero(np.diff(np.pad(strokes, 1), axis=1))
        if depth <= STROKE_DEPTH * 2 * np.count_nonzero(strokes) / max(outline, 1):
            desk = desk & ~region
    return desk


def holds_writing(grey_image, desk):
    """Whether the desk found holds ink at its own light: then it is the sheet in a hard
    shadow (a desk holds no writing), to be divided out with the light, not painted over.

    Looked at in the picture shrunk to WRITING_SEARCH_SIDE, inside the desk (a pixel of the
    shrunk picture off the sheet: the pixels of its edge are a mix of both): ink is darker than
    INK_RATIO of the light around it (a closing over a square an eighth of the picture wide,
    wider than strokes) and than the desk's own grain and noise, as in photo.py.
    """
    import cv2  # (imported when a picture is read: the window starts without it)

    size = scaled_size(*grey_image.size, min(WRITING_SEARCH_SIDE, max(grey_image.size)))
    grey = np.asarray(grey_image.resize(size, Image.BOX), dtype=np.float32)
    region = cv2.resize(desk.mask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
    edge = max(1, round(max(size) / max(desk.mask.shape)))  # (a pixel of the picture the desk was found in)
    inside = cv2.erode(region, np.ones((2 * edge + 1, 2 * edge + 1), np.uint8)).astype(bool)
    if not inside.any():
        return False
    # the desk's own light: a closing of the desk alone, off its edge (the sheet's light kept out of it)
    square = np.ones((max(3, (min(size) // 8) | 1),) * 2, np.uint8)
    light = cv2.dilate(np.where(inside, grey, 0), square, borderType=cv2.BORDER_REPLICATE)
    light = cv2.erode(np.where(inside, light, 255), square, borderType=cv2.BORDER_REPLICATE)
    below = light - grey
    level = np.median(below[inside])
    spread = MAD_TO_SIGMA * np.median(np.abs(below[inside] - level))
    ink = inside & (below > (1 - INK_RATIO) * light) & (below > level + PAPER_SPREAD * spread)
    if np.count_nonzero(ink) < MIN_WRITING:
        return False
    # (what runs off the picture is its edge, or something lying on the desk, not writing)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    off_picture = np.unique(border(labels))
    pieces = np.setdiff1d(np.flatnonzero(stats[:, cv2.CC_STAT_AREA] >= MIN_WRITING), np.append(off_picture, 0))
    return pieces.size > 0


def _smallest_rectangle(region):
    """How much of the smallest rectangle around the region (turned any way) it fills, and
    that rectangle's shorter side over its longer."""
    ys, xs = np.nonzero(region)
    angles = np.radians(np.arange(0, 90, 3))
    along = np.ptp(xs[:, None] * np.cos(angles) + ys[:, None] * np.sin(angles), axis=0) + 1
    across = np.ptp(ys[:, None] * np.cos(angles) - xs[:, None] * np.sin(angles), axis=0) + 1
    smallest = (along * across).argmin()
    sides = sorted((along[smallest], across[smallest]))
    return len(xs) / (along[smallest] * across[smallest]), sides[0] / sides[1]


def paper_over(grey_image, desk):
    """The picture with the desk painted over with the light of the paper beside it, and any
    desk along the picture's edge too narrow to be seen in the shrunk picture."""
    cover = np.asarray(Image.fromarray(max_filter(desk.mask, 3)).resize(grey_image.size, Image.NEAREST))
    band = _edge_band(cover.shape, max(1, round(max(grey_image.size) / max(desk.mask.shape))))  # a shrunk pixel
    grey = np.asarray(grey_image)
    cover = cover | (band & (grey < (desk.grey + desk.paper) / 2))
    paint = np.asarray(Image.fromarray(desk.paint).resize(grey_image.size, Image.BILINEAR))
    return Image.fromarray(np.where(cover, paint, grey))


def _spread_into(pixels, region):
    """The pixels with those in the region filled in from outside it, ring by ring, each the
    mean of its filled neighbours: paper in shadow stays in shadow where it meets the desk."""
    pixels, known = pixels.astype(np.float64), ~region
    while not known.all():
        total, count = _neighbour_sum(np.where(known, pixels, 0)), _neighbour_sum(known.astype(np.float64))
        newly = ~known & (count > 0)
        if not newly.any():  # no sheet at all: nothing to fill from
            break
        pixels[newly], known = total[newly] / count[newly], known | newly
    return pixels.astype(np.uint8)


def _neighbour_sum(values):
    """Sum over each pixel's 3x3 neighbourhood."""
    padded = np.pad(values, 1)
    height, width = values.shape
    return sum(padded[dy : dy + height, dx : dx + width] for dy in range(3) for dx in range(3))


def _edge_band(shape, width):
    band = np.zeros(shape, dtype=bool)
    band[:width] = band[-width:] = True
    band[:, :width] = band[:, -width:] = True
    return band


def _otsu(pixels):
    """Otsu's threshold: grey levels below it are one class, the rest the other."""
    counts = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    below, below_sum = np.cumsum(counts), np.cumsum(counts * np.arange(256))
    total, total_sum = below[-1], below_sum[-1]
    between = (total_sum * below - total * below_sum) ** 2 / np.maximum(below * (total - below), 1)
    return int(between.argmax()) + 1


def reaching_edge(mask):
    """The parts of a mask connected to the picture's edge."""
    reached = np.zeros_like(mask)
    reached[[0, -1]], reached[:, [0, -1]] = mask[[0, -1]], mask[:, [0, -1]]
    while True:
        grown = max_filter(reached, 3) & mask
        if (grown == reached).all():
            return reached
        reached = grown


def without_ruled_lines(mask):
    """The mask without the lines of ruled or squared paper: thin bands of ink across nearly
    the whole picture, straight or turned by up to MAX_LINE_TILT degrees. Where a stroke
    crosses a line (ink just either side of it) it is kept.

    Lines are looked for at LINE_SEARCH_SIDE px at most, where a line of any photo is a
    few pixels thick, and what is found is erased at full size.
    """
    if mask.any(axis=0).mean() < LINE_SPAN and mask.any(axis=1).mean() < LINE_SPAN:
        return mask  # no ink in many rows and many columns: nothing runs across
    height, width = mask.shape
    if max(height, width) <= LINE_SEARCH_SIDE:
        return mask & ~_uncrossed_lines(mask)
    size = scaled_size(width, height, LINE_SEARCH_SIDE)
    small = np.asarray(Image.fromarray(mask.astype(np.uint8) * 255).resize(size, Image.BOX)) >= 64
    lines = _uncrossed_lines(small)
    if not lines.any():
        return mask
    lines = Image.fromarray(max_filter(lines, 3).astype(np.uint8) * 255).resize((width, height), Image.NEAREST)
    return mask & ~(np.asarray(lines) > 0)


def _uncrossed_lines(mask):
    """The pixels of the paper's lines, less those where a stroke crosses them."""
    rows, columns = _lines_across(mask), _lines_across(mask.T)
    lines, crossed = np.zeros_like(mask), np.zeros_like(mask)
    if rows:
        lines |= _in_bands(mask.shape, *rows)
    if columns:
        lines |= _in_bands(mask.T.shape, *columns).T
    ink = mask & ~lines
    if rows:
        crossed |= _crossings(ink, *rows)
    if columns:
        crossed |= _crossings(ink.T, *columns).T
    return lines & ~crossed


def _lines_across(mask):
    """How lines across the picture are turned (a row offset per column) and their bands of rows,
    counted along the turn as (top, bottom), bottom exclusive; None when there are none.

    A turned line near the top or bottom leaves the picture through that edge: once lines
    right across have shown the turn, such a line is one across nearly all of its visible part."""
    height, width = mask.shape
    if mask.any(axis=0).mean() < LINE_SPAN:  # many columns without ink: nothing runs across
        return None
    ys, xs = np.nonzero(mask)
    step = np.degrees(np.arctan(0.5 / width))  # half a pixel across the picture
    best = None
    for angle in sorted(np.arange(-MAX_LINE_TILT, MAX_LINE_TILT + step / 2, step), key=abs):  # ties: the straightest
        offset = np.round(np.arange(width) * np.tan(np.radians(angle))).astype(int)
        offset -= offset.max()  # so that row - offset >= 0
        counts = _along(ys, xs, offset, height)
        if best is None or counts.max() > best[1].max():
            best = offset, counts
    offset, counts = best
    visible = np.maximum(_visible_columns(offset, height), 1)
    fill = counts / visible
    # A turned line steps between rows counted along the turn: it is found as ink in a row or
    # the next one (across the visible part), and erased in the rows where it is (its edges too).
    pair = mask.copy()
    pair[:-1] |= mask[1:]
    pair_counts = _along(*np.nonzero(pair), offset, height)
    bands, across = [], False
    for top, bottom in _runs((pair_counts / visible >= LINE_SPAN) & (visible >= MIN_LINE_PART * width)):
        if bottom - top > max(2, MAX_LINE_WIDTH * height):
            continue  # a stroke, not a ruled line
        across |= pair_counts[top:bottom].max() >= LINE_SPAN * width
        rows = top + np.flatnonzero(fill[top : bottom + 1] >= LINE_EDGE)  # pair row i is rows i and i + 1
        bands.append((rows.min(), rows.max() + 1))
    return (offset, bands) if across else None


def _along(ys, xs, offset, height):
    """How many of the ink pixels at (ys, xs) are in each row counted along the turn."""
    return np.bincount(ys - offset[xs], minlength=height - offset.min())


def _visible_columns(offset, height):
    """For each row counted along the turn, in how many columns it is inside the picture."""
    starts = np.bincount(-offset, minlength=height - offset.min() + 1)  # row -offset[x] enters at column x
    ends = np.bincount(height - offset, minlength=height - offset.min() + 1)
    return np.cumsum(starts - ends)[: height - offset.min()]


def _in_bands(shape, offset, bands):
    along = np.arange(shape[0])[:, None] - offset[None, :]  # the row counted along the turn
    inside = np.zeros(shape, dtype=bool)
    for top, bottom in bands:
        inside |= (along >= top) & (along < bottom)
    return inside


def _crossings(ink, offset, bands):
    """The band pixels where a stroke crosses: ink just above and below the band, a slanted
    stroke a little further along."""
    height, width = ink.shape
    columns = np.arange(width)
    crossed = np.zeros_like(ink)
    for top, bottom in bands:
        sides = []
        for row in (top - 1 + offset, bottom + offset):
            inside = (row >= 0) & (row < height)
            side = np.zeros(width, dtype=bool)
            side[inside] = ink[row[inside], columns[inside]]
            sides.append(max_filter(side[None], 2 * (bottom - top) + 1)[0])
        crossed |= _in_bands(ink.shape, offset, [(top, bottom)]) & (sides[0] & sides[1])[None, :]
    return crossed


def _runs(flags):
    """(start, end) of each run of True in a 1-D boolean array, end exclusive."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], flags.astype(np.int8), [0]])))
    return zip(edges[::2], edges[1::2])


def max_filter(pixels, size):
    """Maximum over a size x size square around each pixel (separable, edges padded)."""
    half = size // 2
    for axis in (0, 1):
        padded = np.pad(pixels, [(half, half) if a == axis else (0, 0) for a in (0, 1)], mode="edge")
        pixels = sliding_window_view(padded, size, axis=axis).max(axis=-1)
    return pixels


def border(pixels):
    """The pixels along the picture's edge."""
    return np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
