"""From a picture of a handwritten digit to the 28x28 input the model expects.

Pure numpy + Pillow (recognising must not import TensorFlow). Two pipelines:
- tutorial_pixels: the tutorial's recipe exactly (resize to 28x28, grey, < 200 is ink);
- mnist_pixels: makes real handwriting look like MNIST first, the way MNIST itself
  was made: find the ink, fit it into a 20x20 box, centre it by its centre of mass;
  and it evens out the stroke width, which varies with the pen and the digit's size,
  and leaves out the lines of ruled or squared paper.
"""
import warnings
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image, ImageOps

INK_THRESHOLD = 200  # tutorial: a grey level below 200 is ink
SIZE = 28
BOX = 20  # MNIST fits each digit into 20x20, then centres it in 28x28
WORK_BOX = 80  # stroke widths are evened out at 4x the final size
MNIST_STROKE_WIDTH = 1.84  # median stroke_width() of MNIST test digits (ink > 127), in px at 28x28
MAX_SIDE = 1024  # larger photos are shrunk first: a digit needs no more
MIN_CONTRAST = 32  # grey levels between the darkest and brightest 1%: less is a flat picture
MIN_INK_FRACTION = 0.0005  # less ink than this is a blank image, not a digit
LINE_SPAN = 0.9  # a ruled line is ink across nearly the whole picture...
LINE_EDGE = 0.2  # (its anti-aliased edges: rows next to it with ink across a fifth of it)
MAX_LINE_WIDTH = 0.02  # ...and thin: at most this share of the picture's height (2 px at least)
MAX_LINE_TILT = 3.0  # degrees: a photo of lined paper is rarely taken straighter than this
LINE_SEARCH_SIDE = 280  # px: lines are looked for in the picture shrunk to this size at most


class ImageError(ValueError):
    """An image that cannot be used, with a message fit for the user."""


class BlankImageError(ImageError):
    """The image holds no ink: there is no digit to recognise."""


def open_image(source):
    """Open a path or a PIL image as an upright greyscale 'L' image of dark ink on light paper.

    Applies EXIF orientation, takes the first frame of an animation, puts transparency
    on white, scales 16-bit grey to 8 bits and shrinks very large photos.
    """
    if isinstance(source, Image.Image):
        return _normalise(source, "image")
    path = Path(source)
    if path.is_dir():
        raise ImageError(f"{path} is a folder, not an image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return _normalise(image, path)
    except FileNotFoundError:
        raise ImageError(f"{path} does not exist") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"{path} is too large to be a photo of a digit") from None
    except (OSError, SyntaxError, ValueError) as error:  # what Pillow raises for bad files
        raise ImageError(f"{path} is not an image digitpad can read ({error})") from None


