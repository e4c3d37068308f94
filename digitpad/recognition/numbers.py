"""Reading whole numbers: the digits of a number in a picture, left to right, and the readings
both inputs give (the pad's strokes are grouped into digits in pad_numbers.py).

In a picture the ink is split into its connected parts; a part
wider than the split width, or one the not-a-digit head doubts, gets candidate cuts (cuts.py:
least-ink paths from column valleys and contour notches, notch-to-notch lines, drop-fall
paths); then a search over the ways of grouping the pieces into digits keeps the grouping the
network reads best, weighed by how digit-like each group's width and height are.

Pure numpy + Pillow + OpenCV (recognising must not import TensorFlow).
"""
import math
import os
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image

from digitpad.i18n import _
from digitpad.recognition.cuts import candidate_cuts, strokes_crossed
from digitpad.recognition.images import BlankImageError, open_image
from digitpad.recognition.not_digit import NO_DIGIT
from digitpad.recognition.photo import stroke_width
from digitpad.recognition.preprocess import INK_THRESHOLD, frame, ink_mask, tutorial_pixels

# Pictures. Sizes are shares of the line's height (the height of its tall parts).
SPECK = 0.08  # parts smaller than this every way are dirt, not ink of a digit
# Parts wider than this may hold several touching digits: they are cut unless the network's
# head is sure they are one digit (doubt below SPLIT_DOUBT: wide 0s need no cuts, each cut
# adds groupings to read), and always when wider than any digit (MAX_DIGIT_WIDTH).
SPLIT_WIDTH = 0.9
# Narrower parts are cut too when the network doubts they are one digit (a 1 touching a 6 is
# narrower than a lone 0): at least this wide (two 1s side by side) and this doubt. Cutting
# only adds choices (the whole part stays one), so the doubt is low: the two-layer network's
# head gives some touching pairs 0.2-0.5. Such a part is cut only into digits the head is
# surer of than that (the long flag of a lone 1 or the bar of a 4, cut off, may read as a 1;
# at even odds, digits apart were cut: 2 of 25 pairs more read wrong), unless it is surely no
# one digit (NO_DIGIT: it would be left out whole); and into digits side by side, each at
# least LOW tall (a 1's flag cut off is lower).
MIN_SPLIT, SPLIT_DOUBT = 0.25, 0.2
MAX_PIECES = 8  # a digit is made of at most this many pieces
MAX_DIGIT_WIDTH = 1.6  # no digit is wider than this
# Priors, in nats (log-probabilities): a group narrower or wider than the digit read (MIN_ASPECT,
# MAX_ASPECT, width over the line's height) or lower than LOW is less likely that digit, by one
# nat per PRIOR_STEP beyond the limit, squared; so is one with a gap between its pieces (the
# parts of one digit overlap or nearly touch), by one nat per GAP_STEP of gap, squared.
LOW, PRIOR_STEP = 0.55, 0.15
GAP_STEP = 0.05
# Width over height of each digit 0-9 in MNIST's training set (ink > 127): the 2nd and the
# 99th percentiles. Only a 1 is narrower than 0.4.
MIN_ASPECT = np.array([0.55, 0.15, 0.55, 0.5, 0.5, 0.5, 0.4, 0.46, 0.45, 0.4])
MAX_ASPECT = np.array([1.43, 0.9, 1.67, 1.25, 1.25, 1.67, 1.18, 1.33, 1.25, 1.11])
CUT_COST = 0.3  # nats per stroke a chosen cut goes through: cutting a loop (two strokes) needs a reason
DIGIT_COST = 0.0  # nats per digit (tried 0.5: pairs read as one digit, the networks are sure of pairs too)
# A digit is at least three strokes tall even from the boldest pen (a 0 whose hole is one stroke
# wide); ink at most 2.5 strokes tall is a dash, an underline or a dot (a dot is 2 strokes tall).
FLAT = 2.5


BLANK, NOT_A_DIGIT = "blank", "not_a_digit"  # why a reading has no digit: no ink; ink, but no digit in it


@dataclass(frozen=True)
class DigitReading:
    digit: int
    confidence: float
    probabilities: np.ndarray  # the ten probabilities
    box: tuple  # (left, top, right, bottom) in the input's coordinates, right and bottom exclusive
    pixels: np.ndarray  # the 28x28 input the network saw
    not_digit: float | None = None  # probability that it is not one digit (None: the weights have no head)

    @property
    def verdict(self):
        """"digit", "not sure" or "no digit" (recognizer.verdict)."""
        from digitpad.recognition.recognizer import verdict

        return verdict(self.not_digit)


@dataclass(frozen=True)
class Reading:
    digits: tuple = ()  # DigitReading, left to right
    message: str = field(default="", compare=False)  # why there is no digit, when there is none
    reason: str = field(default="", compare=False)  # the same for programs: BLANK or NOT_A_DIGIT
    # a picture's ink mask it was read from (picture_ink, the picture's pixels); None for strokes
    ink: object = field(default=None, compare=False, repr=False)

    @property
    def number(self):
        """The digits as a string, leading zeros kept; "" when there is no digit."""
        return "".join(str(digit.digit) for digit in self.digits)

    @property
    def min_confidence(self):
        return min((digit.confidence for digit in self.digits), default=None)


def is_strokes(source):
    """Whether a source for Recognizer.read is the pad's strokes rather than a picture."""
    return not isinstance(source, (str, os.PathLike, Image.Image))


def read(recognizer, source):
    """The number in a picture (path or PIL image) or in the pad's strokes (lists of (x, y))."""
    from digitpad.recognition.pad_numbers import read_strokes  # (it builds on this module)

    return read_strokes(recognizer, source) if is_strokes(source) else read_image(recognizer, source)


# -- pictures

@dataclass
class _Piece:
    """Ink of a picture that belongs to one digit at most: a connected part, or a cut of one."""
    top: int
    left: int
    mask: np.ndarray  # boolean, the piece's bounding box
    crossings: int = 0  # strokes the cut along its left side went through (0: not cut there)
    doubted_part: int | None = None  # a part cut only because the network doubted it: its number
    part: int | None = None  # the number of the part it was cut from (None: a part not cut)

    @property
    def bottom(self):
        return self.top + self.mask.shape[0]

    @property
    def right(self):
        return self.left + self.mask.shape[1]

    @property
    def centre(self):
        return self.left + np.nonzero(self.mask)[1].mean()


def picture_ink(grey, framed=True):
    """The ink mask a number is read from in a grey picture: every digit's ink in the app's
    pipeline, the tutorial's "< 200" in the tutorial's."""
    return ink_mask(grey, one_digit=False) if framed else np.asarray(grey) < INK_THRESHOLD


def read_image(recognizer, image):
    """The number in a picture: a path or a PIL image (raises ImageError when it cannot be read);
    the reading keeps the ink mask it was read from (the window outlines it)."""
    grey = open_image(image)
    mask = picture_ink(grey, recognizer.framed)
    return replace(_read_ink(recognizer, image, grey, mask), ink=mask)


def _read_ink(recognizer, image, grey, mask):
    if not mask.any():
        return Reading(message=_("no digit found: the image is blank"), reason=BLANK)
    parts, height = parts_of(mask)
    if not parts:
        return Reading(message=_("no digit found: the image is blank"), reason=BLANK)
    # Every grouping of the parts is read at once, then the parts are cut; only the groupings
    # with cut pieces are read again, together. The whole picture, read as predict() reads it
    # (its own ink mask: a third of the time of a photo), is read only when it may be the
    # answer: when it is the one part, or when no grouping is likelier than one digit could be.
    lone = len(parts) == 1
    stroke = stroke_width(mask)
    read_before = _read_groups(recognizer, grey, parts, [span for span in _candidate_digits(parts, height)
                                                          if lone or span != (0, len(parts))], {}, stroke)
    pieces = _cut_parts(parts, height, [read_before[(id(part),)][2] for part in parts])
    whole = (0, len(pieces))
    if lone:
        read_before[tuple(map(id, pieces))] = read_before[(id(parts[0]),)]  # the whole picture, either way
    # (a doubted part is cut only into digits side by side, each at least LOW tall: see below)
    spans = [span for span in _candidate_digits(pieces, height) if (lone or span != whole) and (
        span[1] - span[0] == 1 or not (_is_fragment(pieces, span) and _joined(pieces[span[0] : span[1]])[2].shape[0] < LOW * height))]
    known = _read_groups(recognizer, grey, pieces, spans, read_before, stroke)
    rows = {span: known[tuple(map(id, pieces[span[0] : span[1]]))] for span in spans}
    has_head = recognizer.not_digit_head is not None
    cut_costs = [CUT_COST * piece.crossings for piece in pieces]
    path, total = _choose(rows, pieces, height, has_head, cut_costs)
    # no grouping of the whole picture as one digit scores more than its shape allows (log p <= 0)
    if whole not in rows and total <= _shape_score(np.ones(10), *_joined(pieces)[2].shape[::-1], _widest_gap(pieces), height):
        rows[whole] = _read_whole(recognizer, grey, pieces)
        path, total = _choose(rows, pieces, height, has_head, cut_costs)
    path = [span for span in path if rows[span][0].any()]  # (a blank piece is left out)
    if not path:
        return Reading(message=_("no digit found: the image is blank"), reason=BLANK)

    def is_digit(span):
        return rows[span][0].any() and rows[span][2] < NO_DIGIT

    alone = len(path) == 1
    if has_head and not alone:  # ink that is surely no digit (a shadow's edge, a pattern, a speck)
        # beside other ink is left out; a lone digit is read as predict() reads it, its doubt said
        path = [span for span in path if rows[span][2] < NO_DIGIT]
        if len(path) <= 1 and whole not in rows:
            rows[whole] = _read_whole(recognizer, grey, pieces)
        if not path and not is_digit(whole):
            return Reading(message=_("no digit found: nothing in the image looks like a digit"), reason=NOT_A_DIGIT)
        # (one digit left, or none apart but the whole picture is one: it is read as predict() reads it)
        alone = len(path) <= 1 and is_digit(whole)
    if alone:  # one digit: the whole picture, as predict() reads it
        if whole not in rows:
            rows[whole] = _read_whole(recognizer, grey, pieces)
        if rows[whole][0].any():
            path = [whole]
    scale_x, scale_y = _input_scale(image, grey)
    boxes = []
    for span in path:
        top, left, joined = _joined(pieces[span[0] : span[1]])
        bottom, right = top + joined.shape[0], left + joined.shape[1]
        boxes.append((left * scale_x, top * scale_y, right * scale_x, bottom * scale_y))
    chosen = [rows[span] for span in path]
    return _reading(np.stack([row[1] for row in chosen]), np.stack([row[0] for row in chosen]), boxes,
                    np.array([row[2] for row in chosen]) if has_head else None)


def _read_whole(recognizer, grey, pieces):
    """(input, probabilities, doubt) of the whole picture, read exactly as a lone digit is."""
    return _read_groups(recognizer, grey, pieces, [(0, len(pieces))], {})[tuple(map(id, pieces))]


def _choose(rows, pieces, height, has_head, cut_costs):
    """(the spans of the likeliest grouping of the pieces into digits, its score) given `rows`,
    {span: (input, probabilities, doubt)} of the spans that may be digits."""
    spans = sorted(rows)  # (in order: on a tie the first grouping found is kept)
    probabilities = np.stack([rows[span][1] for span in spans])
    doubts = np.array([rows[span][2] for span in spans]) if has_head else None
    blank = {span for span in spans if not rows[span][0].any()}
    scores = {span: _score(probs, pieces[span[0] : span[1]], height) + likely
              for span, probs, likely in zip(spans, probabilities, _likely_digit(doubts, len(spans)))}
    scores.update({span: 0.0 if span[1] - span[0] == 1 else -math.inf for span in blank})
    if has_head:  # a narrow part is cut only into digits the head believes in, side by side
        scores.update({span: -math.inf for span, doubt in zip(spans, doubts) if _is_fragment(pieces, span) and (
            doubt >= SPLIT_DOUBT or _joined(pieces[span[0] : span[1]])[2].shape[0] < LOW * height)})
    path, total = _best_path_and_score(scores, len(pieces), cut_costs)
    # a part cut only into 1s is a 1 (a slanted, flagged or footed 1 cut anywhere reads as two
    # 1s; two 1s side by side do not touch): those cuts are not taken
    cut_up = [span for span in path if _is_cut_up(pieces, span)]
    ones = [span for span in cut_up if np.argmax(rows[span][1]) == 1]
    only_ones = {pieces[span[0]].part for span in ones} - {pieces[span[0]].part for span in cut_up if span not in ones}
    if only_ones:
        scores.update({span: -math.inf for span in ones if pieces[span[0]].part in only_ones})
        path, total = _best_path_and_score(scores, len(pieces), cut_costs)
    return path, total


def parts_of(mask):
    """The picture's connected parts of ink, less specks, ordered left to right, and the line's
    height in pixels (that of its tall parts)."""
    import cv2  # (imported when a picture is read: the window starts without it)

    count, labels, stats, _centroids = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    boxes = [(top, left, top + box_h, left + box_w) for left, top, box_w, box_h, _area in stats[1:count]]
    heights = np.array([bottom - top for top, _left, bottom, _right in boxes])
    height = float(np.median(heights[heights >= 0.5 * heights.max()]))
    parts = []
    for index, (top, left, bottom, right) in enumerate(boxes, start=1):
        if max(bottom - top, right - left) >= SPECK * height:
            parts.append(_Piece(top, left, labels[top:bottom, left:right] == index))
    return sorted(parts, key=lambda part: part.centre), height


def pieces_of(mask, doubts=None):
    """The picture's ink as pieces ordered left to right, and the line's height in pixels.

    Its parts (parts_of), each cut where digits may touch (cuts.candidate_cuts) when it is
    wider than SPLIT_WIDTH times the height; or, given `doubts` (a function of the parts
    giving each one's not-a-digit probability), when it is at least MIN_SPLIT wide and the
    network doubts it is one digit: two narrow digits touching are no wider than one wide digit.
    """
    parts, height = parts_of(mask)
    return _cut_parts(parts, height, doubts(parts) if doubts else np.zeros(len(parts))), height


def _cut_parts(parts, height, doubts):
    pieces = []
    for number, (part, doubt) in enumerate(zip(parts, doubts)):
        width = part.mask.shape[1]
        if width > MAX_DIGIT_WIDTH * height or (width > SPLIT_WIDTH * height and doubt >= SPLIT_DOUBT) or (
                width >= MIN_SPLIT * height and doubt >= NO_DIGIT):
            pieces += [replace(piece, part=number) for piece in cut(part, height)]  # (surely not one digit: cut as a wide part is)
        elif width >= MIN_SPLIT * height and doubt >= SPLIT_DOUBT:
            pieces += [replace(piece, doubted_part=number, part=number) for piece in cut(part, height)]
        else:
            pieces.append(part)
    return sorted(pieces, key=lambda piece: piece.centre)


def cut(part, height):
    """A part cut into pieces along each candidate cut (cuts.candidate_cuts)."""
    mask = part.mask
    rows, width = mask.shape
    paths = candidate_cuts(mask, height)
    if not paths:
        return [part]
    columns = np.arange(width)[None, :]
    bounds = [np.zeros(rows, dtype=int)] + paths + [np.full(rows, width)]
    crossings = [0] + [strokes_crossed(mask, path) for path in paths]
    pieces = []
    for left_bound, right_bound, crossed in zip(bounds[:-1], bounds[1:], crossings):
        inside = mask & (columns >= left_bound[:, None]) & (columns < right_bound[:, None])
        if inside.any():
            ys, xs = np.nonzero(inside)
            top, left = ys.min(), xs.min()
            box = inside[top : ys.max() + 1, left : xs.max() + 1]
            pieces.append(_Piece(part.top + top, part.left + left, box, crossed if pieces else 0))
    return pieces


def _candidate_digits(pieces, height):
    """(first, end) spans of consecutive pieces that may be one digit; all of them, always."""
    spans = {(0, len(pieces))}
    for first in range(len(pieces)):
        left, right = pieces[first].left, pieces[first].right
        for end in range(first + 1, min(first + MAX_PIECES, len(pieces)) + 1):
            left, right = min(left, pieces[end - 1].left), max(right, pieces[end - 1].right)
            if end - first > 1 and right - left > MAX_DIGIT_WIDTH * height:
                break
            spans.add((first, end))
    return sorted(spans)


def _is_cut_up(pieces, span):
    """Whether the span is some but not all of the pieces of a part that was cut."""
    parts = {piece.part for piece in pieces[span[0] : span[1]]}
    if len(parts) != 1 or None in parts:
        return False
    return span[1] - span[0] < sum(piece.part in parts for piece in pieces)


def _is_fragment(pieces, span):
    """Whether the span is some but not all of the pieces of a part cut because it was doubted."""
    parts = {piece.doubted_part for piece in pieces[span[0] : span[1]]}
    if len(parts) != 1 or None in parts:
        return False
    return span[1] - span[0] < sum(piece.doubted_part in parts for piece in pieces)


def _group_input(recognizer, grey, pieces):
    """The 28x28 input of pieces read as one digit (raises BlankImageError)."""
    if recognizer.framed:
        return frame(_joined(pieces)[2])
    return _tutorial_crop(grey, _joined(pieces))


def _read_groups(recognizer, grey, pieces, spans, known, stroke=None):
    """{ids of the pieces of a group: (input, probabilities, doubt)} for the spans of pieces
    read as one digit each, with `known` (those read already); an input with too little ink
    to be a digit is all zeros; a doubt is 0 when there is no head. The span of all pieces is
    the whole picture, read exactly as a lone digit is. A group whose pieces are each no taller
    than FLAT strokes of `stroke` px is surely no digit (doubt 1): dashes, underlines, dots."""
    known = dict(known)
    groups = [tuple(map(id, pieces[first:end])) for first, end in spans]
    todo = [(span, group) for span, group in zip(spans, groups) if group not in known]
    if not todo:
        return known
    inputs = []
    for (first, end), _group in todo:
        try:
            if (first, end) == (0, len(pieces)):
                inputs.append(recognizer.pixels(grey))
            else:
                inputs.append(_group_input(recognizer, grey, pieces[first:end]))
        except BlankImageError:  # too little ink to be a digit: a piece alone is left out at no cost
            inputs.append(np.zeros((28, 28), dtype=np.float32))
    inputs = np.stack(inputs)
    probabilities, doubts = recognizer.probabilities_and_doubts(inputs)
    doubts = np.zeros(len(todo)) if doubts is None else doubts
    if stroke:
        flat = [(first, end) != (0, len(pieces)) and all(piece.mask.shape[0] <= FLAT * stroke for piece in pieces[first:end])
                for (first, end), _group in todo]
        doubts = np.where(flat, 1.0, doubts)
    known.update((group, row) for (_span, group), row in zip(todo, zip(inputs, probabilities, doubts)))
    return known


def _joined(pieces):
    """(top, left, mask) of pieces together."""
    top, left = min(piece.top for piece in pieces), min(piece.left for piece in pieces)
    bottom, right = max(piece.bottom for piece in pieces), max(piece.right for piece in pieces)
    mask = np.zeros((bottom - top, right - left), dtype=bool)
    for piece in pieces:
        mask[piece.top - top : piece.bottom - top, piece.left - left : piece.right - left] |= piece.mask
    return top, left, mask


def _tutorial_crop(grey, joined):
    """The tutorial's pipeline on a square of the picture around one digit."""
    top, left, mask = joined
    side = max(mask.shape)
    centre_y, centre_x = top + mask.shape[0] / 2, left + mask.shape[1] / 2
    box = tuple(round(v) for v in (centre_x - side / 2, centre_y - side / 2, centre_x + side / 2, centre_y + side / 2))
    crop = Image.new("L", (box[2] - box[0], box[3] - box[1]), 255)
    crop.paste(grey.crop(box), (0, 0))
    pixels = tutorial_pixels(crop)
    if not pixels.any():
        raise BlankImageError(_("no digit found: the image is blank"))
    return pixels


