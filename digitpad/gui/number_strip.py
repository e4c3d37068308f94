"""The answer: the number read, each digit large with its confidence under it; a click chooses
the digit whose ten probabilities and 28x28 input are shown (and which a correction is about)."""
import tkinter as tk

# (up to this many digits: point sizes of the digits and of their confidences)
DIGIT_FONT_SIZES = ((2, (40, 9)), (4, (30, 9)), (6, (22, 9)), (99, (16, 8)))
UNSURE_COLOUR, CORRECTED_COLOUR, CHOSEN_BACKGROUND = "#b00020", "#1e7b34", "#dde7f5"


class NumberStrip(tk.Frame):
    """show(texts, confidences, chosen): one column per digit; on_choose(index) when one is clicked."""

    def __init__(self, master, on_choose, width, height, **options):
        super().__init__(master, width=width, height=height, **options)
        self.grid_propagate(False)  # a fixed size: the window keeps its size whatever the answer
        self._on_choose = on_choose
        self._columns = []

    def show(self, texts, confidences=(), chosen=None, unsure=()):
        """texts: each digit's text ("7", "?"); confidences: each one's, or () for none to show;
        unsure: whether each one's confidence is shown as doubtful. The digits are drawn smaller
        until they fit the strip, confidences and all."""
        first = next(index for index, (count, sizes) in enumerate(DIGIT_FONT_SIZES) if len(texts) <= count)
        for digit_size, confidence_size in [sizes for count, sizes in DIGIT_FONT_SIZES[first:]] + [(10, 7)]:
            self._show(texts, confidences, chosen, unsure, digit_size, confidence_size)
            self.update_idletasks()
            fits_across = sum(column.winfo_reqwidth() + 2 for column in self._columns) <= int(self.cget("width"))
            if fits_across and max(column.winfo_reqheight() for column in self._columns) <= int(self.cget("height")):
                return

    def _show(self, texts, confidences, chosen, unsure, digit_size, confidence_size):
        for column in self._columns:
            column.destroy()
        self._columns = []
        background = self.cget("background")
        for index, text in enumerate(texts):
            colour = CHOSEN_BACKGROUND if index == chosen and len(texts) > 1 else background
            column = tk.Frame(self, background=colour, cursor="hand2" if len(texts) > 1 else "")
            column.grid(row=0, column=index, padx=1, sticky="n")
            digit = tk.Label(column, text=text, font=("TkDefaultFont", digit_size, "bold"), background=colour)
            digit.pack()
            widgets = [column, digit]
            if confidences and len(texts) > 1:
                confidence = confidences[index]  # None: the user corrected this digit
                below = tk.Label(column, text="✓" if confidence is None else f"{confidence:.0%}", background=colour,
                                 padx=0, font=("TkDefaultFont", confidence_size),
                                 foreground=CORRECTED_COLOUR if confidence is None
                                 else UNSURE_COLOUR if unsure and unsure[index] else "#555")
                below.pack()
                widgets.append(below)
            for widget in widgets:
                widget.bind("<Button-1>", lambda event, index=index: self._on_choose(index))
            self._columns.append(column)

    def texts(self):
        """What is shown, digit by digit (for tests and screen readers)."""
        return [column.winfo_children()[0].cget("text") for column in self._columns]
