"""Candidate cuts through ink where touching digits may meet.

A cut is a path from the top of a part's mask to its bottom: for each row, the column it
passes at (the ink at and right of it is on its right). Several kinds of candidates are made,
because each finds joints the others miss; choosing among them is left to the network (see
numbers.py, where every candidate is a possible digit boundary and a search keeps the best):

- least-ink paths started at the valleys of the column counts of ink (two digits side by side
  leave few ink pixels in the columns between them);
- least-ink paths started at the notches of the upper and lower contours (where two digits
  meet, the outline dips from above and rises from below, even when the joint is a thick blob
  and no valley of the column counts);
- straight cuts from a notch of the upper contour to a notch of the lower one;
- drop-fall paths (Congedo et al.): a ball dropped from the top (or, upside down, from the
  bottom) that rolls around ink to the left first or to the right first, and cuts straight
  through it only when stuck: it follows the outline into the joint.

Pure numpy.
"""
import numpy as np

# Sizes are shares of the line's height.
MIN_PIECE = 0.1  # a cut leaves at least this much on either side (a 1 is narrow)
CUT_SPACING = 0.15  # cuts of one kind start at least this far apart
CUT_REACH = 0.25  # a cut may drift this far sideways from where it starts (slanted digits)
CUT_BEND = 0.3  # ink-pixels' worth of cost for each sideways step: cuts run straight unless ink is in the way
SMOOTHING = 0.03  # column counts and contours are smoothed over this much (a pen's ragged edge is no valley)
NOTCH_DEPTH = 0.05  # a notch of a contour is at least this deep below what is either side of it
# Cuts leaving less ink than this between them (a share of the height, squared) are one cut:
# a sliver of 1 % of the height squared is a few per cent of a digit's ink.
SLIVER = 0.01


def candidate_cuts(mask, height):
    """Paths from top to bottom through the part `mask` (boolean rows x columns) where digits of
    a line `height` pixels tall may meet, left to right, not crossing, none leaving a sliver."""
    rows, width = mask.shape
    margin = max(1, round(MIN_PIECE * height))
    if width <= 2 * margin:
        return []
    reach = max(1, round(CUT_REACH * height))
    valleys = _valleys(mask, height)
    paths = [_least_ink_path(mask, start, reach) for start in valleys]
    upper, lower = _notches(mask, height, from_top=True), _notches(mask, height, from_top=False)
    # (a notch near a valley: the valley's path is the same)
    paths += [_least_ink_path(mask, start, reach) for _row, start in upper + lower
              if all(abs(start - valley) >= CUT_SPACING * height for valley in valleys)]
    paths += [_straight(rows, top, bottom) for top in upper for bottom in lower if abs(top[1] - bottom[1]) <= reach]
    for _row, start in upper:
        paths += [_drop_fall(mask, start, prefer_left, reach) for prefer_left in (True, False)]
    flipped = mask[::-1]
    for _row, start in lower:
        paths += [_drop_fall(flipped, start, prefer_left, reach)[::-1] for prefer_left in (True, False)]
    inner = [path for path in paths if margin <= np.median(path) <= width - margin]
    return _distinct(mask, inner, SLIVER * height * height)


def strokes_crossed(mask, path):
    """How many strokes a cut goes through: the runs of ink along it."""
    along = mask[np.arange(mask.shape[0]), np.minimum(path, mask.shape[1] - 1)]
    return int(np.count_nonzero(along[1:] & ~along[:-1]) + along[0])


def _smoothed(values, height):
    smooth = max(1, round(SMOOTHING * height))
    padded = np.pad(values.astype(np.float64), smooth, mode="edge")
    return np.convolve(padded, np.ones(2 * smooth + 1) / (2 * smooth + 1), mode="valid")


def _spread(columns, priority, spacing, margin, width):
    """The columns, best (lowest priority) first, kept at least `spacing` apart and `margin`
    from the ends."""
    chosen = []
    for column in np.asarray(columns)[np.argsort(priority, kind="stable")]:
        if margin <= column < width - margin and all(abs(column - other) >= spacing for other in chosen):
            chosen.append(int(column))
    return chosen


def _valleys(mask, height):
    """Columns where the column counts of ink have a valley, deepest first chosen."""
    width = mask.shape[1]
    counts = _smoothed(mask.sum(axis=0), height)
    inner = np.arange(1, width - 1)
    valleys = inner[(counts[inner] <= counts[inner - 1]) & (counts[inner] <= counts[inner + 1])]
    margin = max(1, round(MIN_PIECE * height))
    return sorted(_spread(valleys, counts[valleys], CUT_SPACING * height, margin, width))