def _score(probabilities, pieces, height):
    """How likely a group of pieces is one digit, in nats: the network's confidence in its
    answer, less the priors on its width and height, less the cost of a digit."""
    mask = _joined(pieces)[2]
    return _shape_score(probabilities, mask.shape[1], mask.shape[0], _widest_gap(pieces), height)


def _shape_score(probabilities, width, height, gap, line_height):
    """The best of the network's answers weighed by how narrow that digit can be, less the priors."""
    width, height, gap = width / line_height, height / line_height, gap / line_height
    prior = -(max(0.0, LOW - height) / PRIOR_STEP) ** 2 - (gap / GAP_STEP) ** 2
    # (half a 0 read as a 6 is too narrow for a 6; two digits read as one too wide for it)
    unlike = (np.maximum(0.0, MIN_ASPECT - width) / PRIOR_STEP) ** 2 + (np.maximum(0.0, width - MAX_ASPECT) / PRIOR_STEP) ** 2
    answers = np.log(np.maximum(np.asarray(probabilities, dtype=np.float64), 1e-12)) - unlike
    return float(answers.max()) + prior - DIGIT_COST


def _widest_gap(pieces):
    """The widest horizontal gap between the pieces' extents (0 when they overlap)."""
    extents = sorted((piece.left, piece.right) for piece in pieces)
    widest, reached = 0, extents[0][1]
    for left, right in extents[1:]:
        widest, reached = max(widest, left - reached), max(reached, right)
    return widest


def best_path(scores, count, cut_costs=None):
    """The spans covering pieces 0..count-1 whose scores add up to most (dynamic programming
    over the segmentation graph); `scores` maps (first, end) spans to scores; cut_costs[i] is
    subtracted when a span starts at piece i > 0 (the cost of cutting there)."""
    return _best_path_and_score(scores, count, cut_costs)[0]


def _best_path_and_score(scores, count, cut_costs=None):
    """best_path and its score (-inf when the pieces cannot be covered)."""
    cut_costs = cut_costs or [0.0] * count
    best = [(-math.inf, None)] * (count + 1)
    best[0] = (0.0, None)
    ending_at = {}
    for span in scores:
        ending_at.setdefault(span[1], []).append(span)
    for end in range(1, count + 1):
        for span in ending_at.get(end, ()):
            total = best[span[0]][0] + scores[span] - (cut_costs[span[0]] if span[0] else 0.0)
            if total > best[end][0]:
                best[end] = (total, span)
    path, end = [], count
    while end > 0:
        span = best[end][1]
        if span is None:  # no way to cover the pieces (cannot happen: single pieces are always spans)
            return [], -math.inf
        path.append(span)
        end = span[0]
    return path[::-1], best[count][0]


def _input_scale(source, grey):
    """How much larger the upright input picture is than the picture worked on (it was shrunk)."""
    if isinstance(source, Image.Image):
        width, height = _upright_size(source)
    else:
        try:
            with Image.open(source) as image:
                width, height = _upright_size(image)
        except (OSError, ValueError):
            return 1.0, 1.0
    return width / grey.width, height / grey.height


def _upright_size(image):
    width, height = image.size
    turned = image.getexif().get(0x0112) in (5, 6, 7, 8)  # EXIF orientations that swap the sides
    return (height, width) if turned else (width, height)


def _likely_digit(doubts, count=1):
    """log(1 - the not-a-digit probability) of each input, in nats; 0 when there is no head."""
    if doubts is None:
        return np.zeros(count)
    return np.log(np.maximum(1.0 - np.asarray(doubts, dtype=np.float64), 1e-6))


def _reading(probabilities, pixels, boxes, doubts=None):
    digits = []
    doubts = [None] * len(boxes) if doubts is None else [float(doubt) for doubt in doubts]
    for probs, digit_pixels, box, doubt in zip(probabilities, pixels, boxes, doubts):
        digit = int(np.argmax(probs))
        digits.append(DigitReading(digit, float(probs[digit]), probs, tuple(float(v) for v in box), digit_pixels, doubt))
    return Reading(tuple(digits))
