"""Model -> Train...: settings, then live progress, a chart and Cancel."""
import time
import tkinter as tk
from dataclasses import dataclass
from tkinter import filedialog, ttk

from digitpad.gui.placement import place_beside
from digitpad.gui.wrapping import lines_needed
from digitpad.i18n import N_, _, has_cjk_font
from digitpad.training.data import describe_source, load_mnist
from digitpad.training.limits import MAX_BATCH_SIZE, MAX_EPOCHS
from digitpad.training.progress import HeadProgress

# a failed download: where a window user gives local files instead (the command line says --data)
DATA_HINT = N_("choose a folder with the four MNIST IDX files, or an mnist.npz, in the field “MNIST data” above")
STATUS_LINES = 3  # lines of the status; a message that needs more (a long error) makes them more


@dataclass(frozen=True)
class TrainingSettings:
    epochs: int
    batch_size: int
    augment: bool
    data: str  # MNIST folder or .npz; "" downloads


def training_job(settings, start_from, out, kind):
    """The work done in the worker thread: load MNIST, import TensorFlow, train."""

    def job(report, cancel):
        report(_("Loading MNIST from {source}…").format(source=describe_source(settings.data or None)))
        data = load_mnist(settings.data or None, hint=_(DATA_HINT))
        report(_("Starting TensorFlow…"))
        from digitpad.training.train import train  # TensorFlow is imported here, off the Tk thread

        # drawing the writing styles takes seconds before the first batch (styles.py)
        report(_("Preparing the augmented training images…") if settings.augment else _("Training…"))
        return train(data, out, start_from=start_from, epochs=settings.epochs, batch_size=settings.batch_size,
                     augment=settings.augment, on_progress=report, cancel=cancel, kind=kind)

    return job


ESTIMATE_AFTER_BATCHES = 20  # the batch rate of an epoch is trusted from this many batches on


