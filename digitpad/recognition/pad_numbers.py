"""Reading a number written on the pad: its strokes grouped into digits, left to right.

The strokes tell the digits apart: strokes drawn one after another that overlap horizontally
and touch are one digit (a 4 or a 5 written in two strokes); of the ways of grouping them, the
one the network reads best is kept, and each digit is then framed and recognised exactly as a
lone drawing is. Pictures are read in numbers.py.

Pure numpy + Pillow (recognising must not import TensorFlow).
"""
import math

import numpy as np

from digitpad.i18n import _
from digitpad.recognition.images import BlankImageError
from digitpad.recognition.numbers import BLANK, NOT_A_DIGIT, Reading, _likely_digit, _reading, _shape_score
from digitpad.recognition.strokes import PAD_SIZE, PEN_WIDTH, pixels_from_strokes, render_strokes

# Pad: how much the horizontal extents of two strokes overlap (a share of the narrower). Strokes
# overlapping by half are one above the other, as in one digit (digits side by side overlap
# less); a stroke drawn later than the next digit must overlap its digit that much to join it.
SAME_DIGIT_OVERLAP = 0.5
BAR_OVERLAP = 0.25  # a flat stroke, less (a 5's bar reaches well to the right of its body)
BAR_HEIGHT = 0.3  # flat: lower than this share of the writing's height, and than half its width
WELL_INSIDE = 0.9  # overlapping this much, in the middle of a digit, a stroke is part of it even when not touching
# nats: a stroke starts a digit more often than it goes on with one (ten digits, of which about
# three, 4, 5 and 7, take a second stroke: log(10 / 3)), so the network must find the strokes
# likelier one digit than two by this much to join them
NEW_DIGIT_ODDS = math.log(10 / 3)
MAX_STROKES = 6  # strokes in one digit at most (a 4 or a 5 takes two, a retraced one a few more)
# more strokes than a number of 8 such digits: a scribble, grouped by their places alone (the
# network is not asked about every way of grouping them)
MAX_NUMBER_STROKES = 8 * MAX_STROKES


def read_strokes(recognizer, strokes):
    try:
        strokes = [[(float(x), float(y)) for x, y in stroke] for stroke in strokes]
    except (TypeError, ValueError):
        raise ValueError(_("strokes must be lists of (x, y) points")) from None
    # a point off any scale (NaN, infinite) is no ink
    strokes = [[point for point in stroke if math.isfinite(point[0] + point[1])] for stroke in strokes]
    scorer = _stroke_scorer(recognizer)
    strokes = [stroke for stroke in strokes if stroke]
    groups = group_strokes(strokes, scorer)
    height = _writing_height(strokes) if strokes else 1.0
    pixels, boxes = [], []
    for group in groups:
        if all(map(_is_dot, group)):  # taps: no digit is drawn of dots alone
            continue
        if len(groups) > 1 and _is_bar(sum(group, []), height):  # a minus, a dash, an underline beside digits
            continue
        framed = scorer.pixels(group)
        if framed is None:  # a speck too small to frame: no digit
            continue
        pixels.append(framed)
        boxes.append(_expanded(_stroke_box(group), PEN_WIDTH / 2))
    if not pixels:
        if any(all(map(_is_dot, group)) for group in groups):
            return Reading(message=_("no digit found: nothing on the pad looks like a digit"), reason=NOT_A_DIGIT)
        return Reading(message=_("no digit found: the pad is blank"), reason=BLANK)
    pixels = np.stack(pixels)
    probabilities, doubts = recognizer.probabilities_and_doubts(pixels)
    return _reading(probabilities, pixels, boxes, doubts)


def _group_pixels(recognizer, group):
    """A group of strokes framed and recognised exactly as a lone drawing on the pad is."""
    if recognizer.framed:
        return pixels_from_strokes(inside_pad(group))
    return recognizer.pixels(render_strokes(inside_pad(group)))  # the tutorial's pipeline: the pad's picture


