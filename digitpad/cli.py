"""The command line: digitpad [predict | evaluate | train]; no command opens the window."""
import argparse
import errno
import io
import json
import os
import signal
import sys
import threading
from contextlib import nullcontext
from pathlib import Path

import numpy as np

from digitpad.adapting import origin_of
from digitpad.argparse_i18n import HelpFormatter, translate_argparse
from digitpad.i18n import _, choose_language, in_language, ngettext, os_reason, padded, use_language
from digitpad.labels import NUMBER, LabelsError, read_labels
from digitpad.paths import adapted_weights, resolve_weights, user_weights
from digitpad.recognition.images import ImageError
from digitpad.recognition.network import KINDS
from digitpad.recognition.recognizer import IS_DIGIT, NO_DIGIT_VERDICT, NOT_SURE_VERDICT, Recognizer, top_answer
from digitpad.recognition.weights import WeightsError, check_training_output, read_weights
from digitpad.samples import (
    delete_samples,
    export_samples,
    read_sample_pixels,
    read_samples,
    samples_dir,
)
from digitpad.training import TrainingUnavailable, require_tensorflow
from digitpad.training.data import DataError, describe_source, load_mnist
from digitpad.training.limits import MAX_BATCH_SIZE


def main(argv=None):
    _prepare_streams()
    _choose_language()
    stdout = sys.stdout
    if stdout is not None:  # None: started without a console (pythonw)
        sys.stdout = _Output(stdout)  # a failed write is said as the output's, not as a file's
    try:
        args = _parser().parse_args(argv)
        if args.command is None:
            from digitpad.gui.app import run

            return run(weights=args.weights)
        status = args.handler(args)
        sys.stdout.flush()  # a full disk is found here, not at exit
        return status
    except OutputError as error:
        _discard_output(stdout)
        if error.errno == errno.EPIPE:  # the reader went away (| head): end quietly, as Unix tools do
            return BROKEN_PIPE_STATUS
        say_error(_("cannot write the output: {reason}").format(reason=os_reason(error)))
        return 2
    except (WeightsError, DataError, LabelsError, TrainingUnavailable) as error:
        say_error(str(error))
        return 2
    except OSError as error:  # e.g. a full disk or a folder not writable
        say_error(os_error_message(error))
        return 2
    except KeyboardInterrupt:  # Ctrl-C before training's own handler is in place, or while adapting
        print(file=sys.stderr)
        say_error(_("interrupted"))
        return 130
    finally:
        sys.stdout = stdout


BROKEN_PIPE_STATUS = 141  # 128 + SIGPIPE: what the shell reports for a tool SIGPIPE ended (cat, grep)


class OutputError(OSError):
    """Writing to the standard output failed (a full disk, a closed pipe)."""


class _Output:
    """The standard output, whose write errors are OutputErrors (all else as the stream's)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        try:
            return self._stream.write(text)
        except OSError as error:
            raise OutputError(error.errno, error.strerror) from error

    def flush(self):
        try:
            return self._stream.flush()
        except OSError as error:
            raise OutputError(error.errno, error.strerror) from error

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _discard_output(stream):
    """Python's recipe for a closed pipe: point the output at devnull, so that the flush at exit
    neither fails again nor prints a traceback (what could not be written is lost either way)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):  # not a file (tests capture it)
        pass


def _prepare_streams():
    """A name the terminal cannot show is escaped (\\u4e03, \\xff), never a traceback; paths typed
    on standard input keep bytes that are not UTF-8 (as arguments do)."""
    for stream, errors in ((sys.stdout, "backslashreplace"), (sys.stderr, "backslashreplace"),
                           (sys.stdin, "surrogateescape")):
        try:
            stream.reconfigure(errors=errors)
        except (AttributeError, ValueError, io.UnsupportedOperation):  # not a text file
            pass


