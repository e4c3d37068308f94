"""From a picture of a handwritten digit to the 28x28 input the model expects.

Pure numpy + Pillow (recognising must not import TensorFlow). Two pipelines:
- tutorial_pixels: the tutorial's recipe exactly (resize to 28x28, grey, < 200 is ink);
- mnist_pixels: makes real handwriting look like MNIST first, the way MNIST itself
  was made: find the ink, fit it into a 20x20 box, centre it by its centre of mass;
  and it evens out the stroke width, which varies with the pen and the digit's size,
  and leaves out what is paper, not ink (paper.py): the desk around the sheet, the
  lines of ruled or squared paper.
"""
import numpy as np
from PIL import Image, ImageOps

from digitpad.i18n import _
from digitpad.recognition.images import BlankImageError, open_image, scaled_size
from digitpad.recognition.paper import border, find_desk, holds_writing, max_filter, paper_over
from digitpad.recognition.photo import ink_by_paper, stroke_width

INK_THRESHOLD = 200  # tutorial: a grey level below 200 is ink
SIZE = 28
BOX = 20  # MNIST fits each digit into 20x20, then centres it in 28x28
WORK_BOX = 80  # stroke widths are evened out at 4x the final size
MNIST_STROKE_WIDTH = 1.84  # median stroke_width() of MNIST test digits (ink > 127), in px at 28x28
MIN_CONTRAST = 32  # grey levels between the darkest and brightest: less is a flat picture...
CONTRAST_SIDE = 256  # ...shrunk to this size (noise averages out; a digit 3 % of its height still shows)
MIN_INK_PIXELS = 12  # less ink is no digit: a digit 14 px tall drawn with a 1 px pen has twice as much
SHADOW = 1 / 3  # a shadow seldom leaves paper darker than a third of its light; a dark background is
SMALL_SIDE = 64  # px: the paper's light and the desk around it are estimated in the picture shrunk to this
# The light of light ink: this percentile of the finer picture (256 px: 65 536 pixels, so 0.1 % is
# 65 of them, less than any stroke of a digit there; a few noisy pixels stay below it).
LIGHT_INK_PERCENTILE = 99.9


def tutorial_pixels(image):
    """The tutorial's preprocessing, vectorised: 28x28 floats, 1.0 where ink."""
    grey = np.asarray(image.resize((SIZE, SIZE), Image.LANCZOS).convert("L"))
    return (grey < INK_THRESHOLD).astype(np.float32)


def ink_mask(grey_image, one_digit=True):
    """Boolean mask of the digit's ink (one_digit False: of every digit written), at full resolution.

    A desk around the sheet of paper is painted over (unless it holds writing: then it is the
    sheet in a hard shadow, whose light photo.py divides out); light ink on dark paper (as in MNIST)
    is inverted first. Then the paper's light is estimated and divided out (photo.py): a dim,
    unevenly lit or shadowed photo keeps white paper, and on clean white paper this is the
    tutorial's "< 200"; the lines of ruled paper and what is not the digit are left out.
    """
    small = _shrink(grey_image)
    pixels = np.asarray(small)
    if is_flat(grey_image):  # one flat colour: no ink on it
        return np.zeros(grey_image.size[::-1], dtype=bool)
    darkest, brightest = np.percentile(pixels, [1, 99])
    # (a picture smaller than the shrunk one is a digit alone, not a photo of a sheet)
    desk = find_desk(pixels, brightest * INK_THRESHOLD / 255) if max(grey_image.size) >= SMALL_SIDE else None
    if desk is not None:
        if not holds_writing(grey_image, desk):  # (with writing it is the sheet in a shadow: left to photo.py)
            grey_image = paper_over(grey_image, desk)
    elif brightest - darkest >= MIN_CONTRAST and _dark_background(grey_image, pixels, darkest, brightest):
        grey_image = ImageOps.invert(grey_image)
    return ink_by_paper(np.asarray(grey_image), one_digit)


def _dark_background(grey_image, pixels, darkest, brightest):
    """Whether the picture's background is its dark side (light ink on a dark board or paper).

    Light ink is more than a speck: a small dark digit on bright paper leaves the brightest and
    darkest 1 % both paper; and a shadow over the sheet's edge leaves the edge brighter than a
    dark background. Thin light strokes are averaged away in the 64 px picture, so the ink's
    light is measured in the finer one."""
    edge = np.median(border(pixels))
    if edge >= (darkest + brightest) / 2:
        return False
    brightest = max(brightest, np.percentile(np.asarray(_shrink(grey_image, CONTRAST_SIDE)), LIGHT_INK_PERCENTILE))
    return edge < min((darkest + brightest) / 2, SHADOW * brightest)


