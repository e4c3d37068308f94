"""On-the-fly augmentation of MNIST training images (the tutorial's closing advice).

Small random rotation, shear, shift and zoom, and thicker or thinner strokes: what
separates people's drawings and photos from MNIST. Runs in tf.data, training data only.
"""
import keras
import tensorflow as tf

ROTATION = 10 / 360  # fraction of a full turn: +-10 degrees
SHEAR = 0.1
SHIFT = 0.06  # of the image size: about 1.7 px
ZOOM = 0.1


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


def augmented_dataset(x, y, batch_size, seed=None):
    """Shuffled, batched, augmented tf.data.Dataset of (images, labels); x is float 0..1 (n, 28, 28)."""
    layers = augmenter(seed)

    def augment(images, labels):
        images = layers(images[..., None], training=True)
        images = tf.clip_by_value(vary_thickness(images), 0.0, 1.0)
        return images[..., 0], labels

    return (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=seed)
        .batch(batch_size)
        .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )
