"""The Keras model: the tutorial's Flatten -> Dense(128, relu) -> Dense(10, softmax)."""
import keras

from digitpad.network import CLASSES, HIDDEN_UNITS, IMAGE_SIZE
from digitpad.weights import WeightsError


def build_model():
    """Build and compile the tutorial's network (its weights file layout is network.DENSE_LAYERS)."""
    model = keras.Sequential(
        [
            keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE)),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(HIDDEN_UNITS, activation="relu", name="hidden"),
            keras.layers.Dense(CLASSES, activation="softmax", name="output"),
        ],
        name="digitpad",
    )
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
        metrics=["sparse_categorical_accuracy"],
    )
    return model


def load_weights_into(model, path):
    """Load a .weights.h5 file, optimizer state included, so training resumes where it stopped."""
    model.optimizer.build(model.trainable_variables)
    try:
        model.load_weights(path)
    except Exception as error:  # Keras raises ValueError, OSError, KeyError for foreign files
        raise WeightsError(f"cannot load {path}: {error}") from error
