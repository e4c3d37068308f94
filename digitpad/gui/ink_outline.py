"""The ink that the photo path found, outlined on the photo: a wrong answer explains itself
(a shadow taken for ink, a stroke lost to the paper's grain, a line left in)."""
import numpy as np
from PIL import Image

from digitpad.gui.fitting import fitted

OUTLINE_RGB = (230, 40, 20)  # red-orange: seen on white paper, on grey ink and on the pad's blue boxes
OUTLINE_WIDTH = 1  # px at the size shown: a wider line hides thin strokes
FADE = 0.5  # the photo is shown this much lighter: black ink turns grey and its outline stands out


def outlined(grey, mask, size):
    """The grey picture fitted into size (width, height), faded, with the outline of each piece
    of ink in mask (boolean, the picture's shape) drawn over it in colour."""
    import cv2  # (imported when a photo is read: the window starts without it)

    picture = fitted(grey, size)
    scale = np.array([picture.width / grey.width, picture.height / grey.height])
    contours, _hierarchy = cv2.findContours(mask.astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    # from the centres of the photo's pixels to the centres of the fitted picture's
    outlines = [np.round((contour + 0.5) * scale - 0.5).astype(np.int32) for contour in contours]
    rgb = np.array(picture.convert("RGB"))
    rgb = (rgb * (1 - FADE) + 255 * FADE).astype(np.uint8)
    cv2.polylines(rgb, outlines, isClosed=True, color=OUTLINE_RGB, thickness=OUTLINE_WIDTH, lineType=cv2.LINE_8)
    return Image.fromarray(rgb, "RGB")
