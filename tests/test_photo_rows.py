"""Photos of the kinds the photo benchmark's worst rows are made of (squared paper, bold pens):
the ink found is the digit's strokes, whole, and not the paper's lines."""
import cv2
import numpy as np
import pytest
from PIL import Image

from digitpad.recognition.photo import half_as_dark
from digitpad.recognition.preprocess import ink_mask


def squared_paper(size, spacing, angle, darkness=0.22, line=3, paper=225.0):
    """Grey squared paper, its lines `darkness` darker than the paper, turned by `angle` degrees."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    picture = np.full((size, size), paper, np.float32)
    for turn in (angle, angle + 90):
        along = ys * np.cos(np.radians(turn)) - xs * np.sin(np.radians(turn))
        picture *= np.where(np.abs(along % spacing - spacing / 2) < line / 2, 1 - darkness, 1)
    return picture


def with_ring(picture, axes, thickness, ink=25.0):
    """The picture with a dark ring (a 0) in its middle, and where the ring's stroke is."""
    stroke = np.zeros(picture.shape, np.uint8)
    centre = (picture.shape[1] // 2, picture.shape[0] // 2)
    cv2.ellipse(stroke, centre, axes, 0, 0, 360, 255, thickness, cv2.LINE_AA)
    alpha = stroke / 255.0
    photo = Image.fromarray(np.clip(picture * (1 - alpha) + ink * alpha, 0, 255).astype(np.uint8))
    return photo, stroke > 127


def found(photo, stroke, thickness):
    """How much of the stroke the ink mask holds, and how much of the mask is far from it."""
    mask = ink_mask(photo)
    near = cv2.dilate(stroke.astype(np.uint8), np.ones((2 * thickness + 1,) * 2, np.uint8)) > 0
    return np.count_nonzero(mask & stroke) / np.count_nonzero(stroke), np.count_nonzero(mask & ~near) / max(
        np.count_nonzero(mask), 1)


@pytest.mark.parametrize("spacing, angle", [(150, 20), (120, -35)])
def test_a_bold_digit_wider_than_the_first_square_is_found_whole(spacing, angle):
    # strokes 90 px wide in a 600 px picture: the first closing (75 px) takes them for paper and
    # finds only the crossings of the paper's lines
    photo, stroke = with_ring(squared_paper(600, spacing, angle), (150, 220), 90)
    whole, stray = found(photo, stroke, 90)
    assert whole > 0.9 and stray < 0.1


@pytest.mark.parametrize("size, spacing, angle, axes, thickness", [(600, 60, 20, (60, 100), 5),
                                                                    (800, 100, 30, (90, 150), 12)])
def test_the_lines_of_squared_paper_do_not_cut_the_strokes_they_cross(size, spacing, angle, axes, thickness):
    photo, stroke = with_ring(squared_paper(size, spacing, angle), axes, thickness)
    whole, stray = found(photo, stroke, thickness)
    assert whole > 0.9 and stray < 0.25


def test_a_faint_line_is_cut_off_a_dark_stroke_but_kept_alone():
    darkness = np.zeros((200, 400), np.float32)
    darkness[90:110, 40:60] = 0.9  # a stroke
    darkness[99:101, :] = np.maximum(darkness[99:101, :], 0.22)  # a paper line through it, across the picture
    dark = half_as_dark(darkness, 61)
    assert dark[90:110, 40:60].all()  # the stroke whole
    assert not dark[99:101, 60:80].any()  # the line beside it cut off
    assert dark[99:101, 200:].all()  # the line far from it kept (for the paper-line rules to judge)