class _stroke_scorer:
    """score(groups, height): how likely each group of strokes is one digit, in nats (the
    network's best answer weighed by the group's shape, see _shape_score, plus how sure the
    not-a-digit head is that it is a digit); the groups are read in one batch, and each group's
    framed pixels are kept for reading it (pixels())."""

    def __init__(self, recognizer):
        self.recognizer = recognizer
        self._pixels = {}  # strokes' ids -> the group's 28x28 input, None when blank

    def pixels(self, group):
        key = tuple(map(id, group))
        if key not in self._pixels:
            try:
                self._pixels[key] = _group_pixels(self.recognizer, group)
            except BlankImageError:
                self._pixels[key] = None
        return self._pixels[key]

    def __call__(self, groups, height):
        scores = np.full(len(groups), -math.inf)
        inputs = [self.pixels(group) for group in groups]
        framed = [i for i, pixels in enumerate(inputs) if pixels is not None]
        if not framed:
            return scores
        probabilities, doubts = self.recognizer.probabilities_and_doubts(np.stack([inputs[i] for i in framed]))
        for i, probs, likely in zip(framed, probabilities, _likely_digit(doubts, len(framed))):
            left, top, right, bottom = _stroke_box(groups[i])
            scores[i] = _shape_score(probs, right - left, bottom - top, 0.0, height) + likely
        return scores


def _joins_when_allowed(groups, height):
    """The score without a network: every stroke the geometry lets join a digit joins it."""
    return np.array([0.0 if len(group) > 1 else -2 * NEW_DIGIT_ODDS for group in groups])


def group_strokes(strokes, score=None):
    """The strokes (in the order drawn) grouped into digits, left to right.

    A digit is strokes drawn one after another (a run), each touching the strokes before it
    in the run or lying WELL_INSIDE their extent. Of the ways of cutting the strokes into such
    runs, the one whose runs `score(groups, height)` (see _stroke_scorer; without it, every
    stroke that may join does) finds likeliest digits is kept (dynamic programming over the
    strokes in time: a stroke is judged with the ones after it, not only with those before).
    A stroke that only touches costs NEW_DIGIT_ODDS to join; one SAME_DIGIT_OVERLAP above or
    below the strokes before it, or WELL_INSIDE their extent at its edge (a 4's stem at the end
    of its bar, or a 1 that overlaps a 0: the network tells them apart), costs nothing; one
    WELL_INSIDE in the middle (a slashed zero), or drawn over the stroke before it, must join.
    Then a stroke left alone may join an earlier digit, not the one just before it (a bar
    drawn last): by SAME_DIGIT_OVERLAP (BAR_OVERLAP for a flat stroke) and touching, when the
    score finds them likelier one digit by NEW_DIGIT_ODDS.
    The writing's height is that of its taller strokes. Extents are measured along the
    writing's slant (slant()): the digits of slanted writing overlap when measured straight up
    and down.
    """
    if not strokes:
        return []
    score = score if score is not None and len(strokes) <= MAX_NUMBER_STROKES else _joins_when_allowed
    height = _writing_height(strokes)
    lean = slant(strokes)
    upright = [[(x - lean * y, y) for x, y in stroke] for stroke in strokes]
    count = len(strokes)

    def reach(index, group, next_stroke):
        """None when the stroke may not join the group; when it may: "inside" (it must), "within"
        (its extent, at an edge: as likely one digit as two) or "touching"."""
        left, _top, right, _bottom = _stroke_box([upright[index]])
        group_left, _top, group_right, _bottom = _stroke_box([upright[i] for i in group])
        # (half a pen's width added: a stroke straight up and down has some width too)
        overlap = min(right, group_right) - max(left, group_left) + PEN_WIDTH / 2
        narrower = min(right - left, group_right - group_left) + PEN_WIDTH / 2
        share = overlap / narrower
        if share >= WELL_INSIDE:  # in the middle of the digit it is part of it; at its edge, maybe (a 1 beside a 0)
            return "inside" if _inside((left + right) / 2, group_left, group_right) else "within"
        members = [strokes[i] for i in group]
        if next_stroke:  # the digit's next stroke: any that touches it may be (a 4's stem beside its L)
            if not _touching(strokes[index], members):
                return None
            return "stacked" if share >= SAME_DIGIT_OVERLAP else "touching"
        bar = _is_bar(strokes[index], height) or (len(group) == 1 and _is_bar(members[0], height))  # drawn first or last
        if share >= (BAR_OVERLAP if bar else SAME_DIGIT_OVERLAP) and _touching(strokes[index], members):
            return "touching"
        return None

    # a stroke drawn over the one before it (filling, going over a line again) goes with it
    over = {index for index in range(1, count) if _drawn_over(strokes[index], strokes[index - 1])}
    runs, costs, must_go_on = [], [], set()  # costs: the odds against each run's strokes past its first
    for first in sorted(set(range(count)) - over):
        runs.append((first, first + 1))
        costs.append(0.0)
        end, digit_strokes, cost = first + 1, 1, 0.0
        while end < count and (end in over or digit_strokes < MAX_STROKES):
            joins = "inside" if end in over else reach(end, range(first, end), next_stroke=True)
            if joins is None:
                break
            if joins == "inside":
                must_go_on.add((first, end))
            cost += NEW_DIGIT_ODDS if joins == "touching" else 0.0
            runs.append((first, end + 1))
            costs.append(cost)
            digit_strokes += end not in over
            end += 1
    # a stroke in no run with others is a digit of its own whatever its score: not read here
    joinable = {index for first, end in runs if end - first > 1 for index in range(first, end)}
    weighed = [i for i, (first, end) in enumerate(runs) if first in joinable]
    run_scores = np.zeros(len(runs))
    run_scores[weighed] = score([strokes[runs[i][0] : runs[i][1]] for i in weighed], height) if weighed else []
    scored_runs = list(zip(runs, run_scores - costs))
    best = _best_runs([item for item in scored_runs if item[0] not in must_go_on], count)
    if best[count][1] is None:  # no way through without cutting a forced join (too many strokes): cut it
        best = _best_runs(scored_runs, count)
    groups, end = [], count
    while end > 0:
        first = best[end][1]
        groups.insert(0, list(range(first, end)))
        end = first
    known = {tuple(range(runs[i][0], runs[i][1])): run_scores[i] for i in weighed}
    groups = _late_strokes(groups, strokes, reach, score, known, height)
    groups = [[strokes[i] for i in group] for group in groups]
    return sorted(groups, key=lambda group: (_stroke_box(group)[0] + _stroke_box(group)[2]) / 2)


