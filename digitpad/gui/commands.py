"""Every command of the window in one table: the menus, their accelerators, the key bindings and
the keyboard-shortcuts help are all made from it. Labels are marked here and translated when shown."""
from dataclasses import dataclass

from digitpad.i18n import N_, _


@dataclass(frozen=True)
class Command:
    action: str  # the name of the window's action (App.actions) it runs; "" for a menu separator
    label: str = ""  # in the menu, and in the shortcuts help (English: translated when shown)
    menu: str = ""  # a key of MENUS; "" for a key without a menu entry
    keys: tuple = ()  # Tk event sequences
    accelerator: str = ""  # the keys as shown to the user (key names are not translated, arrow keys are)
    toggles: str = ""  # for a check item: the name of the App's BooleanVar it switches


MENUS = {"file": N_("File"), "model": N_("Model"), "view": N_("View"), "help": N_("Help")}
SEPARATOR = Command("")

COMMANDS = (
    Command("recognize", N_("Recognize"), keys=("<Return>", "<KP_Enter>"), accelerator="Return"),
    Command("clear", N_("Clear"), keys=("<Escape>", "<Delete>"), accelerator="Escape, Delete"),
    Command("undo", N_("Undo the last stroke or correction"), keys=("<Control-z>",), accelerator="Ctrl+Z"),
    Command("previous_digit", N_("A number: show the digit to the left"), keys=("<Left>",), accelerator=N_("Left")),
    Command("next_digit", N_("A number: show the digit to the right"), keys=("<Right>",), accelerator=N_("Right")),
    Command("open_photo", N_("Open…"), "file", ("<Control-o>",), "Ctrl+O"),
    Command("save_drawing", N_("Save drawing as PNG…"), "file", ("<Control-s>",), "Ctrl+S"),
    Command("", menu="file"),
    Command("quit", N_("Quit"), "file", ("<Control-q>",), "Ctrl+Q"),
    Command("open_training", N_("Train…"), "model", ("<Control-t>",), "Ctrl+T"),
    Command("load_weights", N_("Load weights…"), "model"),
    Command("use_shipped_weights", N_("Use shipped weights"), "model"),
    Command("show_summary", N_("Model summary"), "model"),
    Command("teach", N_("Teach digitpad your handwriting…"), "model"),
    Command("show_samples", N_("My samples…"), "model"),
    Command("adapt", N_("Adapt to my handwriting"), "model"),
    Command("auto_adapt", N_("Adapt after each correction"), "model", toggles="auto_adapt"),
    Command("forget_samples", N_("Forget my samples"), "model"),
    Command("framing", N_("Framing (MNIST-style centring)"), "view", toggles="framed"),
    Command("live", N_("Live recognition"), "view", ("<Control-l>",), "Ctrl+L", toggles="live"),
    Command("show_shortcuts", N_("Keyboard shortcuts"), "help", ("<F1>",), "F1"),
    Command("show_about", N_("About"), "help"),
)

DIGIT_KEYS = tuple(f"<Key-{digit}>" for digit in range(10)) + tuple(f"<KP_{digit}>" for digit in range(10))
DIGIT_HELP = ("0 … 9", N_("The right answer: keeps the drawing as your sample"))


def shortcut_rows():
    """(keys, what they do) for the keyboard-shortcuts help, translated."""
    rows = [(_("Left button"), _("Draw")),
            (_("Drag on a photo"), _("Read only the part inside the rectangle (a click: all of it; Escape: drop it)"))]
    rows += [(_(command.accelerator), _(command.label)) for command in COMMANDS if command.accelerator]
    return rows + [(DIGIT_HELP[0], _(DIGIT_HELP[1]))]
