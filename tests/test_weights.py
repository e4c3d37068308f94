import os
import shutil

import h5py
import numpy as np
import pytest

from digitpad.recognition.weights import (
    TrainingBusy,
    WeightsError,
    check_output,
    partial_path,
    read_weights,
    replace_atomically,
    training_lock,
)


def test_partial_file_replaces_dest_in_one_step(tmp_path):
    dest = tmp_path / "w.weights.h5"
    dest.write_bytes(b"old")
    with partial_path(dest) as partial:
        assert partial.parent == dest.parent and partial.name.endswith(".weights.h5") and partial != dest
        partial.write_bytes(b"new")
        assert dest.read_bytes() == b"old"
        replace_atomically(partial, dest)
        assert dest.read_bytes() == b"new"
    assert list(tmp_path.iterdir()) == [dest]


def test_partial_file_is_removed_on_error(tmp_path):
    dest = tmp_path / "w.weights.h5"
    dest.write_bytes(b"old")
    try:
        with partial_path(dest) as partial:
            partial.write_bytes(b"half")
            raise RuntimeError("crash while saving")
    except RuntimeError:
        pass
    assert dest.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [dest]


def test_a_partial_file_left_by_a_killed_process_is_never_reused(tmp_path):
    dest = tmp_path / "w.weights.h5"
    with partial_path(dest) as first:
        pass
    first.write_bytes(b"left over")  # as if the process had died before cleaning up
    with partial_path(dest) as second:
        assert second != first and second.stat().st_size == 0  # a new, empty file of its own
    assert first.read_bytes() == b"left over"


def test_a_planted_symlink_at_the_partial_name_is_never_followed(tmp_path):
    dest, victim = tmp_path / "w.weights.h5", tmp_path / "victim.txt"
    victim.write_text("precious")
    with partial_path(dest) as first:
        pass
    first.symlink_to(victim)  # what the old fixed name allowed: writing through it
    with partial_path(dest) as partial:
        partial.write_bytes(b"new")
        replace_atomically(partial, dest)
    assert victim.read_text() == "precious" and dest.read_bytes() == b"new"


def test_missing_folder_is_created(tmp_path):
    dest = tmp_path / "new" / "folder" / "w.weights.h5"
    with partial_path(dest) as partial:
        partial.write_bytes(b"x")
        replace_atomically(partial, dest)
    assert dest.read_bytes() == b"x"


def test_outputs_that_are_not_regular_files_are_refused(tmp_path):
    target = tmp_path / "target.weights.h5"
    target.write_bytes(b"theirs")
    link = tmp_path / "link.weights.h5"
    link.symlink_to(target)
    fifo = tmp_path / "pipe.weights.h5"
    os.mkfifo(fifo)
    for path, message in [(link, "symbolic link"), (fifo, "named pipe"), (tmp_path, "folder")]:
        with pytest.raises(WeightsError, match=message):
            check_output(path)
        with pytest.raises(WeightsError, match=message), partial_path(tmp_path / "x.weights.h5") as partial:
            partial.write_bytes(b"new")
            replace_atomically(partial, path)
    assert target.read_bytes() == b"theirs" and link.is_symlink() and fifo.is_fifo()
    check_output(tmp_path / "new.weights.h5")
    check_output(target)


def test_a_device_as_output_is_refused():
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    with pytest.raises(WeightsError, match="device"):
        check_output("/dev/null")


