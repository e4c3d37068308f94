"""The drawing pad: a canvas that keeps the strokes it shows, or shows an opened photo on which
a rectangle dragged around a digit chooses the part to read (region.py).

Strokes are kept in pad units (the pad is PAD_SIZE units high, and as wide as the window gives
it, for a number of several digits) whatever size the canvas has on the screen: the pad grows
with the window and a drawing reads the same at any size; up to MOST_SCALE canvas pixels a unit
only: a pad taller than that has more units (room for more digits, each written at the size of
the hand), so the pen never grows wider than MOST_SCALE times PEN_WIDTH pixels. Recognition
frames each digit by its strokes (pad_numbers.inside_pad), wherever on the pad it is written.
"""
import math
import tkinter as tk

from PIL import ImageTk

from digitpad.gui.fitting import fitted, scale_of
from digitpad.gui.region import on_canvas
from digitpad.recognition.pad_numbers import inside_pad
from digitpad.recognition.strokes import PAD_SIZE, PEN_WIDTH, recognition_image, render_strokes

WIDTH = 480  # px asked for at the start: room for a number of several digits
MOST_SCALE = 1.5  # canvas px per pad unit at most: the window as it opens has about 1.35 (a 377 px pad)
BOX_COLOUR, CHOSEN_BOX_COLOUR = "#9db4d0", "#1f6fd1"  # the digits found, the one shown in the bars
REGION_COLOUR = "#e07a00"  # the part of a photo chosen: amber, apart from the digits' blue boxes