def _normalise(image, name):
    image.seek(0)
    image = ImageOps.exif_transpose(image)
    image.draft("L", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced size, fast
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = _sixteen_bit_to_grey(image)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    grey = image.convert("L")
    if grey.width < 1 or grey.height < 1:
        raise ImageError(f"{name} has no pixels")
    grey.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
    return grey


def _sixteen_bit_to_grey(image):
    pixels = np.asarray(image, dtype=np.float64)
    top = 65535.0 if pixels.max() > 255 else 255.0
    return Image.fromarray(np.clip(pixels * (255.0 / top), 0, 255).astype(np.uint8), "L")


def tutorial_pixels(image):
    """The tutorial's preprocessing, vectorised: 28x28 floats, 1.0 where ink."""
    grey = np.asarray(image.resize((SIZE, SIZE), Image.LANCZOS).convert("L"))
    return (grey < INK_THRESHOLD).astype(np.float32)


def ink_mask(grey_image):
    """Boolean mask of the ink, at full resolution.

    Paper brightness is estimated locally and divided out, so a dim or unevenly lit
    photo keeps white paper; on clean white paper this is the tutorial's "< 200".
    Light ink on dark paper (as in MNIST) is inverted first.
    """
    small = _shrink(grey_image)
    pixels = np.asarray(small)
    darkest, brightest = np.percentile(pixels, [1, 99])
    if brightest - darkest < MIN_CONTRAST:  # one flat colour: no ink on it
        return np.zeros(grey_image.size[::-1], dtype=bool)
    if np.median(_border(pixels)) < (darkest + brightest) / 2:  # the background is the dark side
        grey_image, small = ImageOps.invert(grey_image), ImageOps.invert(small)
    grey = np.asarray(grey_image)
    paper = max_filter(np.asarray(small), 13)  # the brightest nearby: paper, not ink
    if paper.min() < 255:  # not clean white paper everywhere: even out the light
        paper = np.asarray(Image.fromarray(paper).resize(grey_image.size, Image.BILINEAR), dtype=np.float32)
        grey = grey * (255.0 / np.maximum(paper, 32.0))
    return without_ruled_lines(grey < INK_THRESHOLD)


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
    scale = LINE_SEARCH_SIDE / max(height, width)
    if scale >= 1:
        return mask & ~_uncrossed_lines(mask)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
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
    counted along the turn as (top, bottom), bottom exclusive; None when there are none."""
    height, width = mask.shape
    if mask.any(axis=0).mean() < LINE_SPAN:  # many columns without ink: nothing runs across
        return None
    ys, xs = np.nonzero(mask)
    step = np.degrees(np.arctan(0.5 / width))  # half a pixel across the picture
    best = None
    for angle in np.arange(-MAX_LINE_TILT, MAX_LINE_TILT + step / 2, step):
        offset = np.round(np.arange(width) * np.tan(np.radians(angle))).astype(int)
        offset -= offset.max()  # so that row - offset >= 0
        counts = np.bincount(ys - offset[xs], minlength=height - offset.min())
        if best is None or counts.max() > best[1].max():
            best = offset, counts
    offset, counts = best
    fill = counts / width
    bands = []
    for top, bottom in _runs(fill >= LINE_SPAN):
        if bottom - top > max(2, MAX_LINE_WIDTH * height):
            continue  # a stroke, not a ruled line
        top -= bool(top > 0 and fill[top - 1] >= LINE_EDGE)  # the line's anti-aliased edges
        bottom += bool(bottom < len(fill) and fill[bottom] >= LINE_EDGE)
        bands.append((top, bottom))
    return (offset, bands) if bands else None


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


def _shrink(grey_image, side=64):
    scale = min(1.0, side / max(grey_image.size))
    width, height = grey_image.size
    return grey_image.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.BOX)


def _border(pixels):
    return np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])


def frame(mask):
    """Crop the ink, even out the stroke width, fit the longer side into 20 px and
    centre by centre of mass in 28x28."""
    if mask.sum() < max(1, MIN_INK_FRACTION * mask.size):
        raise BlankImageError("no digit found: the image is blank")
    ink = np.asarray(fit_mask(crop_to_ink(mask), WORK_BOX)) >= 128
    if not ink.any():  # scattered specks, too thin to outlast the scaling: no strokes
        raise BlankImageError("no digit found: the image is blank")
    ink = crop_to_ink(_normalise_stroke_width(ink))
    digit = np.asarray(fit_mask(ink, BOX), dtype=np.float32) / 255.0
    return centre_by_mass(digit)


def crop_to_ink(mask):
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def fit_mask(mask, box):
    """Scale a mask so its longer side is `box` px (aspect kept), anti-aliased: an 'L' image."""
    height, width = mask.shape
    scale = box / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return Image.fromarray(mask.astype(np.uint8) * 255).resize(size, Image.LANCZOS)


def stroke_width(mask):
    """Mean stroke width in px: ink area over half its outline."""
    mask = np.pad(mask, 1)  # ink touching the edge has an outline there too
    outline = np.count_nonzero(mask[1:] != mask[:-1]) + np.count_nonzero(mask[:, 1:] != mask[:, :-1])
    return 2.0 * np.count_nonzero(mask) / max(outline, 1)


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
        if not pixels.any():
            raise BlankImageError("no digit found: the image is blank")
        return pixels
    return frame(ink_mask(grey))
