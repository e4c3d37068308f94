"""The drawing pad: a canvas that keeps the strokes it shows, or shows an opened photo.

Strokes are kept in pad units (the pad is PAD_SIZE units square) whatever size the canvas
has on the screen: the pad grows with the window and a drawing reads the same at any size.
"""
import tkinter as tk

from PIL import ImageOps, ImageTk

from digitpad.recognition.strokes import PAD_SIZE, PEN_WIDTH, recognition_image, render_strokes

MARGIN_COLOUR = "#d9d9d9"  # the canvas around the square pad when the window is not square


class DrawingPad(tk.Canvas):
    """Left button draws round-capped black strokes; on_stroke() runs after each one."""

    def __init__(self, master, on_stroke, **options):
        super().__init__(master, width=PAD_SIZE, height=PAD_SIZE, background=MARGIN_COLOUR,
                         highlightthickness=0, borderwidth=0, cursor="pencil", **options)
        self.strokes = []  # lists of (x, y) in pad units, as drawn
        self.photo = None  # an opened picture (PIL image) shown instead of strokes
        self._on_stroke = on_stroke
        self._photo_tk = None
        self._items = []  # canvas items of each stroke, for Undo
        self.scale, self.origin = 1.0, (0.0, 0.0)  # canvas pixels per pad unit; the pad's top left corner
        self.bind("<Configure>", self._resized)
        self.bind("<ButtonPress-1>", self._press)
        self.bind("<B1-Motion>", self._drag)
        self.bind("<ButtonRelease-1>", self._release)
        self._redraw()

    def image(self):
        """What the user sees, as a PIL image: the photo, or the strokes rendered exactly."""
        return self.photo if self.photo is not None else render_strokes(self.strokes)

    def recognition_image(self):
        """What is recognised and kept as a sample: the photo, or the strokes drawn with a pen
        thinner in proportion when the digit is small (strokes.recognition_image)."""
        return self.photo if self.photo is not None else recognition_image(self.strokes)

    def is_blank(self):
        return self.photo is None and not self.strokes

    def clear(self):
        self.strokes, self._items = [], []
        self.photo = self._photo_tk = None
        self._redraw()

    def undo(self):
        if self.photo is not None:
            self.clear()
        elif self.strokes:
            self.strokes.pop()
            for item in self._items.pop():
                self.delete(item)

    def show_photo(self, image):
        """Show a picture fitted to the pad; drawing again returns to an empty pad."""
        self.clear()
        self.photo = image
        self._redraw()

    # -- pad units and canvas pixels
    def _resized(self, event):
        self.scale = max(1, min(event.width, event.height)) / PAD_SIZE
        self.origin = ((event.width - PAD_SIZE * self.scale) / 2, (event.height - PAD_SIZE * self.scale) / 2)
        self._redraw()

    def _on_canvas(self, point):
        return (self.origin[0] + point[0] * self.scale, self.origin[1] + point[1] * self.scale)

    def _in_pad_units(self, event):
        return (round((event.x - self.origin[0]) / self.scale, 1), round((event.y - self.origin[1]) / self.scale, 1))

    def _redraw(self):
        self.delete("all")
        left, top = self.origin
        side = PAD_SIZE * self.scale
        self.create_rectangle(left, top, left + side, top + side, fill="white", outline="")
        if self.photo is not None:
            fitted = ImageOps.contain(self.photo, (max(1, round(side)), max(1, round(side))))
            self._photo_tk = ImageTk.PhotoImage(fitted, master=self)
            self.create_image(left + side / 2, top + side / 2, image=self._photo_tk)
        self._items = []
        for stroke in self.strokes:
            items = [self._dot(stroke[0])]
            items += [self._segment(a, b) for a, b in zip(stroke, stroke[1:])]
            self._items.append(items)

    # -- drawing
    def _press(self, event):
        if self.photo is not None:
            self.clear()
        point = self._in_pad_units(event)
        self.strokes.append([point])
        self._items.append([self._dot(point)])

    def _drag(self, event):
        if not self.strokes:
            return
        stroke, items = self.strokes[-1], self._items[-1]
        previous, point = stroke[-1], self._in_pad_units(event)
        if point == previous:
            return
        stroke.append(point)
        items.append(self._segment(previous, point))

    def _release(self, event):
        if self.strokes:
            self._drag(event)
            self._on_stroke()

    def _segment(self, a, b):
        return self.create_line(*self._on_canvas(a), *self._on_canvas(b), width=PEN_WIDTH * self.scale,
                                fill="black", capstyle=tk.ROUND, joinstyle=tk.ROUND, tags="ink")

    def _dot(self, point):
        (x, y), r = self._on_canvas(point), PEN_WIDTH * self.scale / 2
        return self.create_oval(x - r, y - r, x + r, y + r, fill="black", outline="", tags="ink")
