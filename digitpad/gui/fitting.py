"""A picture fitted into a box for showing, keeping its proportions."""
from PIL import Image


def fitted(image, size):
    """image resized to fit within size (width, height), at least a pixel each way: a 1×5000 strip
    fitted into a view would otherwise be 0 px wide, which Tk and OpenCV cannot show."""
    scale = min(size[0] / image.width, size[1] / image.height)
    return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.LANCZOS)


def scale_of(original, shown):
    """How much smaller (or larger) shown is than original (the smaller of the two ratios: a side
    kept at its one pixel says nothing)."""
    return min(shown.width / original.width, shown.height / original.height)
