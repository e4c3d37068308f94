"""The user's settings, kept between runs in a small JSON file in the platform's config folder.

A missing file gives the defaults; a corrupt or foreign one is ignored with a message, never a crash.
"""
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import platformdirs

from digitpad.i18n import LANGUAGES, _

FILE_NAME = "settings.json"
MAX_BYTES = 64 * 1024  # a settings file is a few hundred bytes: anything larger is not ours
WINDOW_SIZE = re.compile(r"([1-9][0-9]{1,3})x([1-9][0-9]{1,3})")  # (the window then keeps to the screen)
LANGUAGE_SETTINGS = ("", *LANGUAGES)


@dataclass
class Settings:
    kind: str = "mlp"  # the network: "mlp" or "cnn"
    live: bool = True  # recognise after each stroke
    framed: bool = True  # MNIST-style framing (False: the tutorial's pipeline alone)
    mnist_folder: str = ""  # full MNIST for training, as last chosen
    window_size: str = ""  # "WIDTHxHEIGHT" of the main window
    last_folder: str = ""  # where the Open dialog starts
    language: str = ""  # "" follows the system
    auto_adapt: bool = False  # adapt after each correction


def settings_file():
    """DIGITPAD_HOME (tests) or the platform's per-user config folder."""
    override = os.environ.get("DIGITPAD_HOME")
    folder = Path(override) if override else Path(platformdirs.user_config_dir("digitpad"))
    return folder / FILE_NAME


def load_settings(path=None):
    """(Settings, problem): the saved settings, or the defaults and a message saying why not."""
    path = Path(path) if path else settings_file()
    defaults = Settings()
    try:
        if not path.exists():
            return defaults, None
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return defaults, _("Ignored the settings file {path}: not a settings file").format(path=path)
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return defaults, _("Ignored the settings file {path}: {error}").format(path=path, error=error)
    if not isinstance(saved, dict):
        return defaults, _("Ignored the settings file {path}: not a settings file").format(path=path)
    values = {}
    for field in fields(Settings):
        value = saved.get(field.name)
        if isinstance(value, type(getattr(defaults, field.name))):
            values[field.name] = value
    settings = Settings(**values)
    if settings.kind not in ("mlp", "cnn"):
        settings.kind = defaults.kind
    if not WINDOW_SIZE.fullmatch(settings.window_size):  # Tk refuses anything but WIDTHxHEIGHT
        settings.window_size = defaults.window_size
    if settings.language not in LANGUAGE_SETTINGS:
        settings.language = defaults.language
    return settings, None


def save_settings(settings, path=None):
    """Write the settings atomically (a unique temporary file, then one rename). Raises OSError."""
    path = Path(path) if path else settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            json.dump(asdict(settings), f, indent=2, ensure_ascii=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