def test_an_output_in_a_folder_that_cannot_be_written_is_found_before_training(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    with pytest.raises(WeightsError, match="cannot write"):
        check_output(blocker / "w.weights.h5")


# --- reading hostile weights files


def copy_of(shipped_weights, tmp_path, name="w.weights.h5"):
    path = tmp_path / name
    shutil.copyfile(shipped_weights, path)
    return path


def test_shipped_weights_read(shipped_weights):
    weights = read_weights(shipped_weights)
    assert weights.kind == "mlp" and weights.params[0][0].shape == (784, 128)
    assert 0.9 < weights.test_accuracy < 1


@pytest.mark.parametrize("special", ["fifo", "dev_zero"])
def test_weights_that_are_not_a_regular_file_are_refused_at_once(tmp_path, special):
    if special == "fifo":
        path = tmp_path / "pipe.weights.h5"
        os.mkfifo(path)  # reading it would wait for a writer for ever
        expected = "named pipe"
    else:
        path = "/dev/zero"
        expected = "device"
    with pytest.raises(WeightsError, match=expected):
        read_weights(path)


def test_missing_weights_say_so(tmp_path):
    with pytest.raises(WeightsError, match="does not exist"):
        read_weights(tmp_path / "typo.weights.h5")


def test_nan_or_infinite_weights_are_refused(shipped_weights, tmp_path):
    for bad in (np.nan, np.inf):
        path = copy_of(shipped_weights, tmp_path)
        with h5py.File(path, "r+") as f:
            f["layers/dense_1/vars/1"][3] = bad
        with pytest.raises(WeightsError, match="NaN or infinite"):
            read_weights(path)


def replace_dataset(path, name, **create):
    with h5py.File(path, "r+") as f:
        del f[name]
        f.create_dataset(name, **create)


def test_a_huge_declared_dataset_is_refused_without_reading_it(shipped_weights, tmp_path):
    path = copy_of(shipped_weights, tmp_path)
    # 74 GiB declared, nothing stored: reading it would exhaust the memory
    replace_dataset(path, "optimizer/vars/5", shape=(2**18, 2**18, 290), dtype="f4", chunks=(64, 64, 1))
    assert path.stat().st_size < 10 * 2**20
    with pytest.raises(WeightsError, match="more than 64 MB"):
        read_weights(path)


def test_a_layer_of_the_wrong_shape_is_refused(shipped_weights, tmp_path):
    path = copy_of(shipped_weights, tmp_path)
    replace_dataset(path, "layers/dense_1/vars/1", data=np.zeros(11, np.float32))
    with pytest.raises(WeightsError, match=r"shape \(11,\), expected \(10,\)"):
        read_weights(path)


def test_variable_length_and_text_datasets_are_refused(shipped_weights, tmp_path):
    for create in ({"shape": (10,), "dtype": h5py.vlen_dtype(np.float32)}, {"data": np.array([b"x"] * 10)}):
        path = copy_of(shipped_weights, tmp_path)
        replace_dataset(path, "layers/dense_1/vars/1", **create)
        with pytest.raises(WeightsError, match="not numbers"):
            read_weights(path)


def test_external_storage_is_refused(shipped_weights, tmp_path):
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.arange(10, dtype=np.float32).tobytes())
    path = copy_of(shipped_weights, tmp_path)
    replace_dataset(path, "layers/dense_1/vars/1", shape=(10,), dtype="f4", external=[(str(secret), 0, 40)])
    with pytest.raises(WeightsError, match="stored outside the file"):
        read_weights(path)


@pytest.mark.parametrize("link", ["external", "soft loop", "soft"])
def test_links_are_refused(shipped_weights, tmp_path, link):
    other = copy_of(shipped_weights, tmp_path, "other.weights.h5")
    path = copy_of(shipped_weights, tmp_path)
    with h5py.File(path, "r+") as f:
        del f["layers/dense_1/vars/1"]
        if link == "external":
            f["layers/dense_1/vars/1"] = h5py.ExternalLink(str(other), "layers/dense_1/vars/1")
        elif link == "soft loop":
            f["layers/dense_1/vars/1"] = h5py.SoftLink("/layers/dense_1/vars/1")
        else:
            f["layers/dense_1/vars/1"] = h5py.SoftLink("/layers/dense/vars/1")
    with pytest.raises(WeightsError, match="is a link"):
        read_weights(path)


def test_a_hard_link_loop_is_refused(shipped_weights, tmp_path):
    path = copy_of(shipped_weights, tmp_path)
    with h5py.File(path, "r+") as f:
        f["layers/dense/loop"] = f["layers"]  # a group that contains itself
    with pytest.raises(WeightsError, match="too many objects or nested too deep"):
        read_weights(path)


@pytest.mark.parametrize("value", ["0.98", np.arange(3.0), 7.5, np.nan, np.array([b"x", b"y"])])
def test_an_accuracy_of_the_wrong_type_is_unknown_not_a_crash(shipped_weights, tmp_path, value):
    path = copy_of(shipped_weights, tmp_path)
    with h5py.File(path, "r+") as f:
        f.attrs["test_accuracy"] = value
        f.attrs["adapted_from"] = np.arange(4)
    weights = read_weights(path)
    assert weights.test_accuracy is None and weights.adapted_from is None
    np.testing.assert_array_equal(weights.params[0][0], read_weights(shipped_weights).params[0][0])


# --- one training per output


def test_a_second_training_of_the_same_output_is_refused_clearly(tmp_path):
    out = tmp_path / "w.weights.h5"
    with training_lock(out):
        with pytest.raises(TrainingBusy, match=f"another training is writing {out}"):
            with training_lock(out):
                pass
        with training_lock(tmp_path / "other.weights.h5"):  # another output is free
            pass
    with training_lock(out):  # free again once the first ends
        pass
    assert list(tmp_path.iterdir()) == []


def test_a_crashed_training_leaves_no_lock_and_its_leftovers_are_removed(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "w.weights.h5"
    script = ("import os, sys\nfrom digitpad.recognition.weights import training_lock, partial_path\n"
              "with training_lock(sys.argv[1]):\n"
              "    with partial_path(sys.argv[1]) as p:\n"
              "        p.write_bytes(b'half')\n"
              "        os._exit(9)\n")  # dies holding the lock, before any cleaning up
    assert subprocess.run([sys.executable, "-c", script, str(out)]).returncode == 9
    assert list(tmp_path.glob("*.partial.weights.h5"))
    (tmp_path / ".w.partial.weights.h5").write_bytes(b"left by an older version")
    unrelated = tmp_path / ".w-cnn.abcdefgh.partial.weights.h5"
    unrelated.write_bytes(b"another output's")
    with training_lock(out):
        assert sorted(tmp_path.glob("*.partial.weights.h5")) == [unrelated]
