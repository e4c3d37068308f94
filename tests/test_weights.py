from digitpad.recognition.weights import partial_path, replace_atomically


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


def test_partial_file_left_by_a_killed_process_is_reused(tmp_path):
    dest = tmp_path / "w.weights.h5"
    with partial_path(dest) as first:
        pass
    first.write_bytes(b"left over")  # as if the process had died before cleaning up
    with partial_path(dest) as second:
        assert second == first
    assert not first.exists()


def test_missing_folder_is_created(tmp_path):
    dest = tmp_path / "new" / "folder" / "w.weights.h5"
    with partial_path(dest) as partial:
        partial.write_bytes(b"x")
        replace_atomically(partial, dest)
    assert dest.read_bytes() == b"x"
