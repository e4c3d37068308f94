"""Every command of the window in one table: the menus, their accelerators, the key bindings and
the keyboard-shortcuts help are all made from it."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    action: str  # the name of the window's action (App.actions) it runs; "" for a menu separator
    label: str = ""  # in the menu, and in the shortcuts help
    menu: str = ""  # "File", "Model", "View" or "Help"; "" for a key without a menu entry
    keys: tuple = ()  # Tk event sequences
    accelerator: str = ""  # the keys as shown to the user
    toggles: str = ""  # for a check item: the name of the App's BooleanVar it switches


MENUS = ("File", "Model", "View", "Help")
SEPARATOR = Command("")

COMMANDS = (
    Command("recognize", "Recognize", keys=("<Return>", "<KP_Enter>"), accelerator="Return"),
    Command("clear", "Clear", keys=("<Escape>", "<Delete>"), accelerator="Escape, Delete"),
    Command("undo", "Undo the last stroke", keys=("<Control-z>",), accelerator="Ctrl+Z"),
    Command("open_photo", "Open…", "File", ("<Control-o>",), "Ctrl+O"),
    Command("save_drawing", "Save drawing as PNG…", "File", ("<Control-s>",), "Ctrl+S"),
    Command("", menu="File"),
    Command("quit", "Quit", "File", ("<Control-q>",), "Ctrl+Q"),
    Command("open_training", "Train…", "Model", ("<Control-t>",), "Ctrl+T"),
    Command("load_weights", "Load weights…", "Model"),
    Command("use_shipped_weights", "Use shipped weights", "Model"),
    Command("show_summary", "Model summary", "Model"),
    Command("teach", "Teach digitpad your handwriting…", "Model"),
    Command("show_samples", "My samples…", "Model"),
    Command("adapt", "Adapt to my handwriting", "Model"),
    Command("forget_samples", "Forget my samples", "Model"),
    Command("framing", "Framing (MNIST-style centring)", "View", toggles="framed"),
    Command("live", "Live recognition", "View", ("<Control-l>",), "Ctrl+L", toggles="live"),
    Command("show_shortcuts", "Keyboard shortcuts", "Help", ("<F1>",), "F1"),
    Command("show_about", "About", "Help"),
)

DIGIT_KEYS = tuple(f"<Key-{digit}>" for digit in range(10)) + tuple(f"<KP_{digit}>" for digit in range(10))
DIGIT_HELP = ("0 … 9", "The right answer: keeps the drawing as your sample")


def shortcut_rows():
    """(keys, what they do) for the keyboard-shortcuts help."""
    rows = [("Left button", "Draw")]
    rows += [(command.accelerator, command.label) for command in COMMANDS if command.accelerator]
    return rows + [DIGIT_HELP]
