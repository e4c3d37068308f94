"""The Keras models; "mlp" is the tutorial's Flatten -> Dense(128, relu) -> Dense(10, softmax)."""
import warnings

import keras

from digitpad.i18n import _
from digitpad.recognition.network import CLASSES, CONV_FILTERS, HIDDEN_UNITS, IMAGE_SIZE, KERNEL
from digitpad.recognition.weights import WeightsError


def build_model(kind="mlp", optimizer="adam"):
    """Build and compile a network (its weights file layout is network.LAYERS[kind]).

    "mlp" is the tutorial's Flatten -> Dense(128, relu) -> Dense(10, softmax).
    optimizer: Adam unless given (training passes an Adam that averages the weights).
    """
    model = keras.Sequential([keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE)), *_LAYERS[kind]()], name=f"digitpad_{kind}")
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
        metrics=["sparse_categorical_accuracy"],
    )
    return model


_LAYERS = {
    "mlp": lambda: [
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(HIDDEN_UNITS, activation="relu", name="hidden"),
        keras.layers.Dense(CLASSES, activation="softmax", name="output"),
    ],
    "cnn": lambda: [
        keras.layers.Reshape((IMAGE_SIZE, IMAGE_SIZE, 1)),
        keras.layers.Conv2D(CONV_FILTERS[0], KERNEL, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(CONV_FILTERS[1], KERNEL, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(HIDDEN_UNITS, activation="relu", name="hidden"),
        keras.layers.Dense(CLASSES, activation="softmax", name="output"),
    ],
}


def load_weights_into(model, path):
    """Load a .weights.h5 file, optimizer state included, so training resumes where it stopped."""
    model.optimizer.build(model.trainable_variables)
    try:
        with warnings.catch_warnings():
            # training's optimizer keeps averaged weights too (training.py): a model compiled
            # without them, or a file written without them, starts its optimizer afresh
            warnings.filterwarnings("ignore", "Skipping variable loading for optimizer")
            model.load_weights(path)
    except Exception as error:  # Keras raises ValueError, OSError, KeyError for foreign files
        raise WeightsError(_("cannot load {path}: {error}").format(path=path, error=error)) from error
