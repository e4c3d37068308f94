import numpy as np
import pytest
from conftest import drawing, without_hanging
from PIL import Image

from digitpad.labels import LabelsError, read_labels
from digitpad.samples import add_sample, count_samples, delete_samples, export_samples, read_samples


def test_kept_samples_are_read_back(tmp_path):
    folder = tmp_path / "samples"
    add_sample(folder, drawing(7), 7)
    add_sample(folder, drawing(1), 1)
    samples = read_samples(folder)
    assert samples.labels == [7, 1] and samples.skipped == []
    assert np.array_equal(np.asarray(samples.images[0]), np.asarray(drawing(7)))
    assert count_samples(folder) == 2
    assert sorted(p.suffix for p in folder.iterdir()) == [".csv", ".png", ".png"]


def test_corrupt_and_foreign_entries_are_skipped_with_reasons(tmp_path):
    folder = tmp_path / "samples"
    add_sample(folder, drawing(7), 7)
    (folder / "broken.png").write_bytes(b"not a png")
    with open(folder / "labels.csv", "a") as f:
        f.write("broken.png,3\nmissing.png,4\nx.png,twelve\n../../etc/passwd,1\n")
    samples = read_samples(folder)
    assert samples.labels == [7]
    assert len(samples.skipped) == 4
    assert any("label 'twelve' is not a digit 0-9" in reason for reason in samples.skipped)


def test_no_folder_means_no_samples(tmp_path):
    assert read_samples(tmp_path / "none").labels == [] and count_samples(tmp_path / "none") == 0


def test_export_and_delete(tmp_path):
    folder = tmp_path / "samples"
    add_sample(folder, drawing(0), 0)
    export_samples(folder, tmp_path / "copy")
    assert read_samples(tmp_path / "copy").labels == [0]
    assert delete_samples(folder) == 1
    assert not folder.exists()


def test_remove_one_sample(tmp_path):
    from digitpad.samples import remove_sample

    folder = tmp_path / "samples"
    first = add_sample(folder, drawing(7), 7)
    add_sample(folder, drawing(1), 1)
    remove_sample(folder, first)
    assert read_samples(folder).labels == [1] and not first.exists()


def test_sample_pixels_skip_blank_drawings_and_need_at_least_one(tmp_path):
    import pytest

    from digitpad.samples import read_sample_pixels
    from digitpad.training.data import DataError

    folder = tmp_path / "samples"
    add_sample(folder, Image.new("L", (280, 280), 255), 3)
    with pytest.raises(DataError, match="no usable samples"):
        read_sample_pixels(folder)
    add_sample(folder, drawing(7), 7)
    pixels, labels, skipped = read_sample_pixels(folder)
    assert pixels.shape == (1, 28, 28) and labels.tolist() == [7]
    assert len(skipped) == 1 and "blank" in skipped[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xef\xbb\xbffile,label\r\na.png,3\r\n", [("a.png", "3")]),  # byte-order mark, CRLF
        (b"a.png,3\nb.png,4\n", [("a.png", "3"), ("b.png", "4")]),  # no header
        (b'file,label\n"a, b.png",5\n', [("a, b.png", "5")]),  # quoted
        (b"file,label\n\xe9t\xe9.png,1\nb.png,2\n", [("b.png", "2")]),  # Latin-1 bytes: that row only
        (b"file,label\na.png,\xc2\xb3\nb.png,10\nc.png,-1\nd.png,one\ne.png,7\n", [("e.png", "7")]),
        (b"file,label\n" + b"x" * 200_000 + b".png,1\nb.png,2\n", [("b.png", "2")]),  # a huge field
        (b"file,label\n../../etc/passwd,1\n", [("passwd", "1")]),  # never outside the folder
    ],
)
def test_labels_csv_rows_that_cannot_be_used_are_skipped_with_a_reason(tmp_path, content, expected):
    (tmp_path / "labels.csv").write_bytes(content)
    table = read_labels(tmp_path)
    assert [(path.name, label) for path, label in table.rows] == expected
    assert all(path.parent == tmp_path for path, _ in table.rows)
    lines = [line for line in content.splitlines()[1:] if line]
    assert len(table.rows) + len(table.skipped) == len(lines) + (b"file,label" not in content)