def printable(text):
    """text with the bytes of a name that are not UTF-8 (kept by Python as lone surrogates, which
    no output can encode) as backslash escapes: b"bad\\xff.png" is shown as bad\\xff.png."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is no byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _printable_values(value):
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: _printable_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_printable_values(item) for item in value]
    return value


def say_error(message):
    """One line on stderr: "digitpad: message" (its colon as the language writes it)."""
    print(printable(_("{prog}: {message}").format(prog="digitpad", message=message)), file=sys.stderr, flush=True)


def os_error_message(error):
    """An OSError in a line: the file it is about and a plain reason; our own messages as they are."""
    if error.filename is not None:
        name = os.fsdecode(error.filename) if isinstance(error.filename, (bytes, os.PathLike)) else str(error.filename)
        return _("{path}: {reason}").format(path=name, reason=os_reason(error))
    return error.strerror or str(error)


def _choose_language():
    """The environment's language when it asks for one (LC_ALL=C: English), else the window's
    setting, else the system's locale; English when the terminal (or file) written to cannot take
    Chinese characters."""
    from digitpad.settings import load_settings

    settings, _problem = load_settings()  # a broken settings file is the window's to report
    language = choose_language(settings.language, environment_first=True)
    if language != "en" and not all(_can_write("用法", stream) for stream in (sys.stdout, sys.stderr)):
        language = "en"
    use_language(language)
    translate_argparse()


def _can_write(text, stream):
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _at_least(low, high=None):
    """An argparse type: an integer in low..high (high included), else a one-line usage error."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(_("{text} is not a whole number").format(text=repr(text))) from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(
                _("{value} is not in {low}..{high}").format(value=value, low=low, high=high) if high is not None
                else _("{value} is less than {low}").format(value=value, low=low))
        return value

    return parse


POSITIVE = _at_least(1)
SEED = _at_least(0, 2**32 - 1)  # what keras.utils.set_random_seed accepts
BATCH_SIZE = _at_least(1, MAX_BATCH_SIZE)  # as the training dialog allows


