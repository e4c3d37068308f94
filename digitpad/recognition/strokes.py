"""Drawing strokes as an image: the drawing pad's own picture of what is on screen."""
from PIL import Image, ImageDraw

PAD_SIZE = 280
PEN_WIDTH = 24  # px on the 280 px pad: MNIST-like strokes (benchmarks/pen_width.py, README)
FULL_SIZE = 0.7 * PAD_SIZE  # the digit size PEN_WIDTH was chosen for: 70% of the pad
MIN_PEN = 2  # px: a tiny digit still gets strokes the framing can measure


def render_strokes(strokes, size=PAD_SIZE, pen=PEN_WIDTH):
    """Black round-capped strokes on a white 'L' image; strokes are lists of (x, y) points."""
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    radius = pen / 2
    for stroke in strokes:
        points = [tuple(map(float, point)) for point in stroke]
        if len(points) > 1:
            draw.line(points, fill=0, width=pen, joint="curve")
        for x, y in (points[0], points[-1]) if points else ():
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
    return image


def recognition_pen(strokes):
    """The pen width a drawing is recognised with: the pad's pen on a full-size digit,
    proportionally thinner on a smaller one."""
    points = [point for stroke in strokes for point in stroke]
    if not points:
        return PEN_WIDTH
    xs, ys = [x for x, _ in points], [y for _, y in points]
    side = max(max(xs) - min(xs), max(ys) - min(ys))
    return max(MIN_PEN, min(PEN_WIDTH, round(PEN_WIDTH * side / FULL_SIZE)))


def recognition_image(strokes):
    """The strokes drawn again for recognising them: a small digit drawn with the pad's pen
    fills its loops (an 8 becomes a blob); drawn with a pen thinner in proportion, it keeps them."""
    return render_strokes(strokes, pen=recognition_pen(strokes))


def pixels_from_strokes(strokes):
    """What the network sees for a drawing on the pad: 28x28 floats in 0..1, ink = 1
    (raises BlankImageError when there is no ink)."""
    from digitpad.recognition.preprocess import mnist_pixels

    return mnist_pixels(recognition_image(strokes))
