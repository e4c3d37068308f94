"""The user's own handwriting: corrections kept as samples, the Teach dialog, adapting."""
from tkinter import messagebox

from digitpad.gui.calibration import CalibrationDialog
from digitpad.gui.samples_browser import SamplesBrowser
from digitpad.i18n import N_, _, ngettext
from digitpad.paths import user_weights
from digitpad.samples import add_sample, count_samples, delete_samples, read_sample_pixels, remove_sample, samples_dir
from digitpad.training import TrainingUnavailable, require_tensorflow
from digitpad.training.data import load_mnist


class Handwriting:
    """Owns the samples the user keeps and adapting to them; `app` is the main window."""

    def __init__(self, app):
        self.app = app
        self.calibration = None  # the CalibrationDialog while it exists
        self.browser = None  # the SamplesBrowser while it exists
        self.last_kept = None  # the path of the sample the last correction kept, for Undo

    def correct(self, digit):
        """Keep what is on the pad as an example of `digit`, for Model -> Adapt to my handwriting."""
        path = self.keep_sample(digit)
        if path is None:
            return
        self.last_kept = path
        self.app.kept_text.set(_("Kept this drawing as a {digit}.").format(digit=digit))
        self.app.hint.grid_remove()
        self.app.kept.grid(row=3, column=0, columnspan=3, sticky="w", pady=(4, 0))
        self.app.say(_("Model → Adapt to my handwriting learns from your samples; Model → My samples… shows them."))

    def undo_correction(self):
        """Forget the sample the last correction kept."""
        if self.last_kept is None:
            return
        self._forget_sample(self.last_kept)
        self.last_kept = None
        self._hide_kept()
        self.app.say(_("Removed the sample just kept."))

    def pad_changed(self):
        """The user drew: a kept correction is no longer about what is on the pad."""
        self.last_kept = None
        self._hide_kept()
        if self.calibration is not None and self.calibration.winfo_exists():
            self.calibration.pad_changed()

    def _hide_kept(self):
        self.app.kept.grid_remove()
        self.app.hint.grid()

    def show_samples(self):
        """Model → My samples…: the kept samples as thumbnails, to delete or relabel."""
        if self.browser is not None and self.browser.winfo_exists():
            self.browser.lift()
            return
        self.browser = SamplesBrowser(self.app.root, samples_dir(), on_change=self.show_count)

    def keep_sample(self, digit):
        """Store the pad's picture as a sample of digit; its path, or None if there was nothing to keep."""
        pad = self.app.pad
        if pad.is_blank():
            self.app.say(_("Draw a digit first, then click or type its right value."))
            return None
        try:
            path = add_sample(samples_dir(), self.app.chosen_digit_image(), digit)
        except OSError as error:
            self.app.say(_("Cannot keep the sample: {error}").format(error=error), error=True)
            return None
        self.show_count()
        return path

    def teach(self):
        """A short calibration: each digit a few times on the pad."""
        if self.calibration is not None and self.calibration.winfo_exists():
            self.calibration.lift()
            return
        self.app.clear()
        self.calibration = CalibrationDialog(self.app.root, keep=self._keep_and_clear, forget=self._forget_sample,
                                             adapt=self.adapt)

    def _keep_and_clear(self, digit):
        path = self.keep_sample(digit)
        if path is not None:
            self.app.clear()
        return path

    def _forget_sample(self, path):
        try:
            remove_sample(samples_dir(), path)
        except OSError as error:
            self.app.say(_("Cannot remove the sample: {error}").format(error=error), error=True)
        self.show_count()

    def show_count(self):
        count = count_samples(samples_dir())
        self.app.samples_text.set(ngettext("{count} sample kept", "{count} samples kept", count).format(count=count)
                                  if count else "")

    def forget_samples(self):
        count = count_samples(samples_dir())
        question = ngettext("Delete the {count} kept sample?", "Delete the {count} kept samples?", count)
        if count and messagebox.askyesno(_("Forget my samples"), question.format(count=count), parent=self.app.root):
            delete_samples(samples_dir())
            self.show_count()
            self.app.say(ngettext("Deleted {count} sample.", "Deleted {count} samples.", count).format(count=count)
                         + " " + _("Model → Use shipped weights undoes an adaptation."))

    def adapt(self):
        app = self.app
        try:
            require_tensorflow("adapting")
        except TrainingUnavailable as error:
            app.say(str(error), error=True)
            return
        if app.recognizer is None or app.jobs.busy():
            app.say(_("Adapting needs weights and no training running."), error=True)
            return
        start_from = app.recognizer.weights.path
        out = user_weights(app.recognizer.weights.kind)
        data_source = app.data_source

        def job(report, cancel):
            pixels, labels, _skipped = read_sample_pixels(samples_dir())
            report(_("Adapting to {count} samples: loading MNIST to mix in…").format(count=len(labels)))
            data = load_mnist(data_source or None)
            from digitpad.training.train import adapt  # TensorFlow is imported here, off the Tk thread

            report(_("Adapting…"))
            return adapt(data, start_from, pixels, labels, out)

        app.jobs.start(N_("adapting"), job, on_report=self._progress, on_done=self._adapted,
                       on_error=lambda error: app.say(_("Adapting failed, weights unchanged: {error}").format(
                           error=error), True))

    def _progress(self, item):
        if isinstance(item, str):
            self.app.say(item)
        else:
            self.app.say(_("Adapting… epoch {epoch}/{epochs}, batch {batch}/{batches}").format(
                epoch=item.epoch + 1, epochs=item.epochs, batch=item.batch, batches=item.batches))

    def _adapted(self, result):
        self.app.use_weights(result.out)
        mnist = f"{result.mnist_after:.2%}"
        if result.mnist_before is not None:
            mnist = f"{result.mnist_before:.2%} → {mnist}"
        self.app.say(_("Adapted in {seconds} s: your samples {before} → {after} right; MNIST test {mnist}. "
                       "Model → Use shipped weights undoes it.").format(
            seconds=f"{result.seconds:.0f}", before=f"{result.samples_before:.0%}",
            after=f"{result.samples_after:.0%}", mnist=mnist))