class TrainingDialog(tk.Toplevel):
    """make_job(settings) gives the work to run in a Worker; on_finished(result or exception) when it ends;
    on_hidden() when it is closed while training goes on; on_data_source(text) when the MNIST field changes."""

    def __init__(self, master, *, network, data_source, make_job, on_finished, jobs,
                 on_hidden=lambda: None, on_data_source=lambda text: None):
        super().__init__(master)
        self.title(_("digitpad — train the {network}").format(network=network))
        self.resizable(False, False)
        self.worker = None
        self._jobs = jobs
        self._make_job, self._on_finished, self._on_hidden = make_job, on_finished, on_hidden
        self._epoch_started = None  # (epoch, monotonic time, batch) when the current epoch was first seen
        self._history = []
        self._chart = None
        self._fitting_head = False  # the weights are saved; their not-a-digit check is being fitted
        self._build_settings(data_source)
        self.data.trace_add("write", lambda *_args: on_data_source(self.data.get().strip()))
        self._build_progress()
        self.protocol("WM_DELETE_WINDOW", self.close)
        self.bind("<Escape>", lambda event: self.close())
        self.bind("<Return>", lambda event: None if self.running() else self.start())
        self.transient(master)
        place_beside(self, master)  # the pad stays free for drawing while training runs

    # -- settings
    def _build_settings(self, data_source):
        form = ttk.LabelFrame(self, text=_("Settings"), padding=8)
        form.grid(row=1, column=0, sticky="ew", padx=8, pady=(8, 4))
        self.epochs = tk.IntVar(self, 5)
        self.batch_size = tk.IntVar(self, 32)
        self.augment = tk.BooleanVar(self, True)
        self.data = tk.StringVar(self, data_source)
        ttk.Label(form, text=_("Epochs")).grid(row=0, column=0, sticky="w")
        ttk.Spinbox(form, from_=1, to=MAX_EPOCHS, textvariable=self.epochs, width=6).grid(row=0, column=1, sticky="w")
        ttk.Label(form, text=_("Batch size")).grid(row=0, column=2, sticky="w", padx=(16, 0))
        ttk.Spinbox(form, from_=1, to=MAX_BATCH_SIZE, textvariable=self.batch_size, width=6).grid(row=0, column=3, sticky="w")
        ttk.Checkbutton(form, text=_("Augment: rotation, shift, zoom, stroke width, other writing styles"),
                        variable=self.augment).grid(row=1, column=0, columnspan=4, sticky="w", pady=4)
        ttk.Label(form, text=_("MNIST data")).grid(row=2, column=0, sticky="w", padx=(0, 6))
        ttk.Entry(form, textvariable=self.data, width=36).grid(row=2, column=1, columnspan=3, sticky="ew")
        ttk.Button(form, text=_("Browse…"), command=self._browse).grid(row=2, column=4, padx=(4, 0))
        ttk.Label(form, text=_("A folder with the four IDX files, or an mnist.npz; empty downloads MNIST."),
                  foreground="#555").grid(row=3, column=0, columnspan=5, sticky="w")
        self.start_button = ttk.Button(form, text=_("Start"), command=self.start, default="active")
        self.start_button.grid(row=4, column=4, sticky="e", pady=(6, 0))
        self._form = form

    def _browse(self):
        folder = filedialog.askdirectory(parent=self, title=_("Folder with the MNIST IDX files"))
        if folder:
            self.data.set(folder)

    def settings(self):
        """The fields as TrainingSettings; ValueError for anything but whole numbers (IntVar takes "1.5")."""
        epochs, batch_size = (str(self.getvar(str(variable))).strip() for variable in (self.epochs, self.batch_size))
        if not (epochs.lstrip("-").isdigit() and batch_size.lstrip("-").isdigit()):
            raise ValueError
        return TrainingSettings(int(epochs), int(batch_size), bool(self.augment.get()), self.data.get().strip())

    # -- progress
    def _build_progress(self):
        box = ttk.LabelFrame(self, text=_("Progress"), padding=8)
        box.grid(row=2, column=0, sticky="ew", padx=8, pady=4)
        self.status = tk.StringVar(self, _("Not started."))
        # fixed sizes: the dialog keeps its size as messages and numbers change; a message too long for
        # STATUS_LINES (a failed download names its URL) makes the status taller rather than being cut
        self.status_label = tk.Label(box, textvariable=self.status, wraplength=480, height=STATUS_LINES, anchor="nw",
                                     justify="left")
        self.status_label.grid(row=0, column=0, columnspan=2, sticky="ew")
        self.status_label.bind("<Configure>", lambda event: self._fit_status(event.width - 4))
        self.status.trace_add("write", lambda *_args: self._fit_status())
        ttk.Label(box, text=_("Epochs")).grid(row=1, column=0, sticky="w")
        self.epoch_bar = ttk.Progressbar(box, length=360, mode="determinate")
        self.epoch_bar.grid(row=1, column=1, sticky="ew", pady=2)
        ttk.Label(box, text=_("Batches")).grid(row=2, column=0, sticky="w")
        self.batch_bar = ttk.Progressbar(box, length=360, mode="determinate")
        self.batch_bar.grid(row=2, column=1, sticky="ew", pady=2)
        self.numbers = tk.StringVar(self, "")
        tk.Label(box, textvariable=self.numbers, font="TkFixedFont", height=3, wraplength=480, anchor="nw",
                 justify="left").grid(row=3, column=0, columnspan=2, sticky="ew")
        self._chart_frame = ttk.Frame(box, width=_Chart.WIDTH, height=_Chart.HEIGHT)
        self._chart_frame.grid(row=4, column=0, columnspan=2)
        buttons = ttk.Frame(self, padding=(8, 0, 8, 8))
        buttons.grid(row=3, column=0, sticky="e")
        self.cancel_button = ttk.Button(buttons, text=_("Cancel"), command=self.cancel, state="disabled")
        self.cancel_button.pack(side="left")
        ttk.Button(buttons, text=_("Close"), command=self.close).pack(side="left", padx=(6, 0))

    def _fit_status(self, wrap=None):
        if wrap is not None and wrap != int(str(self.status_label.cget("wraplength"))):
            self.status_label.configure(wraplength=wrap)
        lines = max(STATUS_LINES, lines_needed(self.status_label, self.status.get()))
        if lines != int(self.status_label.cget("height")):
            self.status_label.configure(height=lines)

    def start(self):
        try:
            settings = self.settings()
        except (tk.TclError, ValueError):
            self.status.set(_("Epochs and batch size must be whole numbers."))
            return
        if not (1 <= settings.epochs <= MAX_EPOCHS and 1 <= settings.batch_size <= MAX_BATCH_SIZE):
            self.status.set(_("Epochs must be 1 to {epochs} and batch size 1 to {batch_size}.").format(
                epochs=MAX_EPOCHS, batch_size=MAX_BATCH_SIZE))
            return
        if self._jobs.busy():
            self.status.set(_("Wait until the {job} has finished.").format(job=_(self._jobs.name)))
            return
        self._set_form_state("disabled")
        self.cancel_button.state(["!disabled"])
        self._epoch_started = None
        self._history = []
        self._fitting_head = False
        self.numbers.set("")
        self.epoch_bar.configure(maximum=settings.epochs, value=0)
        self.batch_bar.configure(value=0)
        self.worker = self._jobs.start(N_("training"), self._make_job(settings), widget=self, on_report=self._report,
                                       on_done=self._finished, on_error=self._finished)

    def _set_form_state(self, state):
        for child in self._form.winfo_children():
            if isinstance(child, (ttk.Entry, ttk.Button, ttk.Checkbutton, ttk.Spinbox)):
                child.state([state])

    def running(self):
        return self.worker is not None and self.worker.running()

    def cancel(self):
        if self.running():
            self.worker.cancel.set()
            self.status.set(_("Cancelling: the new weights are kept, without their not-a-digit check…")
                            if self._fitting_head else _("Cancelling: the best weights so far are kept…"))
            self.cancel_button.state(["disabled"])

    def close(self):
        """Closing while training hides the dialog and the training goes on (Model → Train… shows it again)."""
        if self.running():
            self.withdraw()
            self._on_hidden()
        else:
            self.destroy()

    def _report(self, item):
        if isinstance(item, str):
            self.status.set(item)
            return
        if isinstance(item, HeadProgress):
            self._head_progress(item)
            return
        if not self.worker.cancel.is_set():
            self.status.set(_("Training…"))
        self.batch_bar.configure(maximum=item.batches, value=item.batch)
        self.epoch_bar.configure(value=item.epoch + item.batch / item.batches)
        self.numbers.set(_("epoch {epoch}/{epochs}  batch {batch}/{batches}\nloss {loss}  accuracy {accuracy}\n"
                           "left {left}").format(epoch=item.epoch + 1, epochs=item.epochs, batch=item.batch,
                                                 batches=item.batches, loss=f"{item.loss:.4f}",
                                                 accuracy=f"{item.accuracy:.2%}", left=self._time_left(item)))
        if item.epoch_done:
            self._history.append(item)
            self._draw_chart()

    def _head_progress(self, item):
        """The weights are saved: their not-a-digit check is fitted on MNIST (the Batches bar shows how far)."""
        self._fitting_head = True
        if not self.worker.cancel.is_set():
            self.status.set(_("Fitting the not-a-digit check for the new weights (they are saved)…"))
        self.batch_bar.configure(maximum=item.steps, value=item.step)
        self.numbers.set(_("not-a-digit check: step {step}/{steps}").format(step=item.step, steps=item.steps))

    def _time_left(self, item):
        """From the batch rate measured in the current epoch (the first epoch's start is slower)."""
        now = time.monotonic()
        if self._epoch_started is None or self._epoch_started[0] != item.epoch:
            self._epoch_started = (item.epoch, now, item.batch)
        _epoch, since, first_batch = self._epoch_started
        measured = item.batch - first_batch
        if measured < ESTIMATE_AFTER_BATCHES or now <= since:
            return _("estimating…")
        per_batch = (now - since) / measured
        batches_left = (item.batches - item.batch) + (item.epochs - item.epoch - 1) * item.batches
        return _clock(batches_left * per_batch)

    def _draw_chart(self):
        if self._chart is None:
            self._chart = _Chart(self._chart_frame)
        self._chart.draw(self._history)

    def _finished(self, outcome):
        self.cancel_button.state(["disabled"])
        self._set_form_state("!disabled")  # ready for the next run; the chart of this one stays
        if isinstance(outcome, BaseException):
            self.status.set(_("Training failed: {error}").format(error=outcome))
        elif outcome.saved:
            message = (_("Cancelled; kept the best weights ({accuracy} on MNIST test) in {path}") if outcome.cancelled
                       else _("Done: the best weights ({accuracy} on MNIST test) in {path}"))
            self.status.set(message.format(accuracy=f"{outcome.best_accuracy:.2%}", path=outcome.out))
            # below, where the head's steps were counted (the status has no room left for it)
            if outcome.head is not None:
                self.numbers.set(_("Their not-a-digit check: {path}").format(path=outcome.head.name))
            elif outcome.head_problem:
                self.numbers.set(_("They have no not-a-digit check ({reason}): they never answer \"not a digit\".")
                                 .format(reason=outcome.head_problem))
        else:
            self.status.set(_("Cancelled: no epoch beat the current weights; nothing was changed.") if outcome.cancelled
                            else _("Done: no epoch beat the current weights; nothing was changed."))
        self._on_finished(outcome)


