import pytest

from digitpad.weights import atomic_path


def test_atomic_path_replaces_in_one_step(tmp_path):
    dest = tmp_path / "w.weights.h5"
    dest.write_bytes(b"old")
    with atomic_path(dest) as partial:
        assert partial.parent == dest.parent and partial != dest
        partial.write_bytes(b"new")
        assert dest.read_bytes() == b"old"
    assert dest.read_bytes() == b"new"
    assert list(tmp_path.iterdir()) == [dest]


def test_atomic_path_keeps_the_old_file_on_error(tmp_path):
    dest = tmp_path / "w.weights.h5"
    dest.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(dest) as partial:
            partial.write_bytes(b"half")
            raise RuntimeError("crash while saving")
    assert dest.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [dest]


def test_atomic_path_leaves_dest_alone_when_nothing_was_written(tmp_path):
    dest = tmp_path / "w.weights.h5"
    dest.write_bytes(b"old")
    with atomic_path(dest):
        pass
    assert dest.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [dest]