def _best_runs(scored_runs, count):
    """best[end] = (total score, first stroke of the last run) of the best runs over strokes 0..end-1."""
    best = [(0.0, None)] + [(-math.inf, None)] * count
    for (first, end), run_score in sorted(scored_runs, key=lambda item: item[0][1]):
        if best[first][1] is None and first > 0:
            continue
        total = best[first][0] + run_score
        if total > best[end][0] or best[end][1] is None:
            best[end] = (total, first)
    return best


def _late_strokes(groups, strokes, reach, score, known, height):
    """The groups (of stroke indices, in time) with each stroke left alone joined to an earlier
    digit that it reaches (not the one just before it: the runs weighed that) when the score
    finds them likelier one digit than two."""
    def scored(group):
        key = tuple(group)
        if key not in known:
            known[key] = score([[strokes[i] for i in group]], height)[0]
        return known[key]

    kept = []
    for group in groups:
        if len(group) == 1:
            for earlier in reversed(kept[:-1]):
                if reach(group[0], earlier, next_stroke=False) and (
                        scored(earlier + group) >= scored(earlier) + scored(group) + NEW_DIGIT_ODDS):
                    earlier.extend(group)
                    break
            else:
                kept.append(group)
            continue
        kept.append(group)
    return kept


def _inside(centre, left, right):
    """Whether a stroke's middle lies in the middle half of a group's extent (not at its edge,
    where a neighbouring 1 would overlap it)."""
    return left + (right - left) / 4 <= centre <= right - (right - left) / 4


def slant(strokes):
    """How far the writing leans: x moved per unit of y (y down; negative leans right), the
    length-weighted median over the strokes' segments nearer upright than flat (the downstrokes
    carry the slant; bars and loops' flat parts do not)."""
    leans, weights = [], []
    for stroke in strokes:
        points = np.asarray(stroke, dtype=np.float64)
        steps = np.diff(points, axis=0)
        upright = np.abs(steps[:, 1]) > np.abs(steps[:, 0])
        leans.append(steps[upright, 0] / steps[upright, 1])
        weights.append(np.hypot(*steps[upright].T))
    leans, weights = np.concatenate(leans or [[]]), np.concatenate(weights or [[]])
    if not weights.sum():
        return 0.0
    order = np.argsort(leans)
    middle = np.searchsorted(np.cumsum(weights[order]), weights.sum() / 2)
    return float(leans[order][min(middle, len(order) - 1)])