class DrawingPad(tk.Canvas):
    """Left button draws round-capped black strokes; on_stroke() runs after each one. On an opened
    photo it drags a rectangle instead: on_region(start, end) runs with its corners in canvas px."""

    def __init__(self, master, on_stroke, on_region=lambda start, end: None, **options):
        super().__init__(master, width=WIDTH, height=PAD_SIZE, background="white",
                         highlightthickness=0, borderwidth=0, cursor="pencil", **options)
        self.strokes = []  # lists of (x, y) in pad units, as drawn
        self.photo = None  # an opened picture (PIL image) shown instead of strokes
        self._on_stroke = on_stroke
        self._on_region = on_region
        self.region = None  # the part of the photo chosen (region.Region); None: all of it
        self._band_start = None  # where the rectangle being dragged on the photo started (canvas px)
        self._photo_tk = None
        self._items = []  # canvas items of each stroke, for Undo
        self.scale = 1.0  # canvas pixels per pad unit
        self.photo_box = (0.0, 0.0, 1.0)  # where the photo is shown: left, top, canvas pixels per photo pixel
        self._boxes = ((), None)  # the digits' boxes shown, and which one is chosen
        self.bind("<Configure>", self._resized)
        self.bind("<ButtonPress-1>", self._press)
        self.bind("<B1-Motion>", self._drag)
        self.bind("<ButtonRelease-1>", self._release)
        self._redraw()

    def image(self):
        """What the user sees, as a PIL image: the photo, or the strokes rendered exactly."""
        if self.photo is not None:
            return self.photo
        width, height = (max(PAD_SIZE, math.ceil(side)) for side in self.size_in_units())  # the whole pad shown
        return render_strokes(self.strokes, size=max(width, height)).crop((0, 0, width, height))

    def recognition_image(self):
        """What is recognised and kept as a sample: the photo (the part chosen), or the strokes drawn with a pen
        thinner in proportion when the digit is small (strokes.recognition_image)."""
        if self.photo is None:
            return recognition_image(inside_pad(self.strokes))  # (a digit written low on a tall pad: moved up)
        return self.photo if self.region is None else self.photo.crop(self.region.box)

    def is_blank(self):
        return self.photo is None and not self.strokes

    def clear(self):
        self.strokes, self._items, self._boxes = [], [], ((), None)
        self.photo = self._photo_tk = self.region = self._band_start = None
        self._fit_scale(self.winfo_width(), self.winfo_height())  # a drawing kept in view no longer shrinks the pad
        self._redraw()

    def undo(self):
        """Take back the last stroke; True if there was one (an opened photo is never undone: Clear closes it)."""
        if self.photo is not None or not self.strokes:
            return False
        self.strokes.pop()
        for item in self._items.pop():
            self.delete(item)
        return True

    def show_photo(self, image):
        """Show a picture fitted to the pad, all of it chosen; Clear returns to an empty pad."""
        self.clear()
        self.photo = image
        self._redraw()

    def show_region(self, region):
        """Mark the part of the photo chosen (a region.Region), or none (None: all of it)."""
        self.region = region
        self.delete("region")
        if self.photo is not None and region is not None:
            self.create_rectangle(*on_canvas(region.box, self.photo_box), outline=REGION_COLOUR, width=2,
                                  tags="region")

    def show_boxes(self, boxes, chosen=None):
        """Frame the digits found: boxes (left, top, right, bottom) in pad units, or in the photo's pixels."""
        self._boxes = (tuple(boxes), chosen)
        self.delete("boxes")
        for index, box in enumerate(boxes):
            if self.photo is not None:
                corners = on_canvas(box, self.photo_box)
            else:
                corners = (*self._on_canvas(box[:2]), *self._on_canvas(box[2:]))
            self.create_rectangle(*corners, outline=CHOSEN_BOX_COLOUR if index == chosen else BOX_COLOUR,
                                  width=2, dash=() if index == chosen else (4, 3), tags="boxes")

    def size_in_units(self):
        return self.winfo_width() / self.scale, self.winfo_height() / self.scale

    # -- pad units and canvas pixels
    def _resized(self, event):
        self._fit_scale(event.width, event.height)
        self._redraw()

    def _fit_scale(self, width, height):
        """PAD_SIZE units high, MOST_SCALE at most (see the module's docstring); and never so large that a
        stroke drawn on a larger pad falls outside it: what is read stays in view (smaller) until Clear."""
        scale = min(max(1, height) / PAD_SIZE, MOST_SCALE)
        if self.strokes:
            # (a pen's width of room: the ink's round ends and the digit's box inside the pad)
            right = max(x for stroke in self.strokes for x, _y in stroke) + PEN_WIDTH
            bottom = max(y for stroke in self.strokes for _x, y in stroke) + PEN_WIDTH
            scale = min(scale, max(1, width) / max(right, PEN_WIDTH), max(1, height) / max(bottom, PEN_WIDTH))
        self.scale = scale

    def _on_canvas(self, point):
        return (point[0] * self.scale, point[1] * self.scale)

    def _in_pad_units(self, event):
        return (round(event.x / self.scale, 1), round(event.y / self.scale, 1))

    def _redraw(self):
        self.delete("all")
        if self.photo is not None:
            width, height = max(1, self.winfo_width()), max(1, self.winfo_height())
            shown = fitted(self.photo, (width, height))
            self._photo_tk = ImageTk.PhotoImage(shown, master=self)
            self.create_image(width / 2, height / 2, image=self._photo_tk)
            self.photo_box = ((width - shown.width) / 2, (height - shown.height) / 2, scale_of(self.photo, shown))
        self.configure(cursor="pencil" if self.photo is None else "crosshair")
        self._items = []
        for stroke in self.strokes:
            items = [self._dot(stroke[0])]
            items += [self._segment(a, b) for a, b in zip(stroke, stroke[1:])]
            self._items.append(items)
        self.show_region(self.region)
        self.show_boxes(*self._boxes)

    # -- drawing
    def _press(self, event):
        if self.photo is not None:  # a rectangle around a digit of the photo
            self._band_start = (event.x, event.y)
            self.delete("band")
            self.create_rectangle(event.x, event.y, event.x, event.y, outline=REGION_COLOUR, width=2, dash=(6, 4),
                                  tags="band")
            return
        self.show_boxes(())
        point = self._in_pad_units(event)
        self.strokes.append([point])
        self._items.append([self._dot(point)])

    def _drag(self, event):
        if self._band_start is not None:
            self.coords("band", *self._band_start, event.x, event.y)
            return
        if not self.strokes:
            return
        stroke, items = self.strokes[-1], self._items[-1]
        previous, point = stroke[-1], self._in_pad_units(event)
        if point == previous:
            return
        stroke.append(point)
        items.append(self._segment(previous, point))

    def _release(self, event):
        if self._band_start is not None:
            start, self._band_start = self._band_start, None
            self.delete("band")
            self._on_region(start, (event.x, event.y))
        elif self.strokes:
            self._drag(event)
            self._on_stroke()

    def cancel_band(self):
        """Drop a rectangle being dragged (Escape during the drag); True if there was one."""
        if self._band_start is None:
            return False
        self._band_start = None
        self.delete("band")
        return True

    def _segment(self, a, b):
        return self.create_line(*self._on_canvas(a), *self._on_canvas(b), width=PEN_WIDTH * self.scale,
                                fill="black", capstyle=tk.ROUND, joinstyle=tk.ROUND, tags="ink")

    def _dot(self, point):
        (x, y), r = self._on_canvas(point), PEN_WIDTH * self.scale / 2
        return self.create_oval(x - r, y - r, x + r, y + r, fill="black", outline="", tags="ink")
