"""The user's own handwriting: corrections kept as samples, the Teach dialog, adapting."""
from tkinter import messagebox

from digitpad.adapting import adapt, origin_of
from digitpad.gui.calibration import CalibrationDialog
from digitpad.gui.samples_browser import SamplesBrowser
from digitpad.i18n import N_, _, ngettext
from digitpad.paths import adapted_weights
from digitpad.recognition.weights import WeightsError
from digitpad.samples import add_sample, count_samples, delete_samples, read_sample_pixels, remove_sample, samples_dir
from digitpad.training.data import DataError


class Handwriting:
    """Owns the samples the user keeps and adapting to them; `app` is the main window."""

    def __init__(self, app):
        self.app = app
        self.calibration = None  # the CalibrationDialog while it exists
        self.browser = None  # the SamplesBrowser while it exists
        self.last_kept = None  # the path of the sample the last correction kept, for Undo
        self._adapt_again = False  # a correction came while adapting: adapt once more at the end

    def correct(self, digit):
        """Keep what is on the pad as an example of `digit`, for Model -> Adapt to my handwriting."""
        path = self.keep_sample(digit)
        if path is None:
            return
        self.last_kept = path
        self.app.show_correction(digit)
        self.app.kept_text.set(_("Kept as your sample of {digit}.").format(digit=digit))
        self.app.hint.grid_remove()
        self.app.kept.grid(row=3, column=0, columnspan=3, sticky="w", pady=(4, 0))
        if self.app.auto_adapt.get():
            self.adapt()
        else:
            self.app.say(_("Model → Adapt to my handwriting learns from your samples; "
                           "Model → My samples… shows them."))

    def undo_correction(self):
        """Forget the sample the last correction kept."""
        if self.last_kept is None:
            return
        self._forget_sample(self.last_kept)
        self.last_kept = None
        self._hide_kept()
        self.app.forget_correction()  # the answer shows what was read again
        self.app.say(_("Removed the sample just kept."))
        if self.app.auto_adapt.get():  # the weights must not keep what was learnt from it
            if count_samples(samples_dir()):
                self.adapt()  # (after a running adaptation: once more)
            elif self.app.recognizer is not None:
                self.app.use_weights(origin_of(self.app.recognizer.weights.path), quiet=True)

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
        except (OSError, DataError) as error:
            self.app.say(_("Cannot keep the sample: {error}").format(error=error), error=True)
            return None
        self._samples_changed()
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
        self._samples_changed()

    def _samples_changed(self):
        """Samples were kept or removed here: the count, and My samples when it is open, show it."""
        self.show_count()
        if self.browser is not None and self.browser.winfo_exists():
            self.browser.refresh()

    def show_count(self):
        count = count_samples(samples_dir())
        self.app.samples_text.set(ngettext("{count} sample kept", "{count} samples kept", count).format(count=count)
                                  if count else "")

    def forget_samples(self):
        count = count_samples(samples_dir())
        question = ngettext("Delete the {count} kept sample?", "Delete the {count} kept samples?", count)
        if count and messagebox.askyesno(_("Forget my samples"), question.format(count=count), parent=self.app.root):
            try:
                delete_samples(samples_dir())
            except DataError as error:
                self._samples_changed()
                self.app.say(str(error), error=True)
                return
            self._samples_changed()
            self.app.say(ngettext("Deleted {count} sample.", "Deleted {count} samples.", count).format(count=count)
                         + " " + _("Model → Use shipped weights undoes an adaptation."))

    def adapt(self):
        """Adapt the weights in use to the kept samples, in the background (numpy, about a second)."""
        app = self.app
        if app.recognizer is None:
            app.say(_("Adapting needs weights: train or load some first."), error=True)
            return
        if app.jobs.busy():
            if app.jobs.name == N_("adapting"):
                self._adapt_again = True  # the samples changed: adapt again, from the start, when this ends
            else:
                app.say(_("Adapting waits for the training to end."), error=True)
            return
        try:
            start_from = origin_of(app.recognizer.weights.path)  # adapted weights: the ones they came from
        except WeightsError as error:
            app.say(_("Cannot adapt: {error}").format(error=error), error=True)
            return
        out = adapted_weights(app.recognizer.weights.kind)

        def job(report, cancel):
            pixels, labels, _skipped = read_sample_pixels(samples_dir())
            report(ngettext("Adapting to your {count} sample…", "Adapting to your {count} samples…",
                            len(labels)).format(count=len(labels)))
            return adapt(start_from, pixels, labels, out, cancel=cancel)

        self._adapt_again = False
        app.jobs.start(N_("adapting"), job, on_report=app.say, on_done=self._adapted,
                       on_error=lambda error: app.say(_("Adapting failed, weights unchanged: {error}").format(
                           error=error), True))

    def _adapted(self, result):
        if result.cancelled:
            self.app.say(_("Adapting stopped: weights unchanged."))
            return
        self.app.use_weights(result.out, quiet=self.app.pad.is_blank())  # the answer on the pad, as adapted
        self.app.say(_("Adapted in {seconds} s: your samples {before} → {after} right. "
                       "Model → Use shipped weights undoes it.").format(
            seconds=f"{result.seconds:.1f}", before=f"{result.samples_before:.0%}",
            after=f"{result.samples_after:.0%}"))
        if self._adapt_again:
            self.adapt()
