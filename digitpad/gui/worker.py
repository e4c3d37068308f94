"""Long work off the Tk thread: the worker never touches a widget, it posts to a queue
that the Tk thread polls with after()."""
import logging
import queue
import threading

POLL_MS = 50
log = logging.getLogger(__name__)


class Worker:
    """Runs job(report, cancel) in a daemon thread.

    report(item) may be called from any thread; on_report(item), then on_done(result)
    or on_error(exception), run on the Tk thread. A failure of a type in `expected` (a bad
    file, missing data) is the user's to fix: it is only shown; any other is a bug and its
    traceback is logged as well.
    """

    def __init__(self, widget, job, *, on_report, on_done, on_error, expected=()):
        self._expected = expected
        self.cancel = threading.Event()
        self._widget = widget
        self._queue = queue.Queue()
        self._handlers = {"report": on_report, "done": on_done, "error": on_error}
        self._thread = threading.Thread(target=self._run, args=(job,), daemon=True)
        self._thread.start()
        self._widget.after(POLL_MS, self._poll)

    def running(self):
        return self._thread.is_alive() or not self._queue.empty()

    def _run(self, job):
        try:
            self._queue.put(("done", job(lambda item: self._queue.put(("report", item)), self.cancel)))
        except BaseException as error:  # every failure reaches the user as a message
            # and its traceback reaches stderr: the window shows only str(error), a bug must not hide
            if not isinstance(error, self._expected):
                log.error("%s failed", getattr(job, "__qualname__", "a background job"), exc_info=error)
            self._queue.put(("error", error))

    def _poll(self):
        try:
            while True:
                kind, value = self._queue.get_nowait()
                self._handlers[kind](value)
                if kind != "report":
                    return
        except queue.Empty:
            pass
        if self._widget.winfo_exists():
            self._widget.after(POLL_MS, self._poll)
