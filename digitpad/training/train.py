"""Training the tutorial's model on MNIST, with progress reports and cancel.

Follows the tutorial: pixels / 255, Adam, batch 32, 5 epochs, validation on the
test set every epoch, only the best weights kept (ModelCheckpoint), resuming from
existing weights. One addition: the weights validated and kept are a moving average
over about the last epoch. Each new best replaces the weights file in one rename: a
crash, a kill or a cancel leaves the last complete best, never a broken file. Weights
already in the file are replaced only by better ones (unless asked), and kept as a backup.
"""
import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from digitpad.recognition.weights import (
    WeightsError,
    check_training_output,
    keep_backup,
    partial_path,
    read_weights,
    replace_atomically,
    training_lock,
    write_attributes,
)
from digitpad.training.models import build_model, load_weights_into

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
    """
    out = Path(out)
    check_training_output(out, replace)  # before any long work: a bad --out is found at once
    if start_from is not None:
        held = read_weights(start_from).kind
        if held != kind:
            raise WeightsError(f"{start_from} holds weights of the {held} network: train it with --model {held}")
    with training_lock(out):
        return _train_locked(data, out, start_from, epochs, batch_size, augment, seed, on_progress,
                             cancel or threading.Event(), kind, replace)


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
        checkpoint = _BestWeights(partial, out, cancel, threshold, reporter)
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

    def __init__(self, partial, out, cancel, threshold, reporter):
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
            replace_atomically(self.partial, self.out)
            self.saved = True


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


@dataclass(frozen=True)
class AdaptRecipe:
    """How adapt() fine-tunes one kind of network (benchmarks/README.md: how it was chosen)."""

    mnist_images: int  # mixed in, so that the model forgets nothing
    as_drawn: float  # the share of those shown as they are, not augmented: MNIST itself is kept
    repeats: int  # each of the user's samples counts as much as this many MNIST images,
    most_repeated: int  # all of them together as at most this many: more samples take no longer
    epochs: int
    batch_size: int
    learning_rate: float
    averaged: bool  # keep the moving average of the weights over about an epoch, as train() does
    # How far the adapted weights go from the starting ones towards the fine-tuned ones
    # (weight-space ensembling, Wortsman et al. 2022).
    step: float


ADAPT_RECIPES = {
    # 15 000 MNIST images in big batches at a higher rate, averaged. Half of them as they are:
    # fine-tuned on augmented MNIST alone, the network already lost 0.15 points of MNIST test.
    "mlp": AdaptRecipe(mnist_images=15000, as_drawn=0.5, repeats=150, most_repeated=4500, epochs=4,
                       batch_size=256, learning_rate=3e-3, averaged=True, step=1.0),
    # A CNN epoch costs several times as much: this keeps it within 10 s. Going 0.7 of the way
    # keeps nearly all it learns of the writer and forgets a third as much of MNIST; averaging
    # too cost it the writer.
    "cnn": AdaptRecipe(mnist_images=6000, as_drawn=0.5, repeats=100, most_repeated=3000, epochs=3,
                       batch_size=32, learning_rate=3e-4, averaged=False, step=0.7),
}


@dataclass(frozen=True)
class AdaptationResult:
    out: Path
    start_from: Path  # the weights adapted (see adapt())
    samples_before: float  # share of the user's samples the app answers right, before and after
    samples_after: float  # (the same as before when cancelled: nothing changed)
    mnist_before: float | None  # MNIST test accuracy recorded in start_from (None if it has none)
    mnist_after: float  # MNIST test accuracy of the adapted network (0 when cancelled)
    seconds: float
    saved: bool
    cancelled: bool


def adapt(data, start_from, pixels, labels, out, *, recipe=None, seed=None, on_progress=None, cancel=None):
    """Fine-tune the weights in start_from on the user's samples mixed with MNIST; write to out.

    pixels: the samples as preprocessed 28x28 images in 0..1, labels their digits.
    recipe: ADAPT_RECIPES for the network's kind unless given. Cancel writes nothing.
    The samples are augmented (augment.py) so that the model learns the writer's style, not
    the drawings themselves; a share of the MNIST images is shown as it is, so that MNIST
    itself is kept. Weights that adapt() wrote are adapted again from the weights they were
    adapted from (when that file is still there): the user's samples are all kept, and adapting
    again and again then forgets no more of MNIST than adapting once.
    """
    from digitpad.recognition.recognizer import Recognizer
    from digitpad.training.augment import augmented_dataset

    started = time.monotonic()
    if seed is not None:
        keras.utils.set_random_seed(seed)
    cancel = cancel or threading.Event()
    (x_train, y_train), (x_test, y_test) = data
    pixels, labels = np.asarray(pixels, dtype=np.float32), np.asarray(labels)
    recognizer = Recognizer.load(start_from)
    origin = recognizer.weights.adapted_from
    if origin is not None and origin.is_file():  # adapted weights: adapt afresh from where they came from
        start_from, recognizer = origin, Recognizer.load(origin)
    kind = recognizer.weights.kind
    recipe = recipe or ADAPT_RECIPES[kind]
    chosen = np.random.default_rng(seed).choice(len(x_train), min(recipe.mnist_images, len(x_train)), replace=False)
    repeats = max(1, min(recipe.repeats, recipe.most_repeated // max(len(labels), 1)))
    x = np.concatenate([np.repeat(pixels, repeats, axis=0), scale(x_train[chosen])])
    y = np.concatenate([np.repeat(labels, repeats), y_train[chosen]])
    as_drawn = np.arange(len(x)) >= len(x) - round(recipe.as_drawn * len(chosen))  # the last MNIST images
    steps = math.ceil(len(x) / recipe.batch_size)
    model = build_model(kind, optimizer=_averaging_adam(steps) if recipe.averaged else "adam")
    for layer in model.layers:  # a writer's style is learnt by the dense layers; convolutions stay
        layer.trainable = isinstance(layer, keras.layers.Dense)  # (1.8 times faster for the CNN)
    load_weights_into(model, start_from)
    model.optimizer.learning_rate.assign(recipe.learning_rate)
    samples_before = _answers_right(recognizer, pixels, labels)
    reporter = _Reporter(recipe.epochs, on_progress, cancel)
    # No writing styles drawn onto MNIST: the user's own samples show theirs (and it saves 2 s)
    dataset = augmented_dataset(x, y, recipe.batch_size, seed, styles=False, as_drawn=as_drawn)
    starting_weights = [variable.numpy() for variable in model.trainable_variables]
    model.fit(dataset, epochs=recipe.epochs, callbacks=[reporter], verbose=0, shuffle=False)
    if recipe.averaged:
        model.optimizer.finalize_variable_values(model.trainable_variables)  # the average takes their place
    for variable, start in zip(model.trainable_variables, starting_weights):
        variable.assign(start + recipe.step * (variable.numpy() - start))
    cancelled = cancel.is_set()
    samples_after, mnist_after = samples_before, 0.0
    if not cancelled:
        mnist_after = _accuracy(model, scale(x_test), y_test)
        with partial_path(out) as partial:
            model.save_weights(partial)
            start = Path(start_from).resolve()  # not recorded when out replaces it: it is gone
            recorded = {} if start == Path(out).resolve() else {"adapted_from": str(start)}
            write_attributes(partial, test_accuracy=mnist_after, adapted_samples=len(labels), **recorded)
            replace_atomically(partial, out)
        samples_after = _answers_right(Recognizer.load(out), pixels, labels)
    return AdaptationResult(Path(out), Path(start_from), samples_before, samples_after,
                            mnist_before=recognizer.weights.test_accuracy, mnist_after=mnist_after,
                            seconds=time.monotonic() - started, saved=not cancelled, cancelled=cancelled)


def _accuracy(model, x, y):
    return model.evaluate(x, y, batch_size=256, verbose=0, return_dict=True)[ACCURACY]


def _answers_right(recognizer, pixels, labels):
    """Share of the user's samples the app answers right with these weights."""
    return float(np.mean(recognizer.probabilities_of_pixels(pixels).argmax(axis=1) == labels))
