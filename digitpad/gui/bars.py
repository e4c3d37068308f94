"""Ten labelled horizontal bars: the probability of each digit."""
import tkinter as tk

ROW = 24
LABEL_WIDTH = 24
BAR_LENGTH = 180
TEXT_WIDTH = 64
COLOURS = {"bar": "#9db4d0", "winner": "#1f6fd1", "track": "#eef1f5"}


class ProbabilityBars(tk.Canvas):
    def __init__(self, master, on_choose, **options):
        """on_choose(digit) runs when the user clicks a digit's row: "this is the right answer"."""
        super().__init__(master, width=LABEL_WIDTH + BAR_LENGTH + TEXT_WIDTH, height=10 * ROW,
                         highlightthickness=0, cursor="hand2", **options)
        self.bind("<Button-1>", lambda event: on_choose(min(9, max(0, int(event.y // ROW)))))
        self.values = None
        self._bars, self._texts = [], []
        for digit in range(10):
            top = digit * ROW + 3
            self.create_text(LABEL_WIDTH / 2, top + ROW / 2 - 3, text=str(digit), font=("TkDefaultFont", 11, "bold"))
            self.create_rectangle(LABEL_WIDTH, top, LABEL_WIDTH + BAR_LENGTH, top + ROW - 6,
                                  fill=COLOURS["track"], outline="")
            self._bars.append(self.create_rectangle(LABEL_WIDTH, top, LABEL_WIDTH, top + ROW - 6,
                                                    fill=COLOURS["bar"], outline=""))
            self._texts.append(self.create_text(LABEL_WIDTH + BAR_LENGTH + 6, top + ROW / 2 - 3, anchor="w", text=""))
        self.show(None)

    def show(self, probabilities):
        """Show ten probabilities, the largest highlighted; None empties the bars."""
        self.values = None if probabilities is None else [float(p) for p in probabilities]
        winner = None if self.values is None else max(range(10), key=self.values.__getitem__)
        for digit, (bar, text) in enumerate(zip(self._bars, self._texts)):
            value = 0.0 if self.values is None else self.values[digit]
            x0, y0, _right, y1 = self.coords(bar)
            self.coords(bar, x0, y0, x0 + value * BAR_LENGTH, y1)
            self.itemconfigure(bar, fill=COLOURS["winner" if digit == winner else "bar"])
            self.itemconfigure(text, text="" if self.values is None else f"{value:.1%}",
                               font=("TkDefaultFont", 10, "bold" if digit == winner else "normal"))