def is_flat(grey_image):
    """One flat colour, whatever it is: there is no ink on it (a blank image), in both pipelines."""
    return np.ptp(np.asarray(_shrink(grey_image, CONTRAST_SIDE))) < MIN_CONTRAST


def _shrink(grey_image, side=SMALL_SIDE):
    return grey_image.resize(scaled_size(*grey_image.size, min(side, max(grey_image.size))), Image.BOX)


def frame(mask, box=None):
    """Crop the ink, even out the stroke width, fit the longer side into 20 px and
    centre by centre of mass in 28x28.

    With a box (left, top, right, bottom, in the mask's pixels), the digit is that box rather
    than its ink: the ink is cropped, or padded with blank, to it, and the box is centred (the
    centre of mass would be the part's, not the digit's): a digit partly cut off keeps the
    place and size of its visible part. The box always holds all of the ink."""
    if mask.sum() < MIN_INK_PIXELS:
        raise BlankImageError(_("no digit found: the image is blank"))
    ink = np.asarray(fit_mask(crop_to_ink(mask) if box is None else _in_box(mask, box), WORK_BOX)) >= 128
    if not ink.any():  # scattered specks, too thin to outlast the scaling: no strokes
        raise BlankImageError(_("no digit found: the image is blank"))
    ink = _normalise_stroke_width(ink)
    digit = np.asarray(fit_mask(ink if box is not None else crop_to_ink(ink), BOX), dtype=np.float32) / 255.0
    return centre_by_mass(digit) if box is None else _centred(digit)


def _in_box(mask, box):
    """The mask cropped, or padded with blank, to the box, widened to hold all its ink."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    left, top = min(box[0], cols[0]), min(box[1], rows[0])
    right, bottom = max(box[2], cols[-1] + 1), max(box[3], rows[-1] + 1)
    boxed = np.zeros((bottom - top, right - left), dtype=bool)
    (y0, y1), (x0, x1) = (max(0, top), min(mask.shape[0], bottom)), (max(0, left), min(mask.shape[1], right))
    boxed[y0 - top : y1 - top, x0 - left : x1 - left] = mask[y0:y1, x0:x1]
    return boxed


def _centred(digit):
    height, width = digit.shape
    out = np.zeros((SIZE, SIZE), dtype=np.float32)
    out[(SIZE - height) // 2 : (SIZE + height) // 2, (SIZE - width) // 2 : (SIZE + width) // 2] = digit
    return out


def crop_to_ink(mask):
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def fit_mask(mask, box):
    """Scale a mask so its longer side is `box` px (aspect kept), anti-aliased: an 'L' image."""
    height, width = mask.shape
    return Image.fromarray(mask.astype(np.uint8) * 255).resize(scaled_size(width, height, box), Image.LANCZOS)


def _normalise_stroke_width(ink):
    """Thicken thin pens and thin thick ones towards MNIST's stroke width (at WORK_BOX scale)."""
    radius = round((MNIST_STROKE_WIDTH * WORK_BOX / BOX - stroke_width(ink)) / 2)
    if radius == 0:
        return ink
    padded = np.pad(ink, abs(radius))
    if radius > 0:
        return max_filter(padded, 2 * radius + 1)
    thinner = ~max_filter(~padded, 2 * -radius + 1)
    return thinner if thinner.any() else padded


def centre_by_mass(digit):
    height, width = digit.shape
    total = digit.sum()
    cy = (digit.sum(axis=1) @ np.arange(height)) / total
    cx = (digit.sum(axis=0) @ np.arange(width)) / total
    top = int(np.clip(round(SIZE / 2 - 0.5 - cy), 0, SIZE - height))
    left = int(np.clip(round(SIZE / 2 - 0.5 - cx), 0, SIZE - width))
    out = np.zeros((SIZE, SIZE), dtype=np.float32)
    out[top : top + height, left : left + width] = digit
    return out


def mnist_pixels(image, framed=True):
    """The app's pipeline: any image of a digit -> 28x28 floats in 0..1, ink = 1.

    framed=False gives the tutorial's pipeline alone. Raises BlankImageError when
    there is no ink, ImageError when the image cannot be read.
    """
    grey = open_image(image)
    if not framed:
        pixels = tutorial_pixels(grey)
        if not pixels.any() or is_flat(grey):  # a flat dark picture is all "ink" to the tutorial
            raise BlankImageError(_("no digit found: the image is blank"))
        return pixels
    return frame(ink_mask(grey))
