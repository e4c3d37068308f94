import gzip

import numpy as np
import pytest
from conftest import tiny_mnist, write_idx

from digitpad.training.data import DataError, load_mnist


def test_reads_gzipped_idx_folder(mnist_dir):
    (x_train, y_train), (x_test, y_test) = load_mnist(mnist_dir)
    (ex_train, ey_train), (ex_test, ey_test) = tiny_mnist()
    assert x_train.shape == (300, 28, 28) and x_train.dtype == np.uint8
    np.testing.assert_array_equal(x_train, ex_train)
    np.testing.assert_array_equal(y_test, ey_test)
    assert len(x_test) == len(y_test) == 100


def test_reads_uncompressed_idx_folder(tmp_path, mnist_dir):
    plain = tmp_path / "plain"
    plain.mkdir()
    for path in mnist_dir.iterdir():
        (plain / path.stem).write_bytes(gzip.decompress(path.read_bytes()))
    np.testing.assert_array_equal(load_mnist(plain)[0][0], load_mnist(mnist_dir)[0][0])


def test_reads_keras_npz(tmp_path):
    (x_train, y_train), (x_test, y_test) = tiny_mnist()
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    (got_x, got_y), _ = load_mnist(path)
    np.testing.assert_array_equal(got_x, x_train)
    np.testing.assert_array_equal(got_y, y_train)


def test_source_from_environment(monkeypatch, mnist_dir):
    monkeypatch.setenv("DIGITPAD_MNIST", str(mnist_dir))
    assert load_mnist()[0][0].shape == (300, 28, 28)


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(DataError, match="no such MNIST folder"):
        load_mnist(tmp_path / "nowhere")


def test_missing_file_is_named(mnist_dir):
    (mnist_dir / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match="missing t10k-labels-idx1-ubyte"):
        load_mnist(mnist_dir)


def test_wrong_magic_number(mnist_dir):
    write_idx(mnist_dir / "train-images-idx3-ubyte.gz", np.zeros((3, 28, 28)), 0x801)
    with pytest.raises(DataError, match=r"train-images.*wrong magic number"):
        load_mnist(mnist_dir)


def test_truncated_file(mnist_dir):
    path = mnist_dir / "train-images-idx3-ubyte.gz"
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[:-100]))
    with pytest.raises(DataError, match=r"train-images.*truncated"):
        load_mnist(mnist_dir)


def test_corrupt_gzip(mnist_dir):
    (mnist_dir / "t10k-images-idx3-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(DataError, match="t10k-images.*cannot read"):
        load_mnist(mnist_dir)


def test_image_and_label_counts_differ(mnist_dir):
    write_idx(mnist_dir / "train-labels-idx1-ubyte.gz", np.zeros(299), 0x801)
    with pytest.raises(DataError, match="300 train images but 299 labels"):
        load_mnist(mnist_dir)


def test_npz_without_mnist_keys(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, a=np.zeros(3))
    with pytest.raises(DataError, match="not an MNIST .npz"):
        load_mnist(path)


def test_labels_outside_0_to_9_are_named(mnist_dir):
    (_, y_train), _ = tiny_mnist()
    y_train = y_train.copy()
    y_train[5] = 10
    write_idx(mnist_dir / "train-labels-idx1-ubyte.gz", y_train, 0x801)
    with pytest.raises(DataError, match=r"mnist: train labels go from 0 to 10, expected digits 0-9"):
        load_mnist(mnist_dir)


def test_zero_images_are_named(mnist_dir):
    write_idx(mnist_dir / "t10k-images-idx3-ubyte.gz", np.zeros((0, 28, 28)), 0x803)
    with pytest.raises(DataError, match=r"t10k-images.*shape \(0, 28, 28\)"):
        load_mnist(mnist_dir)


def test_images_that_are_not_28x28_are_named(mnist_dir):
    write_idx(mnist_dir / "train-images-idx3-ubyte.gz", np.zeros((300, 32, 32)), 0x803)
    with pytest.raises(DataError, match=r"train-images.*shape \(300, 32, 32\), expected \('n', 28, 28\)"):
        load_mnist(mnist_dir)


def test_a_huge_declared_count_is_refused_before_reading(tmp_path, mnist_dir):
    path = mnist_dir / "train-images-idx3-ubyte"
    (mnist_dir / "train-images-idx3-ubyte.gz").unlink()
    path.write_bytes((0x803).to_bytes(4, "big") + (2**31).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2)
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte: shape \(2147483648, 28, 28\)"):
        load_mnist(mnist_dir)


def test_extra_bytes_after_the_data_are_named(mnist_dir):
    path = mnist_dir / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes()) + b"\0" * 50))
    with pytest.raises(DataError, match=r"t10k-labels.*more than"):
        load_mnist(mnist_dir)


def test_flat_npz_images_are_named(tmp_path):
    (x_train, y_train), (x_test, y_test) = tiny_mnist()
    path = tmp_path / "flat.npz"
    np.savez(path, x_train=x_train.reshape(-1, 784), y_train=y_train, x_test=x_test, y_test=y_test)
    with pytest.raises(DataError, match=r"flat.npz: train images have shape \(300, 784\), expected \(n, 28, 28\)"):
        load_mnist(path)


def test_an_mnist_file_that_is_a_named_pipe_does_not_hang(mnist_dir):
    import os

    path = mnist_dir / "t10k-labels-idx1-ubyte.gz"
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(DataError, match="t10k-labels.*named pipe"):
        load_mnist(mnist_dir)
