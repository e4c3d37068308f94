"""Model → Teach digitpad your handwriting…: asks for each digit a few times on the pad."""
import tkinter as tk
from tkinter import ttk

from digitpad.gui.placement import place_beside
from digitpad.i18n import _

EXAMPLES_PER_DIGIT = 3


class CalibrationDialog(tk.Toplevel):
    """keep(digit) stores what is on the pad and returns the sample's path (None if blank);
    forget(path) removes it again (Back); adapt() runs when the user asks at the end."""

    def __init__(self, master, *, keep, forget, adapt, examples=EXAMPLES_PER_DIGIT):
        super().__init__(master)
        self.title(_("digitpad — teach your handwriting"))
        self.resizable(False, False)
        self.transient(master)
        self._keep, self._forget, self._adapt = keep, forget, adapt
        self.prompts = [digit for digit in range(10) for _repeat in range(examples)]
        self.step = 0
        self.kept = []  # (step, path) of the samples kept here, for Back
        self.prompt = tk.StringVar(self)
        self.detail = tk.StringVar(self)
        ttk.Label(self, textvariable=self.prompt, font=("TkDefaultFont", 18, "bold"), padding=(12, 10, 12, 0)).pack()
        # fixed size: the buttons stay where they are whatever the message
        tk.Label(self, textvariable=self.detail, padx=12, pady=4, wraplength=320, width=46, height=3,
                 justify="center").pack()
        self.overall = tk.StringVar(self)
        ttk.Label(self, textvariable=self.overall, foreground="#555").pack()
        buttons = ttk.Frame(self, padding=(12, 0, 12, 12))
        buttons.pack(fill="x")
        self.back_button = ttk.Button(buttons, text=_("Back"), command=self.back)
        self.skip_button = ttk.Button(buttons, text=_("Skip"), command=self.skip)
        self.keep_button = ttk.Button(buttons, text=_("Keep"), command=self.keep, default="active")
        self.close_button = ttk.Button(buttons, text=_("Close"), command=self.destroy)
        for button in (self.back_button, self.skip_button, self.keep_button, self.close_button):
            button.pack(side="left", expand=True, fill="x", padx=2)
        self.bind("<Return>", lambda event: self.keep())
        self.bind("<Escape>", lambda event: self.destroy())
        self._show()
        place_beside(self, master)

    def _show(self):
        self.overall.set(_("{step} of {steps} · {kept} kept").format(
            step=min(self.step + 1, len(self.prompts)), steps=len(self.prompts), kept=len(self.kept)))
        if self.step >= len(self.prompts):
            self.prompt.set(_("Thank you!"))
            self.detail.set(_("{count} samples kept. Adapt the model to them now?").format(count=len(self.kept)))
            self.skip_button.state(["disabled"])
            self.keep_button.configure(text=_("Adapt now"), command=self._finish)
            return
        digit = self.prompts[self.step]
        number = self.prompts[: self.step + 1].count(digit)
        self.prompt.set(_("Draw a {digit}").format(digit=digit))
        self.detail.set(_("on the pad, as you usually write it ({number} of {count}), then Keep.").format(
            number=number, count=self.prompts.count(digit)))
        self.skip_button.state(["!disabled"])
        self.keep_button.configure(text=_("Keep"), command=self.keep)
        self.back_button.state(["!disabled" if self.step else "disabled"])

    def pad_changed(self):
        """The user drew: a "the pad is empty" message no longer holds."""
        if self.step < len(self.prompts):
            self._show()

    def keep(self):
        if self.step >= len(self.prompts):
            return
        path = self._keep(self.prompts[self.step])
        if path is None:
            self.detail.set(_("The pad is empty: draw a {digit} first.").format(digit=self.prompts[self.step]))
            return
        self.kept.append((self.step, path))
        self.step += 1
        self._show()

    def skip(self):
        self.step += 1
        self._show()

    def back(self):
        if self.step == 0:
            return
        self.step -= 1
        if self.kept and self.kept[-1][0] == self.step:
            self._forget(self.kept.pop()[1])
        self._show()

    def _finish(self):
        self.destroy()
        self._adapt()
