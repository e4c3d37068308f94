import numpy as np
from PIL import Image

from conftest import drawing
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
    assert any("not 'file,digit'" in reason for reason in samples.skipped)


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

    from digitpad.data import DataError
    from digitpad.samples import read_sample_pixels

    folder = tmp_path / "samples"
    add_sample(folder, Image.new("L", (280, 280), 255), 3)
    with pytest.raises(DataError, match="no usable samples"):
        read_sample_pixels(folder)
    add_sample(folder, drawing(7), 7)
    pixels, labels, skipped = read_sample_pixels(folder)
    assert pixels.shape == (1, 28, 28) and labels.tolist() == [7]
    assert len(skipped) == 1 and "blank" in skipped[0]
