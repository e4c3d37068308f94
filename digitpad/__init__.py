"""digitpad: recognise handwritten digits, drawn or photographed."""
from digitpad.preprocess import BlankImageError, ImageError
from digitpad.recognizer import Recognizer
from digitpad.weights import WeightsError

__all__ = ["Recognizer", "ImageError", "BlankImageError", "WeightsError"]
