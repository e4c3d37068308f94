"""The background worker, without a window: a stand-in widget runs its polls by hand."""
import logging
import subprocess
import sys
from pathlib import Path

from digitpad.gui.worker import Worker


class FakeWidget:
    def __init__(self):
        self.pending = []

    def after(self, ms, callback):
        self.pending.append(callback)

    def winfo_exists(self):
        return True

    def run_polls(self):
        while self.pending:
            self.pending.pop(0)()


def failing_job(report, cancel):
    report("started")
    raise ZeroDivisionError("a bug in the job")


def test_a_failure_reaches_the_handler_and_its_traceback_is_logged(caplog):
    widget, seen = FakeWidget(), []
    with caplog.at_level(logging.ERROR):
        worker = Worker(widget, failing_job, on_report=seen.append, on_done=seen.append, on_error=seen.append)
        worker._thread.join()
        widget.run_polls()
    assert seen[0] == "started" and isinstance(seen[1], ZeroDivisionError)
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.exc_info[1] is seen[1] and "failing_job" in record.getMessage()


def test_the_traceback_reaches_stderr_without_any_logging_set_up():
    script = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
              "from test_worker import FakeWidget, failing_job\n"
              "from digitpad.gui.worker import Worker\n"
              "widget = FakeWidget()\n"
              "worker = Worker(widget, failing_job, on_report=print, on_done=print, on_error=print)\n"
              "worker._thread.join(); widget.run_polls()\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "Traceback" in result.stderr and "ZeroDivisionError: a bug in the job" in result.stderr
    assert 'line' in result.stderr and "failing_job" in result.stderr


def test_an_expected_failure_is_shown_without_a_traceback(caplog):
    def job_with_a_bad_file(report, cancel):
        raise FileNotFoundError("no such MNIST folder")

    widget, seen = FakeWidget(), []
    with caplog.at_level(logging.ERROR):
        worker = Worker(widget, job_with_a_bad_file, on_report=seen.append, on_done=seen.append,
                        on_error=seen.append, expected=(OSError,))
        worker._thread.join()
        widget.run_polls()
    assert isinstance(seen[0], FileNotFoundError) and not [r for r in caplog.records if r.exc_info]
