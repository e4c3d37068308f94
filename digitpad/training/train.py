"""Training the tutorial's model on MNIST, with progress reports and cancel.

Follows the tutorial: pixels / 255, Adam, batch 32, 5 epochs, validation on the
test set every epoch, only the best weights kept (ModelCheckpoint), resuming from
existing weights. One addition: the weights validated and kept are a moving average
over about the last epoch. Each new best replaces the weights file in one rename: a
crash, a kill or a cancel leaves the last complete best, never a broken file. Weights
already in the file are replaced only by better ones (unless asked), and kept as a backup.

New convolutional weights then get their "not a digit" head fitted, in the same job (progress
as HeadProgress, the same cancel), and written beside them; the head that went with the
weights replaced goes with them to the backup.
"""
import dataclasses
import math
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from digitpad.i18n import _
from digitpad.recognition.not_digit import head_path
from digitpad.recognition.weights import (
    WeightsError,
    backup_path,
    check_output,
    check_training_output,
    keep_backup,
    partial_path,
    read_weights,
    replace_atomically,
    training_lock,
    write_attributes,
)
from digitpad.training.models import build_model, load_weights_into
from digitpad.training.not_digit import FittingCancelled, fit_head_for, needs_own_head, write_head

ACCURACY = "sparse_categorical_accuracy"
VAL_ACCURACY = f"val_{ACCURACY}"
REPORT_INTERVAL = 0.1  # seconds between batch progress reports


@dataclass(frozen=True)
class Progress:
    """Passed to on_progress while training runs (from the training thread)."""

    epoch: int  # 0-based
    epochs: int
    batch: int  # batches done in this epoch
    batches: int  # batches per epoch
    loss: float  # running loss and accuracy on this epoch's training batches
    accuracy: float
    val_loss: float | None = None  # on MNIST test, at the end of an epoch
    val_accuracy: float | None = None
    epoch_done: bool = False


@dataclass(frozen=True)
class EpochRecord:
    epoch: int  # 1-based, as printed
    loss: float
    accuracy: float
    val_loss: float
    val_accuracy: float
    seconds: float


@dataclass(frozen=True)
class TrainingResult:
    out: Path
    history: list  # EpochRecord per completed epoch
    start_accuracy: float | None  # test accuracy of the weights resumed from
    best_accuracy: float | None  # test accuracy of the weights now in out
    saved: bool  # whether out was (re)written
    cancelled: bool
    out_accuracy: float | None = None  # test accuracy of the weights that were in out (None: none, or replace)
    backup: Path | None = None  # where the weights out held before are kept, when out was replaced
    head: Path | None = None  # the not-a-digit head fitted for the new weights, beside them
    head_problem: str | None = None  # why new weights that need a head of their own have none (translated, short)


def scale(images):
    """uint8 MNIST images -> float32 in 0..1, as the tutorial does (x / 255)."""
    return np.asarray(images, dtype=np.float32) / 255.0


def train(
    data,
    out,
    *,
    start_from=None,
    epochs=5,
    batch_size=32,
    augment=False,
    seed=None,
    on_progress=None,
    cancel=None,
    kind="mlp",
    replace=False,
):
    """Train and keep the best weights in `out`; return a TrainingResult.

    data: ((x_train, y_train), (x_test, y_test)) as from data.load_mnist.
    start_from: weights to resume from (None trains from scratch); they must exist.
    cancel: a threading.Event; setting it stops within a batch or two, keeping the
    best weights saved so far, or the previous file if nothing improved.
    kind: "mlp" (the tutorial's network) or "cnn" (see network.py).
    replace: False keeps weights already in `out` unless an epoch beats them on this
    test set; True lets the training's best replace them whatever their accuracy.
    The first time `out` is replaced, the file it held is kept as backup_path(out).
    Only one training at a time writes `out` (else TrainingBusy).
    New weights of a kind that needs its own not-a-digit head ("cnn") then get one fitted on
    data's training images and written beside them; cancel then keeps the weights, without one.
    """
    out = Path(out)
    check_training_output(out, replace)  # before any long work: a bad --out is found at once
    if start_from is not None:
        held = read_weights(start_from).kind
        if held != kind:
            raise WeightsError(_("{path} holds weights of the {kind} network: train it with --model {kind}")
                               .format(path=start_from, kind=held))
    cancel = cancel or threading.Event()
    with training_lock(out):
        result = _train_locked(data, out, start_from, epochs, batch_size, augment, seed, on_progress, cancel,
                               kind, replace)
        if result.saved and needs_own_head(kind):
            result = _with_head(result, data[0], on_progress, cancel)
        return result


