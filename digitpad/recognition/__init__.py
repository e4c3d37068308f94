"""Recognising digits: numpy and Pillow only. Nothing here may import TensorFlow (a test checks)."""
