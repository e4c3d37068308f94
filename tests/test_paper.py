"""What is paper, not ink: the lines of ruled and squared paper, the desk around a sheet."""
import numpy as np
import pytest
from conftest import DRAWN_DIGITS, drawing
from PIL import Image, ImageDraw, ImageOps

from digitpad.recognition.paper import MIN_LINE_PART
from digitpad.recognition.preprocess import ink_mask, mnist_pixels
from digitpad.recognition.strokes import render_strokes


def on_lined_paper(image, spacing, squared=False, grey=150):
    """The drawing on ruled (or squared) paper: 2 px grey lines every `spacing` px."""
    paper = image.convert("L").copy()
    draw = ImageDraw.Draw(paper)
    for at in range(spacing // 2, paper.width, spacing):
        draw.line([(0, at), (paper.width, at)], fill=grey, width=2)
        if squared:
            draw.line([(at, 0), (at, paper.height)], fill=grey, width=2)
    return Image.fromarray(np.minimum(np.asarray(paper), np.asarray(image.convert("L"))))


@pytest.mark.parametrize("squared", [False, True])
def test_ruled_and_squared_paper_lines_are_not_ink(squared):
    for digit in (7, 0):
        plain = drawing(digit)
        lined = on_lined_paper(plain, 28, squared)
        assert (np.asarray(lined) < 200).mean() > (np.asarray(plain) < 200).mean() + 0.01  # the lines are dark enough
        mask, truth = ink_mask(lined), ink_mask(plain)
        assert (mask & ~truth).sum() < 0.04 * truth.sum()  # no line left: a few pixels where they meet strokes
        assert (truth & ~mask).sum() < 0.005 * truth.sum()  # strokes across the lines stay whole
        assert np.abs(mnist_pixels(lined) - mnist_pixels(plain)).mean() < 0.05


@pytest.mark.parametrize("angle", [-3, 2])
def test_lines_of_a_turned_photo_of_squared_paper_are_not_ink(angle):
    plain = drawing(7).resize((1000, 1000), Image.BILINEAR).rotate(angle, resample=Image.BILINEAR, fillcolor=255)
    lined = on_lined_paper(drawing(7), 28, squared=True).resize((1000, 1000), Image.BILINEAR)
    lined = lined.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
    mask, truth = ink_mask(lined), ink_mask(plain)
    assert (mask & ~truth).sum() < 0.05 * truth.sum()  # stubs, and dashes where lines leave the picture
    assert (truth & ~mask).sum() < 0.02 * truth.sum()
    assert np.abs(mnist_pixels(lined) - mnist_pixels(plain)).mean() < 0.06


@pytest.mark.parametrize("angle", [-7, 2, 5])
def test_lines_of_a_photo_taken_turned_are_not_ink_up_to_the_edges(angle):
    """The camera turned to the sheet: lines run across the whole photo, and near the top and
    bottom they leave it through those edges."""
    def photo(image):
        sheet = image.convert("L").resize((1400, 1400), Image.BILINEAR)
        return sheet.rotate(angle, resample=Image.BILINEAR).crop((200, 200, 1200, 1200))

    plain = ImageOps.expand(drawing(7), 60, fill=255)
    lined = on_lined_paper(plain, 28, squared=True)
    mask, truth = ink_mask(photo(lined)), ink_mask(photo(plain))
    assert (mask & ~truth).sum() < 0.05 * truth.sum()  # stubs where the lines meet strokes
    assert (truth & ~mask).sum() < 0.07 * truth.sum()  # the 7's bar runs along a line: their overlap goes
    assert np.abs(mnist_pixels(photo(lined)) - mnist_pixels(photo(plain))).mean() < 0.08


def test_long_strokes_are_not_taken_for_ruled_lines():
    bar = render_strokes([[(2, 140), (278, 140)]])  # pen 24 across the whole pad
    np.testing.assert_array_equal(ink_mask(bar), np.asarray(bar) < 200)
    thin = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(thin).line([(0, 139), (280, 139)], fill=0, width=2)  # a ruled line alone...
    ImageDraw.Draw(thin).line([(0, 0), (280, 0)], fill=0, width=2)  # ...and one along the edge
    assert not ink_mask(thin).any()


def test_turned_lines_that_leave_the_picture_through_an_edge_are_not_ink():
    sheet = Image.new("L", (400, 400), 255)
    for y in range(63, 400, 40):
        ImageDraw.Draw(sheet).line([(0, y), (400, y)], fill=120, width=2)
    photo = sheet.rotate(2, resample=Image.BILINEAR).crop((60, 60, 340, 340))
    top = np.asarray(photo)[:12] < 200
    assert top[:, 0].any() and not top[:, -1].any()  # the top line leaves through the top edge
    left = ink_mask(photo)
    assert not left[:140].any()  # it is gone...
    assert left.sum() <= 2 * MIN_LINE_PART * photo.width  # ...and at most a corner sliver is left of another


@pytest.mark.parametrize("digit", [1, 7, 0])
def test_bold_white_digit_on_black_is_not_taken_for_a_sheet_of_paper(digit):
    bold = render_strokes(DRAWN_DIGITS[digit], pen=70)  # its strokes a quarter of the picture wide
    inverted = Image.fromarray(255 - np.asarray(bold))
    np.testing.assert_allclose(mnist_pixels(inverted), mnist_pixels(bold), atol=1e-6)


def on_desk(image, desk_grey, size=500, at=(110, 60), angle=0.0):
    """A photo of the drawing on a sheet of off-white paper (235, ink 40) lying on a desk."""
    sheet = Image.fromarray((40 + 195 * (np.asarray(image.convert("L")) / 255.0)).astype(np.uint8))
    shape = Image.new("L", sheet.size, 255).rotate(angle, expand=True)
    sheet = sheet.rotate(angle, resample=Image.BILINEAR, expand=True)
    photo = Image.new("L", (size, size), desk_grey)
    photo.paste(sheet, at, shape)
    return photo


@pytest.mark.parametrize("desk_grey, angle", [(60, 0), (160, 0), (90, 8)])
def test_the_desk_around_a_sheet_of_paper_is_not_ink(desk_grey, angle):
    for digit in (7, 0):
        photo, sheet_alone = on_desk(drawing(digit), desk_grey, angle=angle), on_desk(drawing(digit), 235, angle=angle)
        assert np.abs(mnist_pixels(photo) - mnist_pixels(sheet_alone)).mean() < 0.05


def test_a_strip_of_desk_thinner_than_the_search_sees_is_not_ink():
    photo = on_desk(drawing(7), 60, size=300, at=(3, 15))  # 3 px of desk on the left, 17 on the right
    assert np.abs(mnist_pixels(photo) - mnist_pixels(drawing(7))).mean() < 0.05


def test_a_sheet_partly_in_shadow_on_a_desk_keeps_only_its_ink():
    sheet = np.asarray(on_desk(drawing(7), 235, size=280, at=(0, 0)), dtype=np.float32)
    sheet[:, :120] *= np.linspace(0.6, 1.0, 120)[None, :]  # the left edge in the shadow of a hand
    photo = np.full((400, 400), 80.0)
    photo[60:340, 60:340] = sheet
    photo = Image.fromarray(photo.astype(np.uint8))
    assert np.abs(mnist_pixels(photo) - mnist_pixels(drawing(7))).mean() < 0.05


def in_hard_shadow(image, size=900, at=(520, 560), scale=0.5, light=0.5):
    """A photo of the drawing (shrunk by `scale`) on paper (225, ink 30), a hard-edged shadow
    (the paper `light` times as bright) over the lower right of the sheet, with the digit in it."""
    digit = image.convert("L").resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    paper = np.full((size, size), 255.0)
    paper[at[1] : at[1] + digit.height, at[0] : at[0] + digit.width] = np.asarray(digit)
    ys, xs = np.mgrid[0:size, 0:size]
    shadow = (xs + 0.1 * ys) > 0.5 * size  # a straight edge across the sheet from top to bottom
    pixels = (30 + 195 * paper / 255) * np.where(shadow, light, 1.0)
    return Image.fromarray(pixels.astype(np.uint8))


@pytest.mark.parametrize("digit", [7, 0])
def test_a_digit_in_a_hard_shadow_over_part_of_the_sheet_is_kept(digit):
    """The shadow reaches the picture's edge in a sharp edge, as a desk does, but it holds
    writing: it is paper in shadow, divided out with the light, not painted over."""
    photo, lit = in_hard_shadow(drawing(digit)), in_hard_shadow(drawing(digit), light=1.0)
    assert np.abs(mnist_pixels(photo) - mnist_pixels(lit)).mean() < 0.06  # (a pixel's shift of the framing)


def test_a_desk_with_nothing_on_it_is_still_painted_over():
    photo = in_hard_shadow(drawing(7), at=(100, 300))  # the digit on the lit paper, the "shadow" bare
    assert np.abs(mnist_pixels(photo) - mnist_pixels(in_hard_shadow(drawing(7), at=(100, 300), light=1.0))).mean() < 0.03
