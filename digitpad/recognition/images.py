"""Opening image files as upright greyscale pictures, with a clear error for anything else."""
import warnings
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from digitpad.i18n import _
from digitpad.recognition.weights import open_regular_file

MAX_SIDE = 1024  # larger photos are shrunk first: a digit needs no more


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
    try:
        file = open_regular_file(path, _("an image"))  # a named pipe or a device would hang
    except OSError as error:
        raise ImageError(error.strerror or _("{path}: cannot open ({error})").format(path=path, error=error)) from None
    try:
        with warnings.catch_warnings(), file:
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                return _normalise(image, path)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError):
        raise ImageError(_("{path} is too large to be a photo of a digit").format(path=path)) from None
    except Exception as error:  # Pillow's decoders raise OSError, EOFError, TypeError, RuntimeError, ...
        raise ImageError(_("{path} is not an image digitpad can read ({error})").format(
            path=path, error=_describe(error))) from None


def _describe(error):
    if isinstance(error, UnidentifiedImageError):  # Pillow's text names a file descriptor: "name=6"
        return _("unknown or damaged format")
    return str(error) or type(error).__name__

def _normalise(image, name):
    image.seek(0)
    # JPEG: decode greyscale at 1/2, 1/4 or 1/8 of the size, no smaller than MAX_SIDE: a 12 MP
    # photo in a tenth of the time. Before exif_transpose, which decodes the whole picture.
    image.draft("L", (MAX_SIDE, MAX_SIDE))
    if _may_be_turned(image):  # exif_transpose copies even an upright picture: 20 ms at 12 MP
        image = ImageOps.exif_transpose(image)
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = _sixteen_bit_to_grey(image)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    grey = image.convert("L")
    if grey.width < 1 or grey.height < 1:
        raise ImageError(_("{name} has no pixels").format(name=name))
    grey.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
    return grey


def _may_be_turned(image):
    """Whether the picture carries an orientation other than upright (getexif reads XMP's too)."""
    return image.getexif().get(ExifTags.Base.Orientation, 1) != 1


def _sixteen_bit_to_grey(image):
    pixels = np.asarray(image, dtype=np.float64)
    top = 65535.0 if pixels.max() > 255 else 255.0
    return Image.fromarray(np.clip(pixels * (255.0 / top), 0, 255).astype(np.uint8), "L")


def scaled_size(width, height, longest):
    """(width, height) scaled so that the longer side is `longest`, aspect kept, at least 1 px each."""
    scale = longest / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))
