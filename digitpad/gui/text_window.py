"""A read-only window of monospaced text, for tables a message box would misalign."""
import tkinter as tk
from tkinter import ttk

from digitpad.i18n import _


def show_text(parent, title, text):
    """Show text in its own window, closed by Close or Escape; returns the window."""
    window = tk.Toplevel(parent)
    window.title(title)
    window.transient(parent)
    lines = text.splitlines() or [""]
    box = tk.Text(window, font="TkFixedFont", width=max(map(len, lines)) + 1, height=len(lines),
                  wrap="none", padx=12, pady=12, relief="flat", highlightthickness=0)
    box.insert("1.0", text)
    box.configure(state="disabled")  # selectable and copyable, not editable
    box.pack(fill="both", expand=True)
    close = ttk.Button(window, text=_("Close"), command=window.destroy)
    close.pack(pady=(0, 10))
    close.focus_set()
    window.bind("<Escape>", lambda event: window.destroy())
    return window


def show_table(parent, title, rows):
    """Show (left, right) rows as a two-column table in its own window; returns the window."""
    window = tk.Toplevel(parent)
    window.title(title)
    window.transient(parent)
    table = ttk.Frame(window, padding=12)
    table.pack(fill="both", expand=True)
    for row, (left, right) in enumerate(rows):
        ttk.Label(table, text=left, font="TkFixedFont").grid(row=row, column=0, sticky="w", padx=(0, 16), pady=1)
        ttk.Label(table, text=right).grid(row=row, column=1, sticky="w", pady=1)
    close = ttk.Button(window, text=_("Close"), command=window.destroy)
    close.pack(pady=(0, 10))
    close.focus_set()
    window.bind("<Escape>", lambda event: window.destroy())
    return window
