"""digitpad: recognise handwritten digits, drawn or photographed."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # when training imports TensorFlow: no start-up chatter
# The networks' matrices are small: a second OpenBLAS thread only spins, doubling the CPU time
# of a reading without making it sooner (docs/results.md). Must be set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from digitpad.recognition.images import BlankImageError, ImageError
from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.weights import WeightsError

__all__ = ["Recognizer", "ImageError", "BlankImageError", "WeightsError"]