def _parser():
    parser = argparse.ArgumentParser(prog="digitpad", description=_("Recognise handwritten digits."),
                                     formatter_class=HelpFormatter)
    parser.add_argument("--weights", help=_("weights file (default: yours if trained, else the shipped one)"))
    # metavars name in messages what a user types, not argparse's internal dest
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title=_("commands"))

    def command(name, help):
        return commands.add_parser(name, help=help, description=help, formatter_class=HelpFormatter)

    predict = command("predict", _("recognise image files"))
    predict.add_argument("files", nargs="+", metavar="FILE", help=_("image files; - asks for paths one by one"))
    predict.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    _add_common(predict)
    predict.set_defaults(handler=_predict)

    read = command("read", _("read whole numbers (several digits) in image files"))
    read.add_argument("files", nargs="+", metavar="FILE", help=_("image files; - asks for paths one by one"))
    read.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    _add_common(read)
    read.set_defaults(handler=_read)

    mnist_help = _("MNIST folder or .npz (default: $DIGITPAD_MNIST or download)")
    evaluate = command("evaluate", _("accuracy and confusion matrix"))
    source = evaluate.add_mutually_exclusive_group()
    source.add_argument("--data", help=mnist_help)
    source.add_argument("--images", help=_("folder of images with labels.csv (file,label)"))
    source.add_argument("--numbers", help=_("folder of images of whole numbers with labels.csv (file,number)"))
    _add_common(evaluate)
    evaluate.set_defaults(handler=_evaluate)

    train = command("train", _("train on MNIST and keep the best weights"))
    train.add_argument("--epochs", type=POSITIVE, default=5, help=_("how many times to go through MNIST"))
    train.add_argument("--batch-size", type=BATCH_SIZE, default=32,
                       help=_("images per step, 1 to {limit}").format(limit=MAX_BATCH_SIZE))
    train.add_argument("--data", help=mnist_help)
    train.add_argument("--out", type=_file_name, help=_("where to write (default: {path}, or {name} for cnn)").format(
        path=user_weights(), name=user_weights("cnn").name))
    train.add_argument("--fresh", action="store_true", help=_("start from scratch, not from the current weights"))
    train.add_argument("--replace", action="store_true",
                       help=_("let the best epoch replace the weights in --out even when they are better "
                              "(without it, only a better epoch replaces them); the old file is kept as "
                              "<name>.previous.weights.h5"))
    train.add_argument("--augment", action="store_true",
                       help=_("random rotation, shift, zoom, stroke width; flagged 1s, crossed 7s, curled 9s"))
    train.add_argument("--seed", type=SEED, help=_("0..2**32-1: the same seed trains the same weights"))
    train.add_argument("--model", choices=KINDS, default="mlp",
                       help=_("mlp: the tutorial's network; cnn: convolutional"))
    train.add_argument("--weights", dest="weights", default=argparse.SUPPRESS, help=_("weights to resume from"))
    train.set_defaults(handler=_train)

    adapt = command("adapt", _("fine-tune the model on your own handwriting samples (no TensorFlow needed)"))
    adapt.add_argument("--samples", default=str(samples_dir()),
                       help=_("images + labels.csv (default: {folder})").format(folder=samples_dir()))
    adapt.add_argument("--data", help=_("ignored: adapting mixes in the MNIST subset shipped with digitpad"))
    adapt.add_argument("--out", type=_file_name,
                       help=_("where to write (default: {path}, or {name} for cnn; never the weights adapted from)")
                       .format(path=adapted_weights(), name=adapted_weights("cnn").name))
    adapt.add_argument("--weights", dest="weights", default=argparse.SUPPRESS,
                       help=_("weights to start from (adapted weights: the weights they were adapted from)"))
    adapt.add_argument("--model", choices=KINDS, default="mlp", help=_("which network's weights by default"))
    adapt.add_argument("--seed", type=int, default=0, help=_("the same seed adapts the same way"))
    adapt.set_defaults(handler=_adapt)

    samples = command("samples", _("list, export or delete your kept samples"))
    samples.add_argument("action", choices=["list", "export", "delete"], metavar="ACTION",
                         help=_("list, export or delete"))
    samples.add_argument("destination", nargs="?", metavar="FOLDER", help=_("for export: a new folder"))
    samples.set_defaults(handler=_samples)
    return parser


