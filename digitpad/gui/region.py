"""The part of an opened photo that the user chose by dragging a rectangle on the pad.

A drag is made in canvas pixels; the photo is shown fitted to the pad (pad.photo_box: its
left, top and canvas pixels per photo pixel). The region is kept in the photo's own pixels,
so that it stays on the same ink when the window is resized.
"""
from dataclasses import dataclass

# A press and release closer than this (canvas px, each way) is a click, not a drag: a hand
# moves a pixel or two while clicking (GTK's drag threshold is 8 px, Windows' 4 px).
CLICK_PX = 4
# A region narrower or lower than this (photo px) cannot hold a digit to read: MNIST's digits
# are 20 px high, and a digit drawn smaller than half that loses its loops.
MIN_SIDE = 10


@dataclass(frozen=True)
class Region:
    """left, top, right, bottom in the photo's pixels; right and bottom exclusive."""
    left: int
    top: int
    right: int
    bottom: int

    @property
    def box(self):
        return (self.left, self.top, self.right, self.bottom)

    @property
    def size(self):
        return (self.right - self.left, self.bottom - self.top)


# What a release of the mouse on the photo means
CLICK, OUTSIDE, TOO_SMALL, CHOSEN = "click", "outside", "too_small", "chosen"


def region_of_drag(start, end, photo_box, photo_size):
    """(what, region): what a drag from start to end (canvas px) chose on a photo of photo_size
    (width, height) shown at photo_box (left, top, scale). what is CLICK (barely moved), OUTSIDE
    (no part of the photo), TOO_SMALL (under MIN_SIDE photo px either way) or CHOSEN; region is
    the Region for CHOSEN and TOO_SMALL (clipped to the photo), else None."""
    (x0, y0), (x1, y1) = start, end
    if abs(x1 - x0) < CLICK_PX and abs(y1 - y0) < CLICK_PX:
        return CLICK, None
    left, top, scale = photo_box
    width, height = photo_size
    corners = [((x - left) / scale, (y - top) / scale) for x, y in ((x0, y0), (x1, y1))]
    xs, ys = sorted(x for x, y in corners), sorted(y for x, y in corners)
    box = (max(0, round(xs[0])), max(0, round(ys[0])), min(width, round(xs[1])), min(height, round(ys[1])))
    if box[2] <= box[0] or box[3] <= box[1]:
        return OUTSIDE, None
    region = Region(*box)
    if min(region.size) < MIN_SIDE:
        return TOO_SMALL, region
    return CHOSEN, region


def in_photo(box, region):
    """A box (left, top, right, bottom) found in the region's picture, in the whole photo's pixels."""
    if region is None:
        return tuple(box)
    left, top, right, bottom = box
    return (left + region.left, top + region.top, right + region.left, bottom + region.top)


def on_canvas(box, photo_box):
    """A box in the photo's pixels, in canvas pixels where the photo is shown."""
    left, top, scale = photo_box
    return (left + box[0] * scale, top + box[1] * scale, left + box[2] * scale, top + box[3] * scale)
