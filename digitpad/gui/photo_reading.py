"""Opening and reading a photo, or the part of it the user chose, off the Tk thread: decoding a
photo of several megapixels and the photo path (the paper's light, the pieces of ink, the search
over ways to group them) take longer than the window may stay still."""
from dataclasses import dataclass, replace

from digitpad.gui.ink_outline import outlined
from digitpad.gui.region import in_photo
from digitpad.gui.worker import Worker
from digitpad.recognition.images import ImageError, open_image


@dataclass(frozen=True)
class PhotoReading:
    reading: object  # recognition.numbers.Reading, its boxes in the whole photo's pixels
    outline: object  # PIL image: the picture read, with the ink found outlined (ink_outline.outlined)
    region: object  # the region.Region read, or None for the whole photo
    picture: object  # the picture read: the photo opened (images.open_image), or the region of it


def read_photo(recognizer, source, region, outline_size):
    """Open source (a path, or a PIL image: the photo, or its region already cut out), read the
    number in it and outline its ink; with no recognizer (no model yet) only open it: reading and
    outline None. Raises ImageError for a file or picture that cannot be used."""
    picture = open_image(source)
    if recognizer is None:
        return PhotoReading(None, None, region, picture)
    reading = recognizer.read(picture)
    digits = tuple(replace(digit, box=in_photo(digit.box, region)) for digit in reading.digits)
    outline = outlined(picture, reading.ink, outline_size)  # the ink the reading found, not found again
    return PhotoReading(replace(reading, digits=digits), outline, region, picture)


class PhotoReader:
    """Reads one photo at a time in a Worker; only the last reading asked for is reported: one
    that a later action of the user (another region, Clear, a drawing) made stale is dropped."""

    def __init__(self, widget):
        self._widget = widget
        self._asked = 0  # readings asked for (and forgotten): the number of the one that counts
        self.pending = False  # a reading is running whose answer the window waits for
        self.worker = None  # the last one started

    def read(self, recognizer, source, region, outline_size, *, on_done, on_error):
        """read_photo(...) in the background; on_done(PhotoReading) or on_error(exception) runs on
        the Tk thread, unless read() or forget() was called again meanwhile."""
        self._asked += 1
        asked = self._asked

        def answer(handler):
            def run(value):
                if asked == self._asked:
                    self.pending = False
                    handler(value)
            return run

        self.pending = True
        self.worker = Worker(self._widget, lambda report, cancel: read_photo(recognizer, source, region, outline_size),
               on_report=lambda item: None, on_done=answer(on_done), on_error=answer(on_error),
               expected=(ImageError,))

    def forget(self):
        """The photo or its region changed: a reading still running is no longer wanted."""
        self._asked += 1
        self.pending = False