def _notches(mask, height, from_top):
    """(row, column) of the notches of the upper contour (its lowest dips, when `from_top`) or of
    the lower one (its highest rises), deepest first chosen: where two digits' outlines meet."""
    rows, width = mask.shape
    inked = mask.any(axis=0)
    if from_top:
        edge = np.where(inked, mask.argmax(axis=0), rows)  # depth of the first ink from the top
    else:
        edge = np.where(inked, mask[::-1].argmax(axis=0), rows)  # from the bottom
    depth = _smoothed(np.minimum(edge, rows), height)
    margin = max(1, round(MIN_PIECE * height))
    reach = max(1, round(CUT_REACH * height))
    found, prominence = [], []
    for column in range(margin, width - margin):
        if depth[column] < depth[column - 1] or depth[column] < depth[column + 1]:
            continue  # not a local deepest point
        left = depth[max(0, column - reach) : column].min()
        right = depth[column + 1 : column + reach + 1].min()
        dip = depth[column] - max(left, right)
        if dip >= NOTCH_DEPTH * height:
            found.append(column)
            prominence.append(-dip)
    columns = _spread(found, prominence, CUT_SPACING * height, margin, width)
    row_of = (lambda column: int(min(edge[column], rows - 1))) if from_top else (
        lambda column: int(rows - 1 - min(edge[column], rows - 1)))
    return sorted((row_of(column), column) for column in columns)


def _least_ink_path(mask, start, reach):
    """For each row, the column of a path from top to bottom through the least ink, at most
    `reach` columns from `start`, moving at most one column per row (dynamic programming)."""
    rows, width = mask.shape
    low, high = max(0, start - reach), min(width, start + reach + 1)
    ink = mask[:, low:high].astype(np.float64)
    columns = high - low
    cost = ink[0] + CUT_BEND * np.abs(np.arange(low, high) - start)  # starting off the start costs too
    moves = np.zeros((rows, columns), dtype=np.int8)
    for row in range(1, rows):
        from_left = np.concatenate([[np.inf], cost[:-1]]) + CUT_BEND
        from_right = np.concatenate([cost[1:], [np.inf]]) + CUT_BEND
        options = np.stack([from_left, cost, from_right])
        choice = options.argmin(axis=0)
        moves[row] = choice - 1  # -1: came from the left, 0: from above, 1: from the right
        cost = options[choice, np.arange(columns)] + ink[row]
    path = np.empty(rows, dtype=int)
    column = int(cost.argmin())
    for row in range(rows - 1, -1, -1):
        path[row] = column
        column += int(moves[row, column])
    return path + low


def _straight(rows, top, bottom):
    """A cut straight down to the upper notch `top`, straight across to the lower notch
    `bottom` ((row, column) each), then straight down."""
    (top_row, top_column), (bottom_row, bottom_column) = top, bottom
    if bottom_row <= top_row:
        return np.full(rows, round((top_column + bottom_column) / 2), dtype=int)
    row = np.arange(rows)
    share = np.clip((row - top_row) / (bottom_row - top_row), 0.0, 1.0)
    return np.round(top_column + share * (bottom_column - top_column)).astype(int)


def _drop_fall(mask, start, prefer_left, reach):
    """A drop-fall path from the top row at column `start`: down when it can, else diagonally
    down (the preferred side first), else sideways along the row (not back), else straight
    down through the ink; never more than `reach` from `start`."""
    rows, width = mask.shape
    low, high = max(0, start - reach), min(width - 1, start + reach)
    side = -1 if prefer_left else 1
    path = np.empty(rows, dtype=int)
    column, row, came_from = start, 0, None
    path[0] = column
    steps = 0
    while row < rows - 1:
        below = mask[row + 1]
        moved = False
        for step in (0, side, -side):
            target = column + step
            if low <= target <= high and not below[target]:
                row, column, came_from, moved = row + 1, target, None, True
                break
        if not moved:
            for step in (side, -side):
                target = column + step
                if low <= target <= high and not mask[row, target] and target != came_from and steps < 2 * reach:
                    came_from, column, moved = column, target, True
                    steps += 1
                    break
            if moved:
                continue
            row, came_from = row + 1, None  # stuck: cut straight down
        steps = 0
        path[row] = column
    return path


def _distinct(mask, paths, sliver):
    """The paths ordered left to right and made not to cross; one that leaves less than
    `sliver` ink pixels between it and the one kept before it, or the part's right end, is dropped."""
    if not paths:
        return []
    rows, width = mask.shape
    paths = sorted((np.asarray(path, dtype=int) for path in paths), key=lambda path: float(np.mean(path)))
    cumulative = np.concatenate([np.zeros((rows, 1), dtype=np.int64), np.cumsum(mask, axis=1)], axis=1)
    row = np.arange(rows)

    def ink_left_of(path):  # ink pixels left of the path, per row
        return cumulative[row, np.clip(path, 0, width)]

    total = cumulative[:, -1].sum()
    kept, previous = [], np.zeros(rows, dtype=int)
    for path in paths:
        path = np.maximum(path, previous)  # cuts do not cross
        between = (ink_left_of(path) - ink_left_of(previous)).sum()
        if between >= sliver and total - ink_left_of(path).sum() >= sliver:
            kept.append(path)
            previous = path
    return kept