class _Chart:
    """Loss and validation accuracy per epoch (matplotlib, imported only when a chart is drawn)."""

    WIDTH, HEIGHT = 468, 153  # px: figsize times dpi; the dialog fits an 800x600 screen

    def __init__(self, master):
        from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(5.2, 1.7), dpi=90)
        self.figure.subplots_adjust(left=0.13, right=0.83, bottom=0.27, top=0.95)
        self.loss_axes = self.figure.add_subplot()
        self.accuracy_axes = self.loss_axes.twinx()
        self.canvas = FigureCanvasTkAgg(self.figure, master=master)
        self.canvas.get_tk_widget().pack()

    def draw(self, history):
        from matplotlib import rc_context

        with rc_context({"font.family": _chart_fonts()}):  # text takes its fonts when it is made
            self._draw(history)

    def _draw(self, history):
        epochs = range(1, len(history) + 1)
        self.loss_axes.clear()
        self.accuracy_axes.clear()
        self.loss_axes.plot(epochs, [h.loss for h in history], "o-", color="#d1651f", label=_("loss"))
        self.loss_axes.plot(epochs, [h.val_loss for h in history], "o--", color="#d1a01f", label=_("test loss"))
        self.accuracy_axes.plot(epochs, [h.val_accuracy for h in history], "s-",
                                color="#1f6fd1", label=_("test accuracy"))
        self.loss_axes.set_xlabel(_("epoch"))
        self.loss_axes.set_ylabel(_("loss"))
        self.accuracy_axes.set_ylabel(_("test accuracy"))
        self.accuracy_axes.yaxis.set_label_position("right")  # clear() moved it to the left
        self.loss_axes.set_xticks(list(epochs))  # whole epochs, even when there is only one
        lines = self.loss_axes.get_lines() + self.accuracy_axes.get_lines()
        self.loss_axes.legend(lines, [line.get_label() for line in lines], fontsize=7, loc="center right")
        self.canvas.draw_idle()


def _chart_fonts():
    """matplotlib's default font, then the installed CJK fonts for what it lacks (Chinese labels)."""
    from matplotlib import font_manager

    default = font_manager.FontProperties().get_name()
    installed = sorted({font.name for font in font_manager.fontManager.ttflist})
    return [default, *(name for name in installed if has_cjk_font([name]) and name != default)]


def _clock(seconds):
    if seconds != seconds:  # not known yet
        return "--:--"
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes:02d}:{seconds:02d}"
