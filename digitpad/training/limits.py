"""Limits of training's settings, the same on the command line and in the window (no TensorFlow here)."""
MAX_EPOCHS = 200
MAX_BATCH_SIZE = 4096  # one batch of MNIST that large already holds a fifteenth of it