def _writing_height(strokes):
    """The height of the writing: that of its taller strokes."""
    return max(float(np.percentile([np.ptp([y for _x, y in stroke]) for stroke in strokes], 75)), 1.0)


def _is_bar(stroke, height):
    left, top, right, bottom = _stroke_box([stroke])
    return bottom - top < min(BAR_HEIGHT * height, 0.5 * (right - left))


def _touching(stroke, group):
    """Whether the stroke's ink meets the group's (its middle within the pad's pen width)."""
    return bool(np.min(_distances(stroke, group)) <= PEN_WIDTH)


def _drawn_over(stroke, before):
    """Whether the stroke lies on the ink of the stroke before it (WELL_INSIDE of its length
    within a pen's width): blacking out, or going over a line again, not a new digit."""
    left, top, right, bottom = _stroke_box([stroke])
    other_left, other_top, other_right, other_bottom = _stroke_box([before])
    if left > other_right + PEN_WIDTH or right < other_left - PEN_WIDTH or top > other_bottom + PEN_WIDTH or bottom < other_top - PEN_WIDTH:
        return False  # (no point of it is that near)
    return bool(np.mean(_distances(stroke, [before]) <= PEN_WIDTH) >= WELL_INSIDE)


def _distances(stroke, group):
    """For each point along the stroke, how far the group's nearest point is."""
    mine, theirs = _densified([stroke]), _densified(group)
    return np.sqrt(((mine[:, None, :] - theirs[None, :, :]) ** 2).sum(axis=2)).min(axis=1)


def _is_dot(stroke):
    """Whether a stroke is a tap: smaller every way than the pen's width (no digit is)."""
    left, top, right, bottom = _stroke_box([stroke])
    return max(right - left, bottom - top) < PEN_WIDTH


def _densified(strokes, step=PEN_WIDTH / 4):
    """The strokes' points, with points added along each segment at most `step` apart."""
    points = []
    for stroke in strokes:
        stroke = np.asarray(stroke, dtype=np.float64)
        starts, steps = stroke[:-1], np.diff(stroke, axis=0)
        counts = np.maximum(1, np.ceil(np.hypot(steps[:, 0], steps[:, 1]) / step)).astype(int)
        segment = np.repeat(np.arange(len(counts)), counts)
        # the k-th of a segment's n points lies k/n along it (k = 1..n: its end, not its start)
        along = (np.arange(len(segment)) - np.repeat(np.cumsum(counts) - counts, counts) + 1) / counts[segment]
        points.append(stroke[:1])
        points.append(starts[segment] + steps[segment] * along[:, None])
    return np.concatenate(points)


def _stroke_box(strokes):
    xs = [x for stroke in strokes for x, _y in stroke]
    ys = [y for stroke in strokes for _x, y in stroke]
    return min(xs), min(ys), max(xs), max(ys)


def inside_pad(strokes):
    """The strokes of one digit as a lone drawing on the pad: as they are when they lie on a
    pad-sized square at the origin (so a lone digit is recognised exactly as today), else
    moved by whole pixels to its middle, and shrunk only if larger than the pad."""
    left, top, right, bottom = _stroke_box(strokes)
    if left >= 0 and top >= 0 and right <= PAD_SIZE and bottom <= PAD_SIZE:
        return strokes
    room = PAD_SIZE - 2 * PEN_WIDTH
    scale = min(1.0, room / max(right - left, bottom - top, 1e-9))
    dx = round(PAD_SIZE / 2 - (left + right) / 2 * scale)
    dy = round(PAD_SIZE / 2 - (top + bottom) / 2 * scale)
    return [[(x * scale + dx, y * scale + dy) for x, y in stroke] for stroke in strokes]


def _expanded(box, by):
    left, top, right, bottom = box
    return (left - by, top - by, right + by, bottom + by)
