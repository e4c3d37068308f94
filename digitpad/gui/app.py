"""The main window: drawing pad, photo, probability bars, menus and status bar."""
import logging
import os
import sys
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, messagebox, ttk
from tkinter import font as tkfont

import numpy as np
from PIL import Image, ImageTk

from digitpad.adapting import origin_of
from digitpad.gui.bars import ProbabilityBars
from digitpad.gui.commands import COMMANDS, DIGIT_KEYS, MENUS, shortcut_rows
from digitpad.gui.handwriting import Handwriting
from digitpad.gui.jobs import JobSlot
from digitpad.gui.number_strip import NumberStrip
from digitpad.gui.open_dialog import ask_image
from digitpad.gui.pad import DrawingPad
from digitpad.gui.photo_reading import PhotoReader
from digitpad.gui.region import CHOSEN, CLICK, OUTSIDE, TOO_SMALL, region_of_drag
from digitpad.gui.text_window import show_table, show_text
from digitpad.gui.tooltip import Tooltip
from digitpad.gui.training_dialog import TrainingDialog, training_job
from digitpad.gui.wrapping import lines_needed
from digitpad.i18n import CJK_FONT_HINT, LANGUAGES, N_, _, choose_language, has_cjk_font, use_language
from digitpad.paths import resolve_weights, shipped_weights, user_weights
from digitpad.recognition.images import BlankImageError, ImageError
from digitpad.recognition.network import summary
from digitpad.recognition.numbers import NOT_A_DIGIT
from digitpad.recognition.pad_numbers import inside_pad
from digitpad.recognition.recognizer import IS_DIGIT, Recognizer, top_answer
from digitpad.recognition.strokes import recognition_image
from digitpad.recognition.weights import WeightsError
from digitpad.settings import load_settings, save_settings
from digitpad.training import TrainingUnavailable, require_tensorflow
from digitpad.training.data import describe_source

log = logging.getLogger(__name__)
KIND_NAMES = {"mlp": N_("two-layer network"), "cnn": N_("convolutional network")}
KIND_MENU_LABELS = {"mlp": N_("Two-layer network"), "cnn": N_("Convolutional network")}
BLANK = ""  # the answer while there is nothing to read
STATUS_LINES = 2  # the status bar's height, in lines of text
NOT_SURE_BELOW = 0.5  # below this confidence the answer is "not sure", not a digit
PREVIEW_SCALE = 4  # "what the model sees": 28x28 shown at 112x112
ANSWER_WIDTH = 330  # px: the number read, and the message under it
INK_VIEW_SIZE = (150, 120)  # the photo with its ink outlined: as wide as the preview's caption, beside the bars
PHOTO_HINT = N_("Drag a rectangle around a digit or a number to read only it; click the photo to read all of it. "
                "Clear (Escape) to draw.")
NETWORK_ALONE = N_("The network alone: as training measures it, each MNIST test image read once as it is. "
                   "The window averages the network's answers on a few shifted copies of each digit, "
                   "which reads MNIST test a little better.")
TUTORIAL = "两层全连接神经网络实现手写数字识别"
TUTORIAL_IN_ENGLISH = N_("“Handwritten digit recognition with a two-layer fully connected network”")


