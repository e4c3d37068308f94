"""How many lines a label's text takes, wrapped at its wraplength (Tk lays text out only in a widget)."""
import tkinter as tk
from tkinter import font as tkfont


def lines_needed(label, text):
    """The lines `text` takes in `label`, with its font and wraplength."""
    measure = getattr(label, "_lines_measure", None)
    if measure is None:  # never shown: a label with nothing around its text
        measure = label._lines_measure = tk.Label(label.master, padx=0, pady=0, borderwidth=0, highlightthickness=0)
    measure.configure(font=label.cget("font"), wraplength=label.cget("wraplength"), justify=label.cget("justify"),
                      text=text)
    return round(measure.winfo_reqheight() / tkfont.Font(root=label, font=label.cget("font")).metrics("linespace"))