def _file_name(text):
    """An --out: a file name, never empty (an empty one would silently mean the default)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(_("an empty file name"))
    return text


def _add_common(parser):
    parser.add_argument("--weights", default=argparse.SUPPRESS, help=_("weights file to use"))
    parser.add_argument("--no-frame", action="store_true", help=_("the tutorial's preprocessing alone"))
    parser.add_argument("--model", choices=KINDS, default="mlp", help=_("which network's weights by default"))


def _predict(args):
    def answer(recognizer, path):
        judged = recognizer.judge(path)
        digit, confidence = judged.digit, judged.confidence
        found = {"digit": digit, "confidence": round(confidence, 6),
                 "probabilities": [round(float(p), 6) for p in judged.probabilities]}
        text = f"{digit} ({confidence:.1%})"
        if judged.not_digit is not None:
            found |= {"not_digit": round(judged.not_digit, 6), "verdict": judged.verdict}
            chance = f"{judged.not_digit:.0%}"
            if judged.verdict == NO_DIGIT_VERDICT:
                text = _("no digit found ({digit} at {confidence}; {chance} likely not a digit)").format(
                    digit=digit, confidence=f"{confidence:.1%}", chance=chance)
            elif judged.verdict == NOT_SURE_VERDICT:
                text += " " + _("not sure: {chance} likely not one digit").format(chance=chance)
        return found, text

    return _each_file(args, answer, "digit")


# How `read` shows each digit, by its verdict (lambdas: translated when shown)
_DIGIT_TEXTS = {IS_DIGIT: lambda: _("{digit} {confidence}"),
                NOT_SURE_VERDICT: lambda: _("{digit} {confidence} (not sure)"),
                NO_DIGIT_VERDICT: lambda: _("{digit} {confidence} (likely not a digit)")}


def _read(args):
    def answer(recognizer, path):
        reading = recognizer.read(path)
        digits = [{"digit": d.digit, "confidence": round(d.confidence, 6), "box": [round(v) for v in d.box]}
                  | ({} if d.not_digit is None else {"not_digit": round(d.not_digit, 6), "verdict": d.verdict})
                  for d in reading.digits]
        found = {"number": reading.number, "digits": digits} | ({"message": reading.message} if reading.message else {})
        if not reading.digits:
            return found, reading.message
        each = _(", ").join(_DIGIT_TEXTS[d.verdict]().format(digit=d.digit, confidence=f"{d.confidence:.1%}")
                            for d in reading.digits)
        return found, _("{number} (min confidence {confidence}: {digits})").format(
            number=reading.number, confidence=f"{reading.min_confidence:.1%}", digits=each)

    return _each_file(args, answer, "number")


def _each_file(args, answer, key):
    """Print answer(recognizer, path) -> (object for --json, text) for each file given (or typed);
    a file that cannot be used is said (`key` null in JSON) and the run goes on: exit status 1.
    JSON lines are the same in every language: their messages are English."""
    recognizer = Recognizer.load(args.weights, framed=not args.no_frame, kind=args.model)
    paths = _prompted_paths() if args.files == ["-"] else args.files
    failures = 0
    for path in paths:
        with in_language("en") if args.json else nullcontext():
            try:
                found, text = answer(recognizer, path)
            except (ImageError, OSError) as error:  # one bad file: said, and the run goes on
                failures += 1
                message = str(error) if isinstance(error, ImageError) else os_error_message(error)
                found, text = {key: None, "error": message}, _("error: {error}").format(error=message)
        line = json.dumps(_printable_values({"file": path} | found)) if args.json else printable(f"{path}: {text}")
        print(line, flush=True)
    return 1 if failures else 0


def _prompted_paths():
    """The tutorial's loop: ask for a path until end of input (Ctrl-D).

    The prompt goes to stderr, and only to a person at a terminal: stdout holds answers only
    (one JSON object per line with --json)."""
    prompt = _("image path (Ctrl-D to end): ") if sys.stdin.isatty() else ""
    while True:
        print(prompt, end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line:
            if prompt:
                print(file=sys.stderr)
            return
        path = line.strip()
        if path:
            yield path


def _evaluate(args):
    recognizer = Recognizer.load(args.weights, framed=not args.no_frame, kind=args.model)
    if args.numbers:
        return _evaluate_numbers(recognizer, Path(args.numbers))
    network = None
    if args.images:
        predictions, labels = _predict_folder(recognizer, Path(args.images))
        source = args.images
    else:
        _training, (x_test, labels) = load_mnist(args.data)
        answers = recognizer.answers_of_pixels(x_test / 255.0)
        predictions = answers.mean(axis=0).argmax(axis=1)
        source = _("MNIST test ({source})").format(source=describe_source(args.data))
        network = np.mean(answers[0].argmax(axis=1) == labels)
    if len(labels) == 0:
        raise DataError(_("{source}: no images to evaluate (labels.csv has no usable row)").format(source=source))
    failed = int(np.sum(predictions < 0))
    print(_("weights: {path}").format(path=recognizer.weights.path))
    print(_("images:  {count} from {source}").format(count=len(labels), source=source))
    if failed:
        print(_("unusable (blank or unreadable, counted wrong): {count}").format(count=failed))
    accuracy = f"{np.mean(predictions == labels):.2%}"
    if network is None:
        print(_("accuracy: {accuracy}").format(accuracy=accuracy))
    else:
        print(_("accuracy: {accuracy} (the network alone, as training reports it: {network})").format(
            accuracy=accuracy, network=f"{network:.2%}"))
    print(format_confusion(confusion_matrix(labels, predictions)))
    return 0


def _evaluate_numbers(recognizer, folder):
    """How many numbers are read exactly, how many digits are right, how often the count is wrong."""
    table = read_labels(folder, NUMBER)
    for reason in table.skipped:
        print(_("skipped: {reason}").format(reason=reason), file=sys.stderr)
    exact = count_wrong = unusable = digits_right = digits_total = 0
    for path, label in table.rows:
        try:
            number = recognizer.read(path).number
        except (ImageError, OSError) as error:  # counted wrong, said, and the run goes on
            _say_unusable(path, error)
            number, unusable = "", unusable + 1
        exact += number == label
        count_wrong += len(number) != len(label)
        if len(number) == len(label):
            digits_right += sum(read == written for read, written in zip(number, label))
            digits_total += len(label)
    if not table.rows:
        raise DataError(_("{folder}: no numbers to evaluate (labels.csv has no usable row)").format(folder=folder))
    count = len(table.rows)
    print(_("weights: {path}").format(path=recognizer.weights.path))
    print(_("numbers: {count} from {folder}").format(count=count, folder=folder))
    if unusable:
        print(_("unusable (unreadable, counted wrong): {count}").format(count=unusable))
    print(_("read exactly: {share}").format(share=f"{exact / count:.2%}"))
    print(_("digits right: {share} (where the count of digits is right)").format(
        share=f"{digits_right / max(digits_total, 1):.2%}"))
    print(_("count of digits wrong: {share}").format(share=f"{count_wrong / count:.2%}"))
    return 0


def _say_unusable(path, error):
    """One line on stderr for an image counted wrong, naming it once."""
    error = error if isinstance(error, ImageError) else os_error_message(error)
    if path.name in str(error):
        print(_("unusable: {error}").format(error=error), file=sys.stderr)
    else:
        print(_("unusable: {name}: {error}").format(name=path.name, error=error), file=sys.stderr)


def _predict_folder(recognizer, folder):
    """Predicted digits (-1 where an image is unusable) and labels for a folder with labels.csv."""
    table = read_labels(folder)
    for reason in table.skipped:
        print(_("skipped: {reason}").format(reason=reason), file=sys.stderr)
    predictions = []
    for path, _label in table.rows:
        try:
            predictions.append(top_answer(recognizer.probabilities(path))[0])
        except (ImageError, OSError) as error:  # counted wrong, said, and the run goes on
            _say_unusable(path, error)
            predictions.append(-1)
    return np.array(predictions, dtype=int), np.array([int(label) for _path, label in table.rows], dtype=int)


def confusion_matrix(labels, predictions, classes=10):
    """Counts of (true, predicted) pairs; unusable images (prediction -1) are left out."""
    matrix = np.zeros((classes, classes), dtype=int)
    usable = predictions >= 0
    np.add.at(matrix, (labels[usable], predictions[usable]), 1)
    return matrix


def format_confusion(matrix):
    """Per-class accuracy and the confusion matrix (rows: true digit, columns: predicted)."""
    lines = [padded(_("true"), 4, left=True) + "  " + "".join(f"{d:>6}" for d in range(len(matrix)))
             + "   " + padded(_("accuracy"), 8)]
    none = "–" if _can_write("–", sys.stdout) else "-"  # a digit without images has no accuracy
    for digit, row in enumerate(matrix):
        accuracy = f"{row[digit] / row.sum():8.2%}" if row.sum() else f"{none:>8}"
        lines.append(f"{digit:>4}  " + "".join(f"{n:>6}" for n in row) + f"   {accuracy}")
    return "\n".join(lines)


def _train(args):
    require_tensorflow()
    start_from = None if args.fresh else resolve_weights(args.weights, args.model)
    if start_from is not None and args.weights is None and start_from.is_file():
        start_from = origin_of(start_from)  # adapted weights in use: train on from what they were made from
    if start_from is not None:  # a mistyped --weights is an error, never a start from scratch
        held = read_weights(start_from).kind
        if held != args.model:
            raise WeightsError(_("{path} holds weights of the {kind} network: train it with --model {kind}")
                               .format(path=start_from, kind=held))
    out = Path(args.out).expanduser() if args.out else user_weights(args.model)
    check_training_output(out, args.replace)  # before loading MNIST and training: a bad --out is found at once
    if out.is_file() and not args.replace:
        held = read_weights(out).kind
        if held != args.model:
            raise WeightsError(_("{path} holds weights of the {kind} network: train it with --model {kind}, "
                                 "or write elsewhere (--out)").format(path=out, kind=held))
    data = load_mnist(args.data)
    print(_("data: {source}").format(source=describe_source(args.data)))
    print(_("resuming from: {path}").format(path=start_from or _("scratch")))
    print(_("writing to: {path}").format(path=out))

    from digitpad.training.train import train  # imports TensorFlow: only now

    cancel = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_signal: cancel.set())  # Ctrl-C keeps the best so far
    try:
        result = train(data, out, start_from=start_from, epochs=args.epochs, batch_size=args.batch_size,
                       augment=args.augment, seed=args.seed, on_progress=_print_progress, cancel=cancel,
                       kind=args.model, replace=args.replace)
    finally:
        signal.signal(signal.SIGINT, previous)
    from digitpad.training.models import build_model

    build_model(args.model).summary()
    print(format_history(result.history))
    if result.cancelled:
        print(_("cancelled"))
    if result.saved:
        print(_("saved the best weights ({accuracy} on MNIST test) to {path}").format(
            accuracy=f"{result.best_accuracy:.2%}", path=result.out))
        if result.backup is not None:
            print(_("the weights it held before are kept in {path}").format(path=result.backup))
        if result.head is not None:
            print(_("their not-a-digit check: {path}").format(path=result.head))
        elif result.head_problem:
            import shlex

            command = shlex.join(["python", "-m", "digitpad.training.not_digit", str(result.out),
                                  *(["--mnist", args.data] if args.data else [])])
            say_error(_("they have no not-a-digit check ({reason}): they read digits but never answer \"not a digit\" "
                        "or \"not sure\"; to fit it: {command}").format(reason=result.head_problem, command=command))
    elif result.out_accuracy is not None and result.out_accuracy >= (result.start_accuracy or 0.0):
        print(_("no epoch beat the weights in {path} ({accuracy}): unchanged (--replace replaces them anyway)")
              .format(path=result.out, accuracy=f"{result.out_accuracy:.2%}"))
    else:
        outcome = (_("{path} unchanged") if result.out.exists() else _("nothing written to {path}")).format(
            path=result.out)
        if result.start_accuracy is not None:
            print(_("no epoch beat the starting weights ({accuracy}): {outcome}").format(
                accuracy=f"{result.start_accuracy:.2%}", outcome=outcome))
        else:
            print(_("no epoch completed: {outcome}").format(outcome=outcome))
    return 130 if result.cancelled else 0


def _adapt(args):
    cancel = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_signal: cancel.set())  # Ctrl-C: stop, write nothing
    try:
        result = _adapt_samples(args, cancel)
    finally:
        signal.signal(signal.SIGINT, previous)
    if result is None or result.cancelled:
        say_error(_("adapting cancelled, nothing written"))
        return 130
    print(_("your samples: {before} right before, {after} after; took {seconds} s").format(
        before=f"{result.samples_before:.1%}", after=f"{result.samples_after:.1%}", seconds=f"{result.seconds:.1f}"))
    print(_("saved to {path} ({start_from} is kept; adapting again starts from it)").format(
        path=result.out, start_from=result.start_from))
    return 0


def _adapt_samples(args, cancel):
    """The AdaptationResult, or None when cancelled before adapting began."""
    from digitpad.adapting import AdaptingError, adapt, origin_of

    folder = Path(args.samples).expanduser()
    pixels, labels, skipped = read_sample_pixels(folder)
    for reason in skipped:
        print(_("skipped: {reason}").format(reason=reason), file=sys.stderr)
    start_from = origin_of(resolve_weights(args.weights, args.model))
    kind = Recognizer.load(start_from).weights.kind
    out = Path(args.out).expanduser() if args.out else adapted_weights(kind)
    if args.data:
        print(_("--data is not needed: adapting mixes in the MNIST subset shipped with digitpad"), file=sys.stderr)
    if cancel.is_set():
        return None
    print(ngettext("adapting {path} to {count} sample from {folder}", "adapting {path} to {count} samples from {folder}",
                   len(labels)).format(path=start_from, count=len(labels), folder=folder))
    try:
        return adapt(start_from, pixels, labels, out, seed=args.seed, cancel=cancel)
    except AdaptingError as error:
        raise DataError(str(error)) from error


def _samples(args):
    folder = samples_dir()
    if args.action == "list":
        samples = read_samples(folder)
        counts = np.bincount(np.array(samples.labels, dtype=int), minlength=10) if samples.labels else np.zeros(10, int)
        total = len(samples.labels)
        print(ngettext("{count} sample in {folder}", "{count} samples in {folder}", total).format(
            count=total, folder=folder))
        print("  ".join(f"{digit}: {count}" for digit, count in enumerate(counts)))
        for reason in samples.skipped:
            print(_("unusable: {error}").format(error=reason))
    elif args.action == "export":
        if not args.destination:
            raise DataError(_("samples export needs a new folder: digitpad samples export FOLDER"))
        exported = export_samples(folder, Path(args.destination).expanduser())
        for reason in exported.skipped:
            print(_("skipped: {reason}").format(reason=reason), file=sys.stderr)
        count = len(exported.labels)
        print(ngettext("copied {count} sample to {folder}", "copied {count} samples to {folder}", count).format(
            count=count, folder=args.destination))
    else:
        count = delete_samples(folder)
        print(ngettext("deleted {count} sample from {folder}", "deleted {count} samples from {folder}", count).format(
            count=count, folder=folder))
    return 0


def _print_progress(progress):
    from digitpad.training.progress import HeadProgress

    if isinstance(progress, HeadProgress):
        _print_head_progress(progress)
        return
    line = _("epoch {epoch}/{epochs}  batch {batch}/{batches}  loss {loss}  accuracy {accuracy}").format(
        epoch=progress.epoch + 1, epochs=progress.epochs, batch=progress.batch, batches=progress.batches,
        loss=f"{progress.loss:.4f}", accuracy=f"{progress.accuracy:.4f}")
    if progress.epoch_done:
        print("\r" + line + "  " + _("val_accuracy {accuracy}").format(accuracy=f"{progress.val_accuracy:.4f}"),
              flush=True)
    elif sys.stdout.isatty():
        print(f"\r{line}", end="", flush=True)


def _print_head_progress(progress):
    if progress.step == 0:
        print(_("fitting the not-a-digit check for the new weights (they are saved; Ctrl-C keeps them without it)…"),
              flush=True)
    line = _("not-a-digit check: step {step}/{steps}").format(step=progress.step, steps=progress.steps)
    if progress.step == progress.steps:
        print("\r" + line, flush=True)
    elif sys.stdout.isatty():
        print(f"\r{line}", end="", flush=True)


def format_history(history):
    headings = [(_("epoch"), 5), (_("loss"), 8), (_("accuracy"), 8), (_("val_loss"), 8), (_("val_accuracy"), 12),
                (_("seconds"), 7)]
    lines = ["  ".join(padded(heading, width) for heading, width in headings)]
    lines += [f"{r.epoch:>5}  {r.loss:8.4f}  {r.accuracy:8.4f}  {r.val_loss:8.4f}  {r.val_accuracy:12.4f}  {r.seconds:7.1f}"
              for r in history]
    return "\n".join(lines)