def test_a_missing_labels_csv_is_a_clear_error(tmp_path):
    with pytest.raises(LabelsError, match="no labels.csv"):
        read_labels(tmp_path)


def test_a_planted_link_or_pipe_as_labels_csv_is_never_written_through(tmp_path):
    import os

    from digitpad.training.data import DataError

    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    for plant in ("symlink", "fifo"):
        folder = tmp_path / plant
        folder.mkdir()
        if plant == "symlink":
            (folder / "labels.csv").symlink_to(victim)
        else:
            os.mkfifo(folder / "labels.csv")
        with pytest.raises(DataError, match="labels.csv is not a regular file"):
            without_hanging(add_sample, folder, drawing(7), 7)
        assert [p.name for p in folder.iterdir()] == ["labels.csv"]  # the drawing was not kept either
    assert victim.read_text() == "precious"


def test_removing_a_sample_never_writes_through_a_planted_link(tmp_path):
    from digitpad.samples import remove_sample

    folder = tmp_path / "samples"
    first = add_sample(folder, drawing(7), 7)
    add_sample(folder, drawing(1), 1)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (folder / "labels.partial").symlink_to(victim)  # the fixed temporary name used before
    remove_sample(folder, first)
    assert victim.read_text() == "precious" and read_samples(folder).labels == [1]


def test_forgetting_the_samples_leaves_the_users_own_files(tmp_path):
    folder = tmp_path / "samples"
    kept = [add_sample(folder, drawing(digit), digit) for digit in (1, 7)]
    (folder / "my_notes.txt").write_text("mine")
    assert delete_samples(folder) == 2
    assert not any(path.exists() for path in kept) and not (folder / "labels.csv").exists()
    assert (folder / "my_notes.txt").read_text() == "mine"
    (folder / "my_notes.txt").unlink()
    add_sample(folder, drawing(1), 1)
    assert delete_samples(folder) == 1 and not folder.exists()  # nothing of the user's: the folder goes too


def test_a_sample_kept_after_a_damaged_table_is_readable(tmp_path):
    folder = tmp_path / "samples"
    folder.mkdir()
    (folder / "labels.csv").write_bytes(b"file,label\n\x93\xff garbage without a line end")
    add_sample(folder, drawing(7), 7)
    samples = read_samples(folder)
    assert samples.labels == [7] and len(samples.skipped) == 1


def test_export_copies_only_the_usable_samples_and_says_what_it_skipped(tmp_path):
    folder = tmp_path / "samples"
    add_sample(folder, drawing(7), 7)
    add_sample(folder, drawing(1), 1)
    (folder / "7-bad.png").write_text("not a picture")
    (folder / "my_notes.txt").write_text("mine")
    with open(folder / "labels.csv", "a") as f:
        f.write("7-bad.png,7\nmissing.png,4\n")
    exported = export_samples(folder, tmp_path / "copy")
    assert len(exported.labels) == len(read_samples(folder).labels) == 2  # what `samples list` counts
    assert any("7-bad.png" in reason for reason in exported.skipped)
    assert any("missing.png" in reason for reason in exported.skipped)
    copy = read_samples(tmp_path / "copy")
    assert sorted(copy.labels) == [1, 7] and copy.skipped == []
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == sorted(
        [p.name for p in read_samples(folder).paths] + ["labels.csv"])


def test_export_never_writes_into_an_existing_folder(tmp_path):
    from digitpad.training.data import DataError

    folder = tmp_path / "samples"
    add_sample(folder, drawing(7), 7)
    existing = tmp_path / "mine"
    existing.mkdir()
    (existing / "labels.csv").write_text("precious")
    with pytest.raises(DataError, match=r"mine already exists: export needs a new folder$"):
        export_samples(folder, existing)
    assert (existing / "labels.csv").read_text() == "precious" and len(list(existing.iterdir())) == 1