def _with_head(result, training_data, on_progress, cancel):
    """The result, its new weights given their head (written atomically beside them) when it
    can be fitted; else the weights stay usable without one, and head_problem says why."""
    where = head_path(result.out)
    if cancel.is_set():
        reason = _("cancelled")
    elif os.path.islink(where) or (os.path.lexists(where) and not where.is_file()):
        reason = _("{path} is in its place and is not a file").format(path=where)  # found before minutes of fitting
    else:
        try:
            head = fit_head_for(read_weights(result.out), *training_data, on_progress=on_progress, cancel=cancel)
            write_head(where, head)
            return dataclasses.replace(result, head=where)
        except FittingCancelled:
            reason = _("cancelled")
        except Exception as error:  # noqa: BLE001 (the weights are saved: any failure of the head leaves them usable)
            reason = " ".join(str(error).split()) or type(error).__name__
    return dataclasses.replace(result, head_problem=reason, cancelled=cancel.is_set())


def _train_locked(data, out, start_from, epochs, batch_size, augment, seed, on_progress, cancel, kind, replace):
    if seed is not None:
        keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = data
    x_train, x_test = scale(x_train), scale(x_test)
    model = build_model(kind, optimizer=_averaging_adam(steps_per_epoch=math.ceil(len(x_train) / batch_size)))
    start_accuracy = None
    if start_from is not None:
        load_weights_into(model, start_from)
        start_accuracy = _accuracy(model, x_test, y_test)
    out_accuracy = None if replace else _accuracy_of_file(out, start_from, start_accuracy, x_test, y_test)
    threshold = max((a for a in (start_accuracy, out_accuracy) if a is not None), default=None)

    reporter = _Reporter(epochs, on_progress, cancel)
    with partial_path(out) as partial:
        checkpoint = _BestWeights(partial, out, cancel, threshold, reporter, needs_own_head(kind))
        model.fit(
            **_training_input(x_train, y_train, batch_size, augment, seed, kind),
            validation_data=(x_test, y_test),
            epochs=epochs,
            callbacks=[keras.callbacks.SwapEMAWeights(swap_on_epoch=True), reporter, checkpoint],
            verbose=0,
        )
    return TrainingResult(
        out=out,
        history=reporter.history,
        start_accuracy=start_accuracy,
        best_accuracy=checkpoint.best_accuracy if checkpoint.saved else out_accuracy,
        saved=checkpoint.saved,
        cancelled=cancel.is_set(),
        out_accuracy=out_accuracy,
        backup=checkpoint.backup,
    )


def _accuracy_of_file(out, start_from, start_accuracy, x_test, y_test):
    """Test accuracy of the weights already in out (None when there are none), measured on the
    same test set as the training's epochs, so that only a better epoch replaces them."""
    if not out.exists():
        return None
    if start_from is not None and out.resolve() == Path(start_from).resolve():
        return start_accuracy
    model = build_model(read_weights(out).kind)  # check_training_output() found weights there
    load_weights_into(model, out)
    return _accuracy(model, x_test, y_test)


def _averaging_adam(steps_per_epoch):
    """Adam that also keeps a moving average of the weights over about the last epoch
    (Polyak averaging). In train(), SwapEMAWeights, first among the callbacks, puts the
    average in place for validation and for the checkpoint; adapt() puts it in place at the
    end. Either way the weights kept are the average."""
    return keras.optimizers.Adam(use_ema=True, ema_momentum=1 - 1 / steps_per_epoch)


def _training_input(x, y, batch_size, augment, seed, kind):
    """model.fit's training arguments: plain arrays as the tutorial, or an augmented dataset."""
    if not augment:
        return {"x": x, "y": y, "batch_size": batch_size}
    from digitpad.training.augment import THICK_PENS, augmented_dataset

    dataset = augmented_dataset(x, y, batch_size, seed, thick_pens=THICK_PENS[kind])
    return {"x": dataset, "shuffle": False}  # the dataset shuffles


