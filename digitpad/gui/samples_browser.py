"""Model → My samples…: the kept samples as thumbnails, each one to delete or relabel."""
import tkinter as tk
from tkinter import ttk

import numpy as np
from PIL import Image, ImageTk

from digitpad.gui.fitting import fitted
from digitpad.gui.placement import place_beside
from digitpad.i18n import _, ngettext
from digitpad.recognition.images import ImageError, open_image
from digitpad.recognition.preprocess import mnist_pixels
from digitpad.samples import add_sample, read_samples, remove_sample

THUMBNAIL = 56  # px: a sample's 28x28 input shown twice its size
COLUMNS = 8
SELECTED, UNSELECTED = "#1a73e8", "#ffffff"


class SamplesBrowser(tk.Toplevel):
    """Shows every usable sample of `folder`; on_change() runs after a sample is deleted or relabelled."""

    def __init__(self, master, folder, *, on_change=lambda: None):
        super().__init__(master)
        self.title(_("digitpad — my samples"))
        self.transient(master)
        self.folder, self._on_change = folder, on_change
        self.selected = None  # the selected sample's path
        self._tiles = {}  # path -> its frame
        self._photos = []  # Tk images must stay referenced while shown
        self._thumbnails = {}  # path -> its thumbnail (framing each takes ~10 ms: once per sample, not per refresh)
        self.message = tk.StringVar(self)
        ttk.Label(self, text=_("Click a sample, then press its right digit to relabel it, or Delete to remove it."),
                  padding=(10, 8, 10, 4)).pack(anchor="w")
        outer = ttk.Frame(self, padding=(10, 0))
        outer.pack(fill="both", expand=True)
        self.canvas = tk.Canvas(outer, width=COLUMNS * (THUMBNAIL + 12), height=4 * (THUMBNAIL + 30),
                                highlightthickness=0, background="#f4f4f4")
        scrollbar = ttk.Scrollbar(outer, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=scrollbar.set)
        self.canvas.pack(side="left", fill="both", expand=True)
        scrollbar.pack(side="right", fill="y")
        self.grid_frame = tk.Frame(self.canvas, background="#f4f4f4")
        self.canvas.create_window(0, 0, window=self.grid_frame, anchor="nw")
        self.grid_frame.bind("<Configure>", lambda event: self.canvas.configure(scrollregion=self.canvas.bbox("all")))
        bottom = ttk.Frame(self, padding=10)
        bottom.pack(fill="x")
        ttk.Label(bottom, textvariable=self.message, wraplength=420).pack(side="left", fill="x", expand=True)
        ttk.Button(bottom, text=_("Close"), command=self.destroy).pack(side="right")
        self.delete_button = ttk.Button(bottom, text=_("Delete"), command=self.delete_selected)
        self.delete_button.pack(side="right", padx=(0, 6))
        for key in "0123456789":
            self.bind(f"<KeyPress-{key}>", lambda event, digit=int(key): self.relabel_selected(digit))
        self.bind("<Delete>", lambda event: self.delete_selected())
        self.bind("<Escape>", lambda event: self.destroy())
        self.refresh()
        place_beside(self, master)
        self.focus_set()

    def refresh(self):
        """Read the samples again and show them."""
        for tile in self._tiles.values():
            tile.destroy()
        self._tiles, self._photos = {}, []
        samples = read_samples(self.folder)
        for index, (path, label, image) in enumerate(zip(samples.paths, samples.labels, samples.images)):
            self._add_tile(index, path, label, image)
        skipped = samples.skipped
        if self.selected not in self._tiles:
            self.selected = None
        self._show_selection()
        shown = len(self._tiles)
        text = ngettext("{count} sample.", "{count} samples.", shown).format(count=shown) if shown else \
            _("No samples kept yet.")
        if skipped:
            text += " " + _("{count} could not be shown: {reason}").format(count=len(skipped), reason=skipped[0])
        self.message.set(text)

    def _add_tile(self, index, path, label, image):
        if path not in self._thumbnails:
            self._thumbnails[path] = _thumbnail(image)
        thumbnail = self._thumbnails[path]
        photo = ImageTk.PhotoImage(thumbnail, master=self)
        self._photos.append(photo)
        tile = tk.Frame(self.grid_frame, background=UNSELECTED, padx=4, pady=4)
        tile.grid(row=index // COLUMNS, column=index % COLUMNS, padx=2, pady=2)
        picture = tk.Label(tile, image=photo, background="white")
        picture.pack()
        caption = tk.Label(tile, text=label, background=UNSELECTED, font=("TkDefaultFont", 11, "bold"))
        caption.pack()
        for widget in (tile, picture, caption):
            widget.bind("<Button-1>", lambda event, chosen=path: self.select(chosen))
        self._tiles[path] = tile

    def select(self, path):
        self.selected = path
        self._show_selection()
        self.focus_set()

    def _show_selection(self):
        for path, tile in self._tiles.items():
            colour = SELECTED if path == self.selected else UNSELECTED
            tile.configure(background=colour)
            for child in tile.winfo_children():
                if isinstance(child, tk.Label) and str(child.cget("text")):  # the caption (a 0 too), not the picture
                    child.configure(background=colour, foreground="white" if path == self.selected else "black")
        self.delete_button.state(["!disabled" if self.selected else "disabled"])

    def delete_selected(self):
        if self.selected is None:
            return
        try:
            remove_sample(self.folder, self.selected)
        except OSError as error:
            self.message.set(_("Cannot delete the sample: {error}").format(error=error))
            return
        self.selected = None
        self._changed(_("Deleted the sample."))

    def relabel_selected(self, digit):
        """Keep the selected picture as a sample of `digit` instead."""
        if self.selected is None:
            return
        try:
            image = open_image(self.selected)
            relabelled = add_sample(self.folder, image, digit)
            remove_sample(self.folder, self.selected)
        except (ImageError, OSError) as error:
            self.message.set(_("Cannot relabel the sample: {error}").format(error=error))
            return
        self.selected = relabelled
        self._changed(_("Relabelled as {digit}.").format(digit=digit))

    def _changed(self, what):
        self.refresh()
        self.message.set(f"{what} {self.message.get()}")
        self._on_change()


def _thumbnail(image):
    """What adapting learns from: the sample's 28x28 input (a digit kept from a number is a small part of
    its picture), dark ink on white as it was written; a sample with no ink shows as it is."""
    try:
        pixels = mnist_pixels(image)
    except ImageError:
        return fitted(image.convert("L"), (THUMBNAIL, THUMBNAIL))
    grey = Image.fromarray((255 - pixels * 255).round().astype(np.uint8))
    return grey.resize((THUMBNAIL, THUMBNAIL), Image.NEAREST)
