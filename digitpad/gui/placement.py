"""Where dialogs open: beside the main window, so that the pad stays free, yet on the screen."""
GAP = 12  # px between the main window and the dialog


def place_beside(window, master):
    """Put window to the right of master, or as far right as the screen allows."""
    window.update_idletasks()  # the requested size is known once the widgets are laid out
    width, height = window.winfo_reqwidth(), window.winfo_reqheight()
    x = min(master.winfo_rootx() + master.winfo_width() + GAP, window.winfo_screenwidth() - width)
    y = min(master.winfo_rooty() - 32, window.winfo_screenheight() - height)  # 32: about a title bar
    window.geometry(f"+{max(0, x)}+{max(0, y)}")
