"""The drawing pad: a canvas that keeps the strokes it shows, or shows an opened photo."""
import tkinter as tk

from PIL import ImageOps, ImageTk

from digitpad.recognition.strokes import PAD_SIZE, PEN_WIDTH, recognition_image, render_strokes


class DrawingPad(tk.Canvas):
    """Left button draws round-capped black strokes; on_stroke() runs after each one."""

    def __init__(self, master, on_stroke, **options):
        super().__init__(master, width=PAD_SIZE, height=PAD_SIZE, background="white",
                         highlightthickness=0, borderwidth=0, cursor="pencil", **options)
        self.strokes = []  # lists of (x, y) in pad pixels, as drawn
        self.photo = None  # an opened picture (PIL image) shown instead of strokes
        self._on_stroke = on_stroke
        self._photo_tk = None
        self._items = []  # canvas items of each stroke, for Undo
        self.bind("<ButtonPress-1>", self._press)
        self.bind("<B1-Motion>", self._drag)
        self.bind("<ButtonRelease-1>", self._release)

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
        self.delete("all")
        self.strokes, self._items = [], []
        self.photo = self._photo_tk = None

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
        fitted = ImageOps.contain(image, (PAD_SIZE, PAD_SIZE))
        self._photo_tk = ImageTk.PhotoImage(fitted, master=self)
        self.create_image(PAD_SIZE // 2, PAD_SIZE // 2, image=self._photo_tk)

    def _press(self, event):
        if self.photo is not None:
            self.clear()
        point = (event.x, event.y)
        self.strokes.append([point])
        self._items.append([self._dot(point)])

    def _drag(self, event):
        if not self.strokes:
            return
        stroke, items = self.strokes[-1], self._items[-1]
        previous, point = stroke[-1], (event.x, event.y)
        if point == previous:
            return
        stroke.append(point)
        items.append(self.create_line(*previous, *point, width=PEN_WIDTH, fill="black",
                                      capstyle=tk.ROUND, joinstyle=tk.ROUND))

    def _release(self, event):
        if self.strokes:
            self._drag(event)
            self._on_stroke()

    def _dot(self, point):
        x, y, r = *point, PEN_WIDTH / 2
        return self.create_oval(x - r, y - r, x + r, y + r, fill="black", outline="")