class _BestWeights(keras.callbacks.ModelCheckpoint):
    """ModelCheckpoint (weights only, best only, by test accuracy) that puts each new best
    in place of `out` atomically, and ignores a cancelled epoch."""

    async_safe = True  # with save_freq="epoch" its batch hook does nothing

    def __init__(self, partial, out, cancel, threshold, reporter, own_head):
        super().__init__(
            str(partial),
            monitor=VAL_ACCURACY,
            mode="max",
            save_best_only=True,
            save_weights_only=True,
            initial_value_threshold=threshold,
        )
        self.partial, self.out = Path(partial), Path(out)
        self.best_accuracy = None
        self.saved = False
        self.backup = None
        self._cancel, self._reporter = cancel, reporter
        self._own_head = own_head  # whether out's head belongs to out's weights alone

    def on_epoch_end(self, epoch, logs=None):
        if self._cancel.is_set():  # a cut-short epoch is never compared
            return
        best_before = self.best
        super().on_epoch_end(epoch, logs)
        if self.best != best_before:  # this epoch was the best so far: ModelCheckpoint wrote it
            self.best_accuracy = float(self.best)
            write_attributes(self.partial, test_accuracy=self.best_accuracy, epochs=len(self._reporter.history))
            if not self.saved:  # the file as it was before this training, kept once
                self.backup = keep_backup(self.out)
                if self._own_head and self.backup is not None:
                    _head_with_backup(self.out)
            replace_atomically(self.partial, self.out)
            self.saved = True


def _head_with_backup(out):
    """Before out's weights are replaced by new ones (their backup just made): their head goes
    beside the backup (one rename), else the backup's old head, of weights no longer kept, is
    removed. A head is never left beside other weights."""
    head, backup_head = head_path(out), head_path(backup_path(out))
    check_output(backup_head)
    if os.path.lexists(head):
        os.replace(head, backup_head)
    else:
        backup_head.unlink(missing_ok=True)


class _Reporter(keras.callbacks.Callback):
    """Reports progress (throttled), records the per-epoch history, and stops on cancel."""

    async_safe = True  # Keras may call the batch hook from its own thread: it only reports

    def __init__(self, epochs, on_progress, cancel):
        super().__init__()
        self.epochs = epochs
        self.history = []
        self._on_progress = on_progress or (lambda progress: None)
        self._cancel = cancel
        self._epoch = 0
        self._epoch_start = self._last_report = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._epoch_start = time.monotonic()

    def on_train_batch_begin(self, batch, logs=None):
        if self._cancel.is_set():
            self.model.stop_training = True

    def on_test_batch_begin(self, batch, logs=None):
        if self._cancel.is_set():
            self.model.stop_evaluating = True

    def on_train_batch_end(self, batch, logs=None):
        now = time.monotonic()
        batches = self.params["steps"]
        if now - self._last_report >= REPORT_INTERVAL or batch + 1 == batches:
            self._last_report = now
            logs = _floats(logs)
            self._on_progress(Progress(self._epoch, self.epochs, batch + 1, batches,
                                       logs.get("loss", float("nan")), logs.get(ACCURACY, float("nan"))))

    def on_epoch_end(self, epoch, logs=None):
        if self._cancel.is_set():
            return
        logs = _floats(logs)
        self.history.append(
            EpochRecord(
                epoch=epoch + 1,
                loss=logs["loss"],
                accuracy=logs[ACCURACY],
                val_loss=logs.get("val_loss", float("nan")),  # adapt() validates only at the end
                val_accuracy=logs.get(VAL_ACCURACY, float("nan")),
                seconds=time.monotonic() - self._epoch_start,
            )
        )
        steps = self.params["steps"]
        record = self.history[-1]
        self._on_progress(Progress(epoch, self.epochs, steps, steps, record.loss, record.accuracy,
                                   record.val_loss, record.val_accuracy, epoch_done=True))


def _floats(logs):
    return {key: float(value) for key, value in (logs or {}).items()}


def _accuracy(model, x, y):
    return model.evaluate(x, y, batch_size=256, verbose=0, return_dict=True)[ACCURACY]