class App:
    def __init__(self, root, weights=None):
        self.root = root
        self.recognizer = None
        self._framed_recognizer = None  # _current_recognizer's
        self.reading = None  # what was read last (recognition.numbers.Reading), and the digit shown in the bars
        self.corrected = {}
        self._correction_shown = None  # the index of the digit the last correction changed
        self.chosen = 0
        self.training = None  # the TrainingDialog while it exists
        self.jobs = JobSlot(root)  # the training or the adaptation running in the background
        self.photo_reader = PhotoReader(root)  # an opened photo is read in the background
        self.handwriting = Handwriting(self)
        self.settings, settings_problem = load_settings()
        font_problem = self._choose_language()
        # MNIST for training: the folder last chosen, else $DIGITPAD_MNIST
        self.data_source = self.settings.mnist_folder or os.environ.get("DIGITPAD_MNIST", "")
        root.title("digitpad")
        self.kind = tk.StringVar(root, self.settings.kind)  # which network: see digitpad.recognition.network
        self.framed = tk.BooleanVar(root, self.settings.framed)
        self.live = tk.BooleanVar(root, self.settings.live)
        self.auto_adapt = tk.BooleanVar(root, self.settings.auto_adapt)  # adapt after each correction
        self.status = tk.StringVar(root)
        self._saying_opened = False  # the status speaks of a file opened or not: gone when the user draws or clears
        self._status_tip = ""  # the whole message (full paths) shown when the pointer rests on the status bar
        self._build_menus()
        self._build_body()
        self._bind_keys()
        root.protocol("WM_DELETE_WINDOW", self.quit)
        root.update_idletasks()
        root.minsize(root.winfo_reqwidth(), root.winfo_reqheight())  # nothing is cut off at the smallest size
        if self.settings.window_size:  # as last closed, but never larger than this screen
            width, height = map(int, self.settings.window_size.split("x"))
            root.geometry(f"{min(width, root.winfo_screenwidth())}x{min(height, root.winfo_screenheight())}")
        self._weights_asked_for = weights is not None  # given on the command line: no quiet fallback
        self.use_weights(resolve_weights(weights, kind=self.kind.get()), quiet=True)
        self.handwriting.show_count()
        if settings_problem or font_problem:
            self.say(settings_problem or font_problem, error=True)
        for variable in (self.kind, self.framed, self.live, self.auto_adapt):
            variable.trace_add("write", lambda *_args: self.save_settings())


    def save_settings(self):
        """Remember the choices for the next start; a settings file that cannot be written is said, once."""
        self.settings.kind, self.settings.framed, self.settings.live = self.kind.get(), self.framed.get(), self.live.get()
        self.settings.auto_adapt = self.auto_adapt.get()
        self.settings.mnist_folder = self.data_source
        try:
            save_settings(self.settings)
        except OSError as error:
            self.say(_("Cannot save the settings: {error}").format(error=error), error=True)

    def _choose_language(self):
        """Translate the window (the setting, else the system's language); Chinese needs a CJK font.
        Returns a message when the language asked for cannot be shown."""
        self.language = tk.StringVar(self.root, self.settings.language)
        language = choose_language(self.settings.language)
        if language == "zh_CN" and not has_cjk_font(tkfont.families(self.root)):
            use_language("en")
            return CJK_FONT_HINT
        use_language(language)
        self._translate_tk_dialogs(language)
        return ""

    def _translate_tk_dialogs(self, language):
        """Tk's own dialogs (Open…, message boxes) speak the window's language: Tk ships its
        catalogs (msgs/zh_cn.msg) and picks them by msgcat's locale, which follows the environment."""
        try:
            self.root.tk.call("::msgcat::mclocale", language.lower())
            self.root.tk.call("::msgcat::mcload", os.path.join(str(self.root.tk.globalgetvar("tk_library")), "msgs"))
        except (tk.TclError, ValueError):  # a Tk without its msgs folder keeps its English words
            log.warning("cannot load Tk's catalogs for %s", language, exc_info=True)

    def language_chosen(self):
        """View → Language: remembered, and shown from the next start (menus are built once)."""
        self.settings.language = self.language.get()
        self.save_settings()
        self.say(_("The language changes when digitpad starts again."))

    # -- layout
    @property
    def actions(self):
        """What each command of commands.COMMANDS runs."""
        handwriting = self.handwriting
        return {
            "recognize": self.recognize, "clear": self.clear, "undo": self.undo, "open_photo": self.open_photo,
            "save_drawing": self.save_drawing, "quit": self.quit, "open_training": self.open_training,
            "load_weights": self.load_weights, "use_shipped_weights": self.use_shipped_weights,
            "show_summary": self.show_summary, "teach": handwriting.teach, "adapt": handwriting.adapt,
            "forget_samples": handwriting.forget_samples, "show_samples": handwriting.show_samples,
            "framing": self.recognize, "live": lambda: None, "auto_adapt": lambda: None,
            "show_shortcuts": self.show_shortcuts, "show_about": self.show_about,
            "previous_digit": lambda: self.choose_digit(self.chosen - 1),
            "next_digit": lambda: self.choose_digit(self.chosen + 1),
        }

    def _build_menus(self):
        menubar = tk.Menu(self.root)
        menus = {name: tk.Menu(menubar, tearoff=False) for name in MENUS}
        actions = self.actions
        for command in COMMANDS:
            if not command.menu:
                continue
            menu = menus[command.menu]
            if not command.action:
                menu.add_separator()
            elif command.toggles:
                menu.add_checkbutton(label=_(command.label), accelerator=command.accelerator,
                                     variable=getattr(self, command.toggles), command=actions[command.action])
            else:
                menu.add_command(label=_(command.label), accelerator=command.accelerator,
                                 command=actions[command.action])
        model = menus["model"]
        model.add_separator()
        for kind, label in KIND_MENU_LABELS.items():
            model.add_radiobutton(label=_(label), value=kind, variable=self.kind,
                                  command=lambda: self.use_weights(resolve_weights(kind=self.kind.get())))
        languages = tk.Menu(menus["view"], tearoff=False)
        languages.add_radiobutton(label=_("As the system"), value="", variable=self.language,
                                  command=self.language_chosen)
        for code, name in LANGUAGES.items():  # each in its own language, to be found by who reads it
            languages.add_radiobutton(label=name, value=code, variable=self.language, command=self.language_chosen)
        menus["view"].add_cascade(label=_("Language") + " / 语言", menu=languages)
        for name, label in MENUS.items():
            menubar.add_cascade(label=_(label), menu=menus[name])
        self.model_menu = model
        self.root.configure(menu=menubar)

    def _build_body(self):
        body = self.body = ttk.Frame(self.root, padding=10)
        body.pack(fill="both", expand=True)
        body.columnconfigure(0, weight=1)  # the pad takes what a larger window gives
        body.rowconfigure(0, weight=1)
        left = ttk.Frame(body)
        left.grid(row=0, column=0, sticky="nsew")
        buttons = ttk.Frame(left)
        buttons.pack(side="bottom", fill="x", pady=(8, 0))
        self.pad = DrawingPad(left, on_stroke=self._stroke_finished, on_region=self._region_dragged)
        self.pad.pack(fill="both", expand=True)
        self.open_button = ttk.Button(buttons, text=_("Open…"), command=self.open_photo)
        self.undo_button = ttk.Button(buttons, text=_("Undo"), command=self.undo)
        self.clear_button = ttk.Button(buttons, text=_("Clear"), command=self.clear)
        self.recognize_button = ttk.Button(buttons, text=_("Recognize"), command=self.recognize)
        for button in (self.open_button, self.undo_button, self.clear_button, self.recognize_button):
            button.pack(side="left", expand=True, fill="x", padx=1)

        right = ttk.Frame(body, padding=(16, 0, 0, 0))
        right.grid(row=0, column=1, sticky="n")
        self.answer = tk.StringVar(self.root, BLANK)  # the number read, "?" or BLANK
        self.detail = tk.StringVar(self.root, _("Draw a digit or a number"))
        # fixed sizes: the window never changes its size as answers and messages change
        answer_box = ttk.Frame(right)
        answer_box.grid(row=0, column=0, columnspan=2, sticky="nw")
        self.number = NumberStrip(answer_box, on_choose=self.choose_digit, width=ANSWER_WIDTH, height=70)
        self.number.pack(anchor="w")
        # as wide as the answer (width=1: the strip sets the width); two lines
        self.detail_label = tk.Label(answer_box, textvariable=self.detail, wraplength=ANSWER_WIDTH - 4, width=1,
                                     height=2, anchor="nw", justify="left")
        self.detail_label.pack(anchor="w", fill="x")
        self.preview = tk.Label(right, background="black", width=28 * PREVIEW_SCALE, height=28 * PREVIEW_SCALE)
        self.preview.grid(row=0, column=2, sticky="e")
        ttk.Label(right, text=_("What the model sees"), foreground="#555").grid(row=1, column=2, sticky="e")
        self.hint = ttk.Label(right, text=_("Wrong? Click the right digit or press its key."), foreground="#555")
        self.hint.grid(row=3, column=0, columnspan=3, sticky="w", pady=(4, 0))
        right.rowconfigure(3, minsize=34)  # the hint's row fits the Undo button that replaces it
        self.kept = ttk.Frame(right)  # after a correction: what was kept, and Undo (in place of the hint)
        self.kept_text = tk.StringVar(self.root)
        ttk.Label(self.kept, textvariable=self.kept_text).pack(side="left")
        self.kept_undo = ttk.Button(self.kept, text=_("Undo"), command=lambda: self.handwriting.undo_correction())
        self.kept_undo.pack(side="left", padx=(8, 0))
        self.bars = ProbabilityBars(right, on_choose=lambda digit: self.handwriting.correct(digit))
        self.bars.grid(row=2, column=0, columnspan=2, sticky="nw", pady=(6, 0))
        ink = ttk.Frame(right)  # an opened photo: the ink that was found on it, outlined
        ink.grid(row=2, column=2, sticky="ne", pady=(6, 0))
        self.ink_view = tk.Canvas(ink, width=INK_VIEW_SIZE[0], height=INK_VIEW_SIZE[1], highlightthickness=0,
                                  background=ttk.Style(self.root).lookup("TFrame", "background") or "#d9d9d9")
        self.ink_view.pack(anchor="e")
        self.ink_caption = tk.StringVar(self.root)
        ttk.Label(ink, textvariable=self.ink_caption, foreground="#555", wraplength=INK_VIEW_SIZE[0],
                  justify="right").pack(anchor="e")
        self._preview_tk = None
        self._show_preview(None)
        self.ink_image = self._ink_tk = None

        ttk.Separator(self.root).pack(fill="x")
        bottom = ttk.Frame(self.root)
        bottom.pack(fill="x")
        self.samples_text = tk.StringVar(self.root)
        ttk.Label(bottom, textvariable=self.samples_text, padding=(8, 3), foreground="#555").pack(side="right")
        # width=1: a long message wraps within STATUS_LINES lines instead of resizing the window, a
        # longer one ends in "…" (_show_status); the whole of it shows when the pointer rests on the status bar
        self.status_label = tk.Label(bottom, padx=8, pady=3, anchor="w", justify="left", width=1, height=STATUS_LINES)
        self.status_label.pack(side="left", fill="x", expand=True)
        self.status_label.bind("<Configure>", lambda event: self._show_status(event.width - 16))
        self.status.trace_add("write", lambda *_args: self._show_status())
        Tooltip(self.status_label, lambda: self._status_tip)
        self.banner = ttk.Frame(self.root, padding=(10, 6))
        self.banner_text = tk.StringVar(self.root)
        ttk.Label(self.banner, textvariable=self.banner_text, wraplength=420).pack(side="left")
        ttk.Button(self.banner, text=_("Train now…"), command=self.open_training).pack(side="right")

    def _bind_keys(self):
        actions = self.actions
        for command in (command for command in COMMANDS if command.keys):
            action = self._toggle(command.toggles, actions[command.action]) if command.toggles else actions[command.action]
            for sequence in command.keys:
                self.root.bind(sequence, lambda event, action=action: action())
                if sequence.startswith("<Control-") and sequence[-2].islower():  # Caps Lock gives Control-Z
                    self.root.bind(sequence[:-2] + sequence[-2].upper() + ">", lambda event, action=action: action())
        for sequence in DIGIT_KEYS:
            digit = int(sequence.strip("<>").split("-")[-1].removeprefix("KP_"))
            self.root.bind(sequence, lambda event, digit=digit: self.handwriting.correct(digit))

    def _toggle(self, name, then):
        """An action that switches the BooleanVar self.<name>, then runs `then` (as its menu item does)."""
        variable = getattr(self, name)

        def toggle():
            variable.set(not variable.get())
            then()

        return toggle

    def show_shortcuts(self):
        return show_table(self.root, _("Keyboard shortcuts"), shortcut_rows())

    # -- recognising
    def recognize(self):
        """Recognise what is on the pad and show the answer, the bars and the model's input."""
        if self.recognizer is None:
            self._show_answer("?", _("No model: Model → Train… or Load weights…"))
            return
        if self.pad.is_blank():
            self._show_answer(BLANK, _("Draw a digit or a number"))
            return
        recognizer = self._current_recognizer()
        if self.pad.photo is not None:
            self._show_answer(BLANK, _("Reading the photo…"))
            self.photo_reader.read(recognizer, self.pad.recognition_image(), self.pad.region, INK_VIEW_SIZE,
                                   on_done=self._photo_read, on_error=self._photo_failed)
            return
        self._show_ink(None)  # (drawn strokes are no photo)
        try:
            reading = recognizer.read(self.pad.strokes)
        except BlankImageError:
            reading = None
        self._show_reading(reading, _("No digit found: the picture is blank"))

    def _current_recognizer(self):
        """The weights in use with the framing chosen in View; None without a model. Kept while
        neither changes: a Recognizer finds its not-a-digit head once (a file read and a digest)."""
        if self.recognizer is None:
            return None
        kept = self._framed_recognizer
        if kept is None or kept.weights is not self.recognizer.weights or kept.framed != self.framed.get():
            self._framed_recognizer = Recognizer(self.recognizer.weights, framed=self.framed.get())
        return self._framed_recognizer

    def _photo_read(self, result):
        """The photo (or the part chosen) was read: the answer, and the ink found, outlined."""
        blank = _("No digit found: the picture is blank") if result.region is None else \
            _("No digit in the part chosen: drag around a digit, or click the photo to read it all.")
        self._show_reading(result.reading, blank)
        self._show_ink(result.outline)

    def _photo_failed(self, error):
        self._show_answer("?", str(error) if isinstance(error, ImageError)
                          else _("Cannot read the photo: {error}").format(error=error))

    def _show_reading(self, reading, blank):
        """Show a reading (numbers.Reading, None for none): its least sure digit, or blank when it has none."""
        if reading is None or not reading.digits:
            nothing_like_a_digit = reading is not None and reading.reason == NOT_A_DIGIT
            self._show_answer(BLANK, _("No digit found: nothing here looks like a digit") if nothing_like_a_digit
                              else blank)
            return
        self.reading = reading
        self.corrected = {}  # index -> the digit the user gave, for the digits corrected since
        # a number opens on its least sure digit: the one most worth a look
        self.choose_digit(min(range(len(reading.digits)), key=lambda index: reading.digits[index].confidence))

    def choose_digit(self, index):
        """Show the digit at index of the reading: its ten bars, its 28x28 input, its box."""
        reading = self.reading
        if reading is None or not 0 <= index < len(reading.digits):
            return
        self.chosen = index
        digits = reading.digits
        chosen = digits[index]
        if len(digits) == 1:
            digit, confidence = top_answer(chosen.probabilities)
            if chosen.verdict != IS_DIGIT:  # the network's not-a-digit output doubts it is one digit
                answer = "?"
                detail = _("Not sure this is one digit: maybe {digit} ({confidence})").format(
                    digit=digit, confidence=f"{confidence:.0%}")
            elif confidence < NOT_SURE_BELOW:
                answer = "?"
                detail = _("Not sure: maybe {digit} ({confidence})").format(digit=digit, confidence=f"{confidence:.0%}")
            else:
                answer, detail = str(digit), _("{confidence} sure").format(confidence=f"{confidence:.1%}")
            self.number.show([answer])
        else:
            texts = [str(self.corrected.get(position, digit.digit)) for position, digit in enumerate(digits)]
            answer = "".join(texts)
            if chosen.verdict != IS_DIGIT:
                detail = _("Digit {position} of {count}: not sure this is one digit ({confidence} sure). "
                           "Click a digit to see it.")
            else:
                detail = _("Digit {position} of {count}: {confidence} sure. Click a digit to see it.")
            detail = detail.format(position=index + 1, count=len(digits), confidence=f"{chosen.confidence:.1%}")
            confidences = [None if position in self.corrected else digit.confidence
                           for position, digit in enumerate(digits)]
            unsure = [digit.confidence < NOT_SURE_BELOW or digit.verdict != IS_DIGIT for digit in digits]
            self.number.show(texts, confidences, index, unsure)
        self.answer.set(answer)
        self.detail.set(detail)
        self.bars.show(chosen.probabilities)
        self._show_preview(chosen.pixels)
        show_boxes = self.pad.photo is not None or len(digits) > 1
        self.pad.show_boxes([digit.box for digit in digits] if show_boxes else (), index)

    def show_correction(self, digit):
        """The digit shown (a lone one, or the chosen digit of a number) is now the one the user gave."""
        if self.reading is None:
            return
        self.corrected[self.chosen] = digit
        if len(self.reading.digits) > 1:
            self.choose_digit(self.chosen)
        else:
            self.answer.set(str(digit))
            self.number.show([str(digit)])
        self.detail.set(_("Corrected to {digit}. The bars show what the model had read.").format(digit=digit))
        self._correction_shown = self.chosen

    def forget_correction(self):
        """The correction just undone: its digit shows what the model read again."""
        index = self._correction_shown
        if self.reading is None or index is None or index not in self.corrected:
            return
        del self.corrected[index]
        self.choose_digit(index)

    def chosen_digit_image(self):
        """What a correction keeps: the whole drawing or photo for a lone digit, else the chosen digit's part."""
        reading = self.reading
        if reading is None or len(reading.digits) <= 1:
            return self.pad.recognition_image()
        left, top, right, bottom = reading.digits[self.chosen].box
        if self.pad.photo is not None:
            margin = (bottom - top) * 0.1
            return self.pad.photo.crop((round(max(0, left - margin)), round(max(0, top - margin)),
                                        round(right + margin), round(bottom + margin)))
        inside = [stroke for stroke in self.pad.strokes
                  if all(left <= x <= right and top <= y <= bottom for x, y in stroke)]
        return recognition_image(inside_pad(inside or self.pad.strokes))

    def _show_answer(self, answer, detail, probabilities=None, pixels=None):
        self.photo_reader.forget()  # a reading of the photo still running is no longer what is shown
        self.reading = None
        self.answer.set(answer)
        self.number.show([answer])
        self.detail.set(detail)
        self.bars.show(probabilities)
        self._show_preview(pixels)
        self._show_ink(None)
        self.pad.show_boxes(())

    def _show_preview(self, pixels):
        grey = np.zeros((28, 28), np.uint8) if pixels is None else (pixels * 255).astype(np.uint8)
        size = 28 * PREVIEW_SCALE
        image = Image.fromarray(grey).resize((size, size), Image.NEAREST)
        self._preview_tk = ImageTk.PhotoImage(image, master=self.root)
        self.preview.configure(image=self._preview_tk, width=size, height=size)

    def _show_ink(self, image):
        """Beside the bars: the photo read, with the ink found outlined (a PIL image), or nothing."""
        self.ink_image = image
        self.ink_view.delete("all")
        self.ink_caption.set("" if image is None else _("Ink found in the photo, outlined"))
        if image is None:
            self._ink_tk = None
            return
        self._ink_tk = ImageTk.PhotoImage(image, master=self.root)
        self.ink_view.create_image(INK_VIEW_SIZE[0] / 2, 0, image=self._ink_tk, anchor="n")

    def _region_dragged(self, start, end):
        """A rectangle dragged on the photo (canvas px): read the part inside it; a click reads all of it."""
        pad = self.pad
        what, region = region_of_drag(start, end, pad.photo_box, pad.photo.size)
        if what == CLICK:
            self.say(_(PHOTO_HINT))
            if pad.region is not None:
                pad.show_region(None)
                self.recognize()
        elif what == OUTSIDE:
            self.say(_("The rectangle misses the photo: drag around a digit or a number on the photo."))
        elif what == TOO_SMALL:
            self.say(_("The rectangle is too small to hold a digit ({width}×{height} px of the photo): "
                       "drag around the whole digit.").format(width=region.size[0], height=region.size[1]))
        elif what == CHOSEN:
            pad.show_region(region)
            self.say(_("Only the part inside the rectangle is read ({width}×{height} px of the photo): "
                       "click the photo to read all of it.").format(width=region.size[0], height=region.size[1]))
            self._saying_opened = True  # (about the photo: gone with it)
            self.recognize()

    def _stroke_finished(self):
        if self._saying_opened:
            self.say("")  # the photo is gone
        self.handwriting.pad_changed()
        if self.live.get():
            self.recognize()
        else:
            self._show_answer(BLANK, _("Press Recognize (Return) to read it."))

    def clear(self):
        """Clear the pad (Escape, Delete); Escape during a drag on a photo drops only the rectangle."""
        if self.pad.cancel_band():
            return
        if self._saying_opened:
            self.say("")  # the photo is gone
        self.handwriting.pad_changed()  # a kept correction is no longer about what is shown
        self.pad.clear()
        self.recognize()

    def undo(self):
        """Ctrl+Z, Undo: the correction just kept, else the last stroke; never the opened photo."""
        if self.handwriting.last_kept is not None:
            self.handwriting.undo_correction()
        elif self.pad.undo():
            if self.live.get() or self.pad.is_blank():
                self.recognize()
        elif self.pad.photo is not None:
            self.say(_("Nothing to undo on the photo: Clear (Escape) closes it."))
        else:
            self.say(_("Nothing to undo: the pad is blank."))

    # -- files
    def open_photo(self):
        path = ask_image(self.root, initialdir=self._open_folder())
        if path:
            self.settings.last_folder = str(Path(path).parent)
            self.save_settings()
            self.show_photo(path)

    def _open_folder(self):
        """Where Open… starts: the folder last used, else the user's Pictures, else home."""
        for folder in (self.settings.last_folder, Path.home() / "Pictures", Path.home()):
            if folder and Path(folder).is_dir():
                return str(folder)
        return None

    def show_photo(self, path):
        """Open, show and recognise an image file, in the background; a file that cannot be used gets
        a message and the pad is left as it was."""
        self.say(_("Opening {name}…").format(name=Path(path).name), tip=str(path))
        self._saying_opened = True  # (until the photo is shown, or the user draws or clears meanwhile)
        self.photo_reader.read(self._current_recognizer(), path, None, INK_VIEW_SIZE,
                               on_done=lambda result: self._photo_opened(path, result),
                               on_error=lambda error: self._photo_not_opened(path, error))

    def _photo_not_opened(self, path, error):
        self.say(str(error) if isinstance(error, ImageError)
                 else _("Cannot open {name}: {error}").format(name=Path(path).name, error=error), error=True)
        self._saying_opened = True  # (about that file: said until the user draws or clears)

    def _photo_opened(self, path, result):
        self.handwriting.pad_changed()  # a kept correction is about the picture shown before
        self.pad.show_photo(result.picture)
        self.say(_("Opened {name}. {hint}").format(name=Path(path).name, hint=_(PHOTO_HINT)),
                 tip=str(path) + "\n" + _(PHOTO_HINT))
        self._saying_opened = True
        if result.reading is None:  # no model: recognize() says so
            self.recognize()
        else:
            self._photo_read(result)

    def _show_status(self, wrap=None):
        """The status message in the bar's lines: a longer one is cut and ends in "…" (whole on hover)."""
        label, text = self.status_label, self.status.get()
        if wrap is not None:
            label.configure(wraplength=wrap)
        if int(str(label.cget("wraplength"))) > 0 and lines_needed(label, text) > STATUS_LINES:
            fits, too_long = 0, len(text)  # how many characters fit with "…" after them
            while too_long - fits > 1:
                middle = (fits + too_long) // 2
                shortened = text[:middle].rstrip() + "…"
                fits, too_long = (middle, too_long) if lines_needed(label, shortened) <= STATUS_LINES else (fits, middle)
            text = text[:fits].rstrip() + "…"
        label.configure(text=text)

    def say(self, message, error=False, tip=None):
        """A message in the status bar, red for a problem; tip: more (e.g. a full path) shown on hover."""
        self.status.set(message)
        self._status_tip = tip or message
        self._saying_opened = False  # "Opened photo.jpg" is said until something else is
        self.status_label.configure(foreground="#b00020" if error else "black")

    def save_drawing(self):
        if self.pad.is_blank():  # a white picture saved would look like a failed save
            self.say(_("Nothing to save: the pad is blank. Draw first."))
            return
        path = filedialog.asksaveasfilename(parent=self.root, title=_("Save the drawing"), defaultextension=".png",
                                            filetypes=[(_("PNG image"), "*.png")])
        if not path:
            return
        try:
            self.pad.image().save(path, format="PNG")
        except (OSError, ValueError) as error:
            self.say(_("Cannot save {path}: {error}").format(path=path, error=error), error=True)
            return
        self.say(_("Saved the drawing as {name}").format(name=Path(path).name),
                 tip=_("Saved the drawing to {path}").format(path=path))

    # -- weights
    def use_weights(self, path, quiet=False):
        """Switch to the weights in path; on failure keep the current ones and say why."""
        try:
            self.recognizer = Recognizer.load(path)
        except WeightsError as error:
            if self.recognizer is None:
                if self._fall_back_to_shipped(path, error):
                    return
                self.say(_("No usable weights: {error}").format(error=error), error=True)
                self._offer_training()
            else:
                self.kind.set(self.recognizer.weights.kind)
                self.say(_("Kept {path}: {error}").format(path=self.recognizer.weights.path, error=error), error=True)
            return
        self.banner.pack_forget()
        weights = self.recognizer.weights
        self.kind.set(weights.kind)
        network = _(KIND_NAMES[weights.kind])
        measure = ""
        if weights.test_accuracy is not None:  # as training measured it: README's table also gives the window's
            network = _("{network}, {accuracy} on MNIST test for the network alone").format(
                network=network, accuracy=f"{weights.test_accuracy:.2%}")
            measure = "\n" + _(NETWORK_ALONE)
        self.say(_("Weights: {name} ({network})").format(name=weights.path.name, network=network),
                 tip=_("Weights: {name} ({network})").format(name=weights.path, network=network) + measure)
        if not quiet:
            self.recognize()

    def _fall_back_to_shipped(self, path, error):
        """At start, weights that cannot be used give way to the shipped ones (the file is left as it is)."""
        shipped = shipped_weights(self.kind.get())
        if self._weights_asked_for or Path(path) == shipped:
            return False
        try:
            self.recognizer = Recognizer.load(shipped)
        except WeightsError:
            return False
        self.kind.set(self.recognizer.weights.kind)
        self.say(_("Using the shipped weights: {error}").format(error=error), error=True)
        return True

    def _offer_training(self):
        self._show_answer("?", _("No model yet"))
        self.banner_text.set(_("digitpad has no model yet. Train one now (a few minutes); MNIST will be read "
                               "from {source}, or a folder you choose.").format(
            source=describe_source(self.data_source or None)))
        self.banner.pack(fill="x", before=self.body)

    def use_shipped_weights(self):
        self.use_weights(shipped_weights(self.kind.get()))

    def load_weights(self):
        path = filedialog.askopenfilename(parent=self.root, title=_("Load weights"),
                                          filetypes=[(_("Keras weights"), "*.weights.h5"), (_("All files"), "*")])
        if path:
            self.use_weights(path)

    def show_summary(self):
        if self.recognizer is None:
            return show_text(self.root, _("Model summary"), _("No weights are loaded."))
        weights = self.recognizer.weights
        return show_text(self.root, _("Model summary"), f"{weights.path}\n\n{summary(weights.kind, weights.params)}")

    def show_about(self):
        if self.recognizer is None:
            network = _("No weights are loaded.")
        else:
            weights = self.recognizer.weights
            shape = "784-128-10" if weights.kind == "mlp" else _("two convolutions, 128, 10")
            network = _("In use: the {network} ({shape}), weights {path}.").format(
                network=_(KIND_NAMES[weights.kind]), shape=shape, path=weights.path)
        # the tutorial's Chinese title only where a font can show it
        tutorial = TUTORIAL if has_cjk_font(tkfont.families(self.root)) else TUTORIAL_IN_ENGLISH
        about = _("digitpad: handwritten digit recognition, after the tutorial {tutorial} (trained on MNIST).")
        messagebox.showinfo(_("About digitpad"), about.format(tutorial=tutorial) + "\n\n" + network,
                            parent=self.root)

    # -- training
    def open_training(self):
        try:
            require_tensorflow()
        except TrainingUnavailable as error:
            self.say(str(error), error=True)
            return
        if self.training is not None and self.training.winfo_exists():
            self.training.deiconify()
            self.training.lift()
            return
        if self.jobs.busy():
            self.say(_("Wait until the adaptation has finished."), error=True)
            return
        weights = self.recognizer.weights if self.recognizer is not None else None
        network = _(KIND_NAMES[weights.kind if weights is not None else self.kind.get()])
        self.training = TrainingDialog(self.root, network=network, data_source=self.data_source,
                                       make_job=self._training_job, on_finished=self._training_finished,
                                       jobs=self.jobs, on_hidden=self._training_hidden,
                                       on_data_source=self._data_source_chosen)

    def _data_source_chosen(self, text):
        self.data_source = text
        self.save_settings()

    def _training_hidden(self):
        self.say(_("Training goes on in the background: Model → Train… shows it, with Cancel."))

    def _training_job(self, settings):
        self.data_source = settings.data
        weights = self.recognizer.weights if self.recognizer is not None else None
        # training goes on from the weights in use (adapted ones: from what they were made from)
        start_from = origin_of(weights.path) if weights is not None and weights.kind == self.kind.get() else None
        self.model_menu.entryconfigure(_("Load weights…"), state="disabled")
        self.say(_("Training… you can keep drawing with the current weights."))
        return training_job(settings, start_from, user_weights(self.kind.get()), self.kind.get())

    def _training_finished(self, outcome):
        self.model_menu.entryconfigure(_("Load weights…"), state="normal")
        if isinstance(outcome, BaseException):
            self.say(_("Training failed, weights unchanged: {error}").format(error=outcome), error=True)
        elif outcome.saved:
            self.use_weights(outcome.out)
            message = _("Now using the new weights: {name} ({accuracy} on MNIST test for the network alone)")
            accuracy = f"{outcome.best_accuracy:.2%}"
            kept = " " + _("The weights before are kept in {name}.") if outcome.backup else ""
            no_head = " " + _("They have no not-a-digit check ({reason}): they never answer \"not a digit\".").format(
                reason=outcome.head_problem) if outcome.head_problem else ""
            self.say(message.format(name=outcome.out.name, accuracy=accuracy) + no_head + kept.format(
                name=outcome.backup.name if outcome.backup else ""), error=bool(no_head),
                tip=message.format(name=outcome.out, accuracy=accuracy) + no_head + kept.format(name=outcome.backup))
        elif outcome.cancelled:
            self.say(_("Training cancelled before any epoch beat the current weights: weights unchanged."))
        else:
            self.say(_("Training ended without beating the weights already there: weights unchanged."))

    def quit(self):
        """Quit; a running training is cancelled first so that no weights are lost."""
        if self.jobs.busy():
            self.say(_("Stopping the {job} before quitting…").format(job=_(self.jobs.name)))
            self.jobs.cancel()
            self.root.after(100, self.quit)
            return
        self.settings.window_size = f"{self.root.winfo_width()}x{self.root.winfo_height()}"
        self.save_settings()
        self.root.destroy()


def run(weights=None):
    try:
        root = tk.Tk()
    except tk.TclError as error:  # no display (a server, ssh without -X): say so, no traceback
        print(_("digitpad: the window cannot open ({error}); the commands work without it: digitpad --help")
              .format(error=error), file=sys.stderr)
        return 2
    App(root, weights)
    root.mainloop()
    return 0
