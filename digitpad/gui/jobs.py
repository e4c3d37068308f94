"""One background job at a time: a training or an adaptation, never both."""
from digitpad.adapting import AdaptingError
from digitpad.gui.worker import Worker
from digitpad.labels import LabelsError
from digitpad.recognition.images import ImageError
from digitpad.recognition.weights import WeightsError
from digitpad.training import TrainingUnavailable
from digitpad.training.data import DataError

# what a job's user can fix (a bad file, missing data, a full disk): said in one line, no traceback
USER_ERRORS = (AdaptingError, DataError, ImageError, LabelsError, OSError, TrainingUnavailable, WeightsError)


class JobSlot:
    def __init__(self, widget):
        self._widget = widget
        self.worker = None
        self.name = ""  # "training" or "adapting", while busy

    def busy(self):
        return self.worker is not None and self.worker.running()

    def start(self, name, job, *, on_report, on_done, on_error, widget=None):
        """Run job(report, cancel) in a Worker polled by widget (the window unless given);
        returns the Worker, or None when another job is still running."""
        if self.busy():
            return None
        self.name = name
        self.worker = Worker(widget or self._widget, job, on_report=on_report, on_done=on_done, on_error=on_error,
                             expected=USER_ERRORS)
        return self.worker

    def cancel(self):
        if self.busy():
            self.worker.cancel.set()
