"""A small window of text that appears while the pointer rests on a widget."""
import tkinter as tk

DELAY_MS = 600  # the usual pause before a tooltip shows


class Tooltip:
    """Shows text() (evaluated when it appears; nothing when it is empty) near the pointer."""

    def __init__(self, widget, text):
        self.widget, self.text = widget, text
        self.window = None
        self._pending = None
        widget.bind("<Enter>", self._schedule, add="+")
        widget.bind("<Leave>", self.hide, add="+")
        widget.bind("<ButtonPress>", self.hide, add="+")

    def _schedule(self, event=None):
        self._cancel()
        self._pending = self.widget.after(DELAY_MS, self.show)

    def _cancel(self):
        if self._pending is not None:
            self.widget.after_cancel(self._pending)
            self._pending = None

    def show(self):
        self._pending = None
        text = self.text()
        if not text or self.window is not None:
            return
        self.window = tk.Toplevel(self.widget)
        self.window.wm_overrideredirect(True)
        tk.Label(self.window, text=text, background="#ffffe0", relief="solid", borderwidth=1, justify="left",
                 wraplength=600, padx=6, pady=3).pack()
        x, y = self.widget.winfo_pointerxy()
        self.window.wm_geometry(f"+{x + 12}+{y + 16}")

    def hide(self, event=None):
        self._cancel()
        if self.window is not None:
            self.window.destroy()
            self.window = None
