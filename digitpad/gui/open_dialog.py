"""Open… for an image: the file a user types is opened, whatever its name or extension.

Tk's own Open dialog (X11, tkfbox.tcl) added the filter's first extension to a name typed without
one ("photo" became "photo.png", not found) and lists files case-sensitively (a camera's IMG_1.JPG
was not among the images). Native dialogs (Windows, macOS) do neither."""
import tkinter as tk
from pathlib import Path
from tkinter import filedialog

from digitpad.i18n import _

IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "bmp", "gif", "webp", "tif", "tiff")
_COMPLETE_COMMAND = "digitpad_complete_image_name"
_AMBIGUOUS_COMMAND = "digitpad_ambiguous_image_name"
# Tk's dialog checks a typed name in VerifyFileName: for Open, no extension is added to it, a
# name meaning several images is said (which ones) and the dialog stays open, and a name naming
# no file is first completed by digitpad (complete_image_name); Save is left alone.
_VERIFY_WRAPPER = """# digitpad: Open takes the name typed, completed (Tcl, not shown to users)
rename ::tk::dialog::file::VerifyFileName ::tk::dialog::file::VerifyFileNameAsTyped
proc ::tk::dialog::file::VerifyFileName {w filename} {
    upvar ::tk::dialog::file::[winfo name $w] data
    if {$data(type) eq "open" && !$data(-multiple)} {
        set data(-defaultextension) ""
        set several [AMBIGUOUS $data(selectPath) $filename]
        if {$several ne ""} {
            tk_messageBox -icon info -type ok -parent $w -message $several
            $data(ent) selection range 0 end
            $data(ent) icursor end
            return
        }
        set filename [COMPLETE $data(selectPath) $filename]
    }
    tailcall ::tk::dialog::file::VerifyFileNameAsTyped $w $filename
}
""".replace("COMPLETE", _COMPLETE_COMMAND).replace("AMBIGUOUS", _AMBIGUOUS_COMMAND)


def image_patterns(windowing_system):
    """The Open dialog's filter for images: on X11 each extension in lower and upper case, as Tk's
    dialog matches case-sensitively (native dialogs match any case themselves)."""
    extensions = [f"*.{extension}" for extension in IMAGE_EXTENSIONS]
    if windowing_system == "x11":
        extensions = [spelling for extension in extensions for spelling in (extension, extension.upper())]
    return " ".join(extensions)


def images_named(folder, typed):
    """The images a name typed without extension may mean ("scan" → scan.JPG, scan.png), by name;
    none when the name names something itself, has an extension or holds a pattern."""
    path = Path(folder, typed).expanduser()
    if path.exists() or path.suffix or any(character in typed for character in "*?[$~"):
        return []
    try:
        return sorted(candidate.name for candidate in path.parent.iterdir() if candidate.stem == path.name
                      and candidate.suffix[1:].lower() in IMAGE_EXTENSIONS and candidate.is_file())
    except OSError:
        return []


def complete_image_name(folder, typed):
    """What a name typed into Open… means: itself when it names something (or holds a pattern);
    a name without extension naming nothing means the one image of that name ("scan" → scan.JPG)."""
    images = images_named(folder, typed)
    return str(Path(typed).with_name(images[0])) if len(images) == 1 else typed


def ambiguous_image_name(folder, typed):
    """What Open… says when a name typed without extension means several images; "" otherwise."""
    images = images_named(folder, typed)
    if len(images) < 2:
        return ""
    return _("{names}: type the full name of the one to open.").format(names=", ".join(images))


def _teach_tk_dialog(root):
    """Once per Tk interpreter: Tk's own dialog completes typed names (nothing to do elsewhere)."""
    if root.tk.call("tk", "windowingsystem") != "x11" or root.tk.call("info", "commands", _COMPLETE_COMMAND):
        return
    try:
        root.tk.call("auto_load", "::tk::dialog::file::VerifyFileName")
        if not root.tk.call("info", "commands", "::tk::dialog::file::VerifyFileName"):
            return  # another Tk's dialog: typed names stay as they are
        root.createcommand(_COMPLETE_COMMAND, complete_image_name)
        root.createcommand(_AMBIGUOUS_COMMAND, ambiguous_image_name)
        root.tk.eval(_VERIFY_WRAPPER)
    except tk.TclError:
        return


def ask_image(root, initialdir):
    """The image file the user chooses (a path), or "" when Cancelled."""
    _teach_tk_dialog(root)
    return filedialog.askopenfilename(parent=root, title=_("Open a picture of a digit or a number"), initialdir=initialdir,
                                      filetypes=[(_("Images"), image_patterns(root.tk.call("tk", "windowingsystem"))),
                                                 (_("All files"), "*")])
