"""Drawing strokes as an image: the drawing pad's own picture of what is on screen."""
from PIL import Image, ImageDraw

PAD_SIZE = 280
PEN_WIDTH = 24  # px on the 280 px pad: MNIST-like strokes (benchmarks/pen_width.py, README)


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
