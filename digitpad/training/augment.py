"""On-the-fly augmentation of MNIST training images (the tutorial's closing advice).

Small random rotation, shear, shift and zoom, and thicker or thinner strokes: what
separates people's drawings and photos from MNIST; and flagged 1s, crossed 7s and
curled 9s, and small digits written with a thick pen (styles.py), which MNIST hardly
has. Runs in tf.data, training data only.
"""
import keras
import numpy as np
import tensorflow as tf

from digitpad.training.styles import with_writing_styles

ROTATION = 10 / 360  # fraction of a full turn: +-10 degrees
SHEAR = 0.1
SHIFT = 0.06  # of the image size: about 1.7 px
ZOOM = 0.1
STYLED_SHARE = 0.4  # of the 1s, 7s and 9s, drawn in another style each time they are seen
# Share of all digits also written small with a thick pen (styles.thick_pen), seen like the
# styles: it helps the convolutional network, not the two-layer one (docs/experiments.md).
THICK_PENS = {"mlp": 0.0, "cnn": 0.1}


def augmenter(seed=None):
    return keras.Sequential(
        [
            keras.layers.RandomRotation(ROTATION, fill_mode="constant", seed=seed),
            keras.layers.RandomShear(x_factor=SHEAR, y_factor=SHEAR, fill_mode="constant", seed=seed),
            keras.layers.RandomZoom(ZOOM, fill_mode="constant", seed=seed),
            keras.layers.RandomTranslation(SHIFT, SHIFT, fill_mode="constant", seed=seed),
        ],
        name="augment",
    )


def vary_thickness(images):
    """Blend each image towards its dilation or its erosion by a random amount."""
    amount = tf.random.uniform([tf.shape(images)[0], 1, 1, 1], -1.0, 1.0)
    thicker = tf.nn.max_pool2d(images, 3, 1, "SAME")
    thinner = -tf.nn.max_pool2d(-images, 2, 1, "SAME")
    target = tf.where(amount > 0, thicker, thinner)
    return images + tf.abs(amount) * (target - images)


def augmented_dataset(x, y, batch_size, seed=None, styles=True, thick_pens=0.0, as_drawn=None):
    """Shuffled, batched, augmented tf.data.Dataset of (images, labels); x is float 0..1 (n, 28, 28).

    styles: whether 1s, 7s and 9s are also drawn in other writing styles (styles.py);
    thick_pens: the share of all digits also written small with a thick pen (styles.thick_pen);
    as_drawn: which images are shown as they are, never augmented (none unless given).
    """
    layers = augmenter(seed)
    x = np.asarray(x, dtype=np.float32)
    styled = with_writing_styles(x, y, np.random.default_rng(seed), thick_pens=thick_pens) if styles else x
    as_drawn = np.zeros(len(x), dtype=bool) if as_drawn is None else np.asarray(as_drawn, dtype=bool)

    def augment(images, styled, as_drawn, labels):
        pick = tf.random.uniform([tf.shape(images)[0], 1, 1]) < STYLED_SHARE
        varied = tf.logical_not(as_drawn)  # only these are augmented: the rest costs nothing
        chosen = tf.boolean_mask(tf.where(pick, styled, images), varied)
        augmented = layers(chosen[..., None], training=True)
        augmented = tf.clip_by_value(vary_thickness(augmented), 0.0, 1.0)[..., 0]
        return tf.tensor_scatter_nd_update(images, tf.where(varied), augmented), labels

    return (
        tf.data.Dataset.from_tensor_slices((x, styled, as_drawn, y))
        .shuffle(len(x), seed=seed)
        .batch(batch_size)
        .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )
