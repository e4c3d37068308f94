import numpy as np
import pytest
from conftest import drawing
from PIL import Image, ImageDraw

from digitpad.recognition.images import BlankImageError, ImageError, open_image
from digitpad.recognition.preprocess import ink_mask, mnist_pixels, tutorial_pixels
from digitpad.recognition.strokes import render_strokes


def tutorial_loop(image):
    """The tutorial's code, verbatim in spirit: resize, grey, per-pixel threshold, /255."""
    img_arr = np.array(image.resize((28, 28), Image.LANCZOS).convert("L"))
    for i in range(28):
        for j in range(28):
            if img_arr[i][j] < 200:
                img_arr[i][j] = 255
            else:
                img_arr[i][j] = 0
    return img_arr / 255.0


def random_images(count, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        size = tuple(int(n) for n in rng.integers(20, 400, 2))
        mode = rng.choice(["L", "RGB"])
        channels = () if mode == "L" else (3,)
        yield Image.fromarray(rng.integers(0, 256, size[::-1] + channels).astype(np.uint8), mode)
        yield render_strokes([rng.uniform(10, 270, (int(rng.integers(2, 8)), 2)).tolist()])


def test_tutorial_pipeline_equals_the_tutorials_loop():
    for image in random_images(60):
        np.testing.assert_array_equal(tutorial_pixels(image), tutorial_loop(image))


def test_framing_makes_a_small_corner_digit_look_like_the_centred_one():
    centred = mnist_pixels(drawing(7))
    small = [[(x * 0.3 + 10, y * 0.3 + 180) for x, y in stroke] for stroke in [[(70, 50), (210, 50), (120, 240)]]]
    corner = mnist_pixels(render_strokes(small, pen=6))
    assert np.abs(centred - corner).mean() < 0.05
    # the tutorial's pipeline alone sees two very different pictures
    assert np.abs(tutorial_pixels(drawing(7)) - tutorial_pixels(render_strokes(small, pen=6))).mean() > 0.1


def test_framing_fits_into_20_box_centred_by_mass():
    pixels = mnist_pixels(drawing(1))
    rows, cols = np.flatnonzero(pixels.any(axis=1)), np.flatnonzero(pixels.any(axis=0))
    assert rows[-1] - rows[0] + 1 == 20
    assert cols[-1] - cols[0] + 1 <= 20
    mass_row = (pixels.sum(axis=1) @ np.arange(28)) / pixels.sum()
    mass_col = (pixels.sum(axis=0) @ np.arange(28)) / pixels.sum()
    assert abs(mass_row - 13.5) <= 1 and abs(mass_col - 13.5) <= 1
    assert pixels.min() >= 0 and pixels.max() <= 1


def test_no_frame_is_the_tutorial_pipeline():
    image = drawing(0)
    np.testing.assert_array_equal(mnist_pixels(image, framed=False), tutorial_pixels(image))


def test_clean_drawing_uses_the_tutorials_threshold():
    big = [[(4 * x, 4 * y) for x, y in stroke] for stroke in [[(60, 60), (220, 60), (120, 240)]]]
    antialiased = render_strokes(big, size=1120, pen=72).resize((280, 280), Image.LANCZOS)
    grey = np.asarray(antialiased)
    assert ((grey > 0) & (grey < 255)).sum() > 500  # plenty of grey edge pixels
    np.testing.assert_array_equal(ink_mask(antialiased), grey < 200)


def test_blank_image_is_reported_not_recognised():
    with pytest.raises(BlankImageError):
        mnist_pixels(Image.new("L", (280, 280), 255))
    with pytest.raises(BlankImageError):
        mnist_pixels(Image.new("L", (280, 280), 255), framed=False)


def test_transparent_png_with_black_strokes(tmp_path):
    rgba = Image.new("RGBA", (280, 280), (0, 0, 0, 0))  # transparent *black*: must not become ink
    ImageDraw.Draw(rgba).line([(140, 40), (140, 240)], fill=(0, 0, 0, 255), width=18)
    path = tmp_path / "one.png"
    rgba.save(path)
    opaque = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(opaque).line([(140, 40), (140, 240)], fill=0, width=18)
    np.testing.assert_array_equal(mnist_pixels(path), mnist_pixels(opaque))


def test_exif_rotation_is_applied(tmp_path):
    sideways = drawing(7).rotate(90, expand=True)  # as a phone camera stores it
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 clockwise to view
    path = tmp_path / "photo.jpg"
    sideways.convert("RGB").save(path, exif=exif, quality=95)
    assert np.abs(mnist_pixels(path) - mnist_pixels(drawing(7))).mean() < 0.05


def test_dim_unevenly_lit_photo_keeps_white_paper():
    ink = np.asarray(drawing(7), dtype=np.float32) / 255  # 0 ink, 1 paper
    light = np.linspace(0.25, 0.7, 280)[None, :] * np.ones((280, 1))  # dim, brighter to the right
    photo = Image.fromarray((255 * light * (0.2 + 0.8 * ink)).astype(np.uint8))
    assert (np.asarray(photo) < 200).mean() == 1.0  # the tutorial's threshold sees only ink
    mask = ink_mask(photo)
    truth = ink < 0.5
    assert (mask == truth).mean() > 0.98
    assert np.abs(mnist_pixels(photo) - mnist_pixels(drawing(7))).mean() < 0.05


def test_white_digit_on_black_is_inverted():
    inverted = Image.fromarray(255 - np.asarray(drawing(1)))
    np.testing.assert_allclose(mnist_pixels(inverted), mnist_pixels(drawing(1)), atol=1e-6)


@pytest.mark.parametrize("board, pen", [(80, 12), (60, 6), (30, 3)])
def test_thin_light_strokes_on_a_grey_board_are_inverted(board, pen):
    """White chalk on a grey board: thin strokes are averaged away in the 64 px picture, where
    the ink looked no lighter than a shadowed sheet, so the board was taken for paper."""
    chalk = Image.new("L", (600, 500), board)
    draw = ImageDraw.Draw(chalk)
    draw.line([(240, 130), (370, 130), (280, 380)], fill=255, width=pen, joint="curve")  # a 7
    on_paper = Image.new("L", (600, 500), 255)
    ImageDraw.Draw(on_paper).line([(240, 130), (370, 130), (280, 380)], fill=0, width=pen, joint="curve")
    assert np.abs(mnist_pixels(chalk) - mnist_pixels(on_paper)).mean() < 0.02


def test_unreadable_files_give_image_errors(tmp_path):
    (tmp_path / "notes.png").write_text("not an image")
    (tmp_path / "empty.jpg").write_bytes(b"")
    for path in [tmp_path / "notes.png", tmp_path / "empty.jpg", tmp_path / "missing.png", tmp_path]:
        with pytest.raises(ImageError, match=str(path.name)):
            open_image(path)
