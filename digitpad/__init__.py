"""digitpad: recognise handwritten digits, drawn or photographed."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # when training imports TensorFlow: no start-up chatter

from digitpad.preprocess import BlankImageError, ImageError
from digitpad.recognizer import Recognizer
from digitpad.weights import WeightsError

__all__ = ["Recognizer", "ImageError", "BlankImageError", "WeightsError"]
