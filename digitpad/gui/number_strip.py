"""The answer: the number read, each digit large with its confidence under it; a click chooses
the digit whose ten probabilities and 28x28 input are shown (and which a correction is about).

A number of any length stays whole in the strip's fixed size: its digits are drawn smaller until
they fit on one line; a longer number wraps onto a second line at a small size; a number too long
even for that (a page of digits in a photo) stays at that size on one line that scrolls (scrollbar,
mouse wheel) by whole digits: every column is as wide as the widest, the view shows a whole number
of them, and the view's left edge stops only between two (no digit is cut in half at an edge). The
chosen digit is always scrolled into view."""
import tkinter as tk
from tkinter import ttk

# point sizes of a digit and of its confidence, largest first: the largest at which the number fits
FONT_SIZES = ((40, 9), (30, 9), (22, 9), (16, 8), (12, 7), (10, 7))
MOST_LINES = 2  # more lines of digits this small would not be read as one number
SCROLLING_SIZES = (12, 7)  # a number too long to wrap: one line of these, scrolled
UNSURE_COLOUR, CORRECTED_COLOUR, CHOSEN_BACKGROUND = "#b00020", "#1e7b34", "#dde7f5"
PAD_X = 1  # px on each side of a digit's column


class NumberStrip(tk.Frame):
    """show(texts, confidences, chosen): one column per digit; on_choose(index) when one is clicked."""

    def __init__(self, master, on_choose, width, height, **options):
        super().__init__(master, width=width, height=height, **options)
        self.pack_propagate(False)  # a fixed size: the window keeps its size whatever the answer
        self._on_choose = on_choose
        self._columns = []
        self._shown = None  # the texts, confidences and doubts the columns show
        self._scrolls = False  # the digits are wider than the strip
        self._size = (width, height)
        background = self.cget("background")
        self._scrollbar = ttk.Scrollbar(self, orient="horizontal")
        self._view = tk.Canvas(self, highlightthickness=0, borderwidth=0, background=background,
                               xscrollcommand=self._scrollbar.set)
        self._scrollbar.configure(command=self._view.xview)
        self._view.pack(side="top", fill="both", expand=True)
        self._digits = tk.Frame(self._view, background=background)
        self._view.create_window(0, 0, window=self._digits, anchor="nw")
        self._wheel_tag = f"wheel{id(self)}"  # on every widget of the strip: the wheel scrolls it
        for sequence, step in (("<Button-4>", -1), ("<Button-5>", 1), ("<Shift-Button-4>", -1),
                               ("<Shift-Button-5>", 1)):
            self.bind_class(self._wheel_tag, sequence, lambda event, step=step: self._scroll(step))
        self.bind_class(self._wheel_tag, "<MouseWheel>", lambda event: self._scroll(-1 if event.delta > 0 else 1))
        for widget in (self._view, self._digits):
            self._add_wheel(widget)

    def _add_wheel(self, widget):
        widget.bindtags((self._wheel_tag, *widget.bindtags()))

    def _scroll(self, step):
        if self._scrolls:
            self._view.xview_scroll(step * 3, "units")

    def show(self, texts, confidences=(), chosen=None, unsure=()):
        """texts: each digit's text ("7", "?"); confidences: each one's, or () for none to show;
        unsure: whether each one's confidence is shown as doubtful."""
        shown = (list(texts), list(confidences), list(unsure))
        if shown == self._shown and self._columns:
            return self._choose(chosen)  # the same number: only the chosen digit changes
        self._shown = shown
        width, height = self._size
        for lines in range(1, MOST_LINES + 1):
            for digit_size, confidence_size in FONT_SIZES:
                if lines > 1 and digit_size > FONT_SIZES[3][0]:
                    continue  # large digits on two lines never fit
                self._build(texts, confidences, chosen, unsure, digit_size, confidence_size)
                if self._arrange(lines, width, height):
                    return self._scrolling(False, chosen)
        self._build(texts, confidences, chosen, unsure, *SCROLLING_SIZES)
        self._arrange(1, None, None)
        self._scrolling(True, chosen)

    def _build(self, texts, confidences, chosen, unsure, digit_size, confidence_size):
        for column in self._columns:
            column.destroy()
        self._columns = []
        background = self.cget("background")
        for index, text in enumerate(texts):
            colour = CHOSEN_BACKGROUND if index == chosen and len(texts) > 1 else background
            column = tk.Frame(self._digits, background=colour, cursor="hand2" if len(texts) > 1 else "")
            digit = tk.Label(column, text=text, font=("TkDefaultFont", digit_size, "bold"), background=colour,
                             pady=0, borderwidth=0)
            digit.pack()
            widgets = [column, digit]
            if confidences and len(texts) > 1:
                confidence = confidences[index]  # None: the user corrected this digit
                below = tk.Label(column, text="✓" if confidence is None else f"{confidence:.0%}", background=colour,
                                 padx=0, pady=0, borderwidth=0, font=("TkDefaultFont", confidence_size),
                                 foreground=CORRECTED_COLOUR if confidence is None
                                 else UNSURE_COLOUR if unsure and unsure[index] else "#555")
                below.pack()
                widgets.append(below)
            for widget in widgets:
                widget.bind("<Button-1>", lambda event, index=index: self._on_choose(index))
                self._add_wheel(widget)
            self._columns.append(column)
        self.update_idletasks()

    def _arrange(self, lines, width, height):
        """Grid the columns on `lines` lines, as many on each; False when they overflow width x height
        (None: no limit: one line of columns all as wide, to scroll by whole digits)."""
        count = len(self._columns)
        for index in range(self._digits.grid_size()[0]):
            self._digits.columnconfigure(index, uniform="digit" if width is None else "")
        per_line = -(-count // lines) if count else 1
        widest_line = max((sum(column.winfo_reqwidth() + 2 * PAD_X for column in self._columns[start:start + per_line])
                           for start in range(0, count, per_line)), default=0)
        tallest = max((column.winfo_reqheight() for column in self._columns), default=0)
        if width is not None and (widest_line > width or tallest * lines > height):
            return False
        for index, column in enumerate(self._columns):
            column.grid(row=index // per_line, column=index % per_line, padx=PAD_X, sticky="n")
            self._digits.columnconfigure(index % per_line, uniform="digit" if width is None else "")
        return True

    def _scrolling(self, on, chosen):
        """Show the scrollbar when the digits are wider than the strip, and the chosen digit in view."""
        self._scrolls = on
        if on:
            self._scrollbar.pack(side="bottom", fill="x", before=self._view)
            self.update_idletasks()
            step = self._digits.winfo_reqwidth() / max(1, len(self._columns))  # a column and its padding
            shown = max(1, int(self._size[0] // step))
            self._view.configure(width=round(shown * step), xscrollincrement=step)
            self._view.pack_configure(fill="y", anchor="w")
        else:
            self._scrollbar.pack_forget()
            self._view.configure(xscrollincrement=0)
            self._view.pack_configure(fill="both")
        self.update_idletasks()
        self._view.configure(scrollregion=(0, 0, self._digits.winfo_reqwidth(), self._digits.winfo_reqheight()))
        self._view.xview_moveto(0)
        if on and chosen is not None and 0 <= chosen < len(self._columns):
            self.show_digit(chosen)

    def _choose(self, chosen):
        """Mark the chosen digit (a number of several digits) and bring it into view."""
        for index, column in enumerate(self._columns):
            colour = CHOSEN_BACKGROUND if index == chosen and len(self._columns) > 1 else self.cget("background")
            for widget in (column, *column.winfo_children()):
                widget.configure(background=colour)
        if chosen is not None and 0 <= chosen < len(self._columns) and self._scrolls:
            self.show_digit(chosen)

    def show_digit(self, index):
        """Scroll the digit at index into view (a strip that does not scroll shows them all)."""
        column = self._columns[index]
        total = max(1, self._digits.winfo_reqwidth())
        shown = self._view.winfo_width()
        left = column.winfo_x()
        first = self._view.canvasx(0)
        if left < first or left + column.winfo_reqwidth() > first + shown:
            self._view.xview_moveto(max(0.0, left + column.winfo_reqwidth() / 2 - shown / 2) / total)

    def texts(self):
        """What is shown, digit by digit (for tests and screen readers)."""
        return [column.winfo_children()[0].cget("text") for column in self._columns]
