"""The answer: the number read, each digit large with its confidence under it; a click chooses
the digit whose ten probabilities and 28x28 input are shown (and which a correction is about)."""
import tkinter as tk

DIGIT_FONT_SIZES = ((2, 40), (4, 30), (6, 22), (99, 16))  # (up to this many digits, point size)
UNSURE_COLOUR, CHOSEN_BACKGROUND = "#b00020", "#dde7f5"


class NumberStrip(tk.Frame):
    """show(texts, confidences, chosen): one column per digit; on_choose(index) when one is clicked."""

    def __init__(self, master, on_choose, width, height, **options):
        super().__init__(master, width=width, height=height, **options)
        self.grid_propagate(False)  # a fixed size: the window keeps its size whatever the answer
        self._on_choose = on_choose
        self._columns = []

    def show(self, texts, confidences=(), chosen=None, unsure_below=0.0):
        """texts: each digit's text ("7", "?"); confidences: each one's, or () for none to show."""
        for column in self._columns:
            column.destroy()
        self._columns = []
        size = next(points for count, points in DIGIT_FONT_SIZES if len(texts) <= count)
        background = self.cget("background")
        for index, text in enumerate(texts):
            colour = CHOSEN_BACKGROUND if index == chosen and len(texts) > 1 else background
            column = tk.Frame(self, background=colour, cursor="hand2" if len(texts) > 1 else "")
            column.grid(row=0, column=index, padx=1, sticky="n")
            digit = tk.Label(column, text=text, font=("TkDefaultFont", size, "bold"), background=colour)
            digit.pack()
            widgets = [column, digit]
            if confidences and len(texts) > 1:
                confidence = confidences[index]
                below = tk.Label(column, text=f"{confidence:.0%}", background=colour, font=("TkDefaultFont", 9),
                                 foreground=UNSURE_COLOUR if confidence < unsure_below else "#555")
                below.pack()
                widgets.append(below)
            for widget in widgets:
                widget.bind("<Button-1>", lambda event, index=index: self._on_choose(index))
            self._columns.append(column)

    def texts(self):
        """What is shown, digit by digit (for tests and screen readers)."""
        return [column.winfo_children()[0].cget("text") for column in self._columns]
