"""digitpad: recognise handwritten digits, drawn or photographed."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # when training imports TensorFlow: no start-up chatter

from digitpad.recognition.images import BlankImageError, ImageError
from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.weights import WeightsError

__all__ = ["Recognizer", "ImageError", "BlankImageError", "WeightsError"]
