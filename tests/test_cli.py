import json
import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import drawing
from PIL import Image

from digitpad.cli import main
from digitpad.recognition.recognizer import Recognizer
from digitpad.recognition.strokes import render_strokes


@pytest.fixture
def images(tmp_path):
    folder = tmp_path / "my digits"
    folder.mkdir()
    drawing(7).save(folder / "seven.png")
    drawing(1).save(folder / "één.png")  # spaces and non-ASCII in the path
    Image.new("L", (280, 280), 255).save(folder / "blank.png")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    return folder


def test_predict_prints_digit_and_confidence(images, capsys):
    assert main(["predict", str(images / "seven.png"), str(images / "één.png")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{images / 'seven.png'}: 7 (")
    assert lines[1].startswith(f"{images / 'één.png'}: 1 (")
    assert lines[0].endswith("%)")


def test_predict_json_and_failures(images, capsys):
    files = [images / name for name in ("seven.png", "blank.png", "broken.jpg")]
    assert main(["predict", "--json", *map(str, files)]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in records] == list(map(str, files))
    seven, blank, broken = records
    assert seven["digit"] == 7 and 0.5 < seven["confidence"] <= 1
    assert len(seven["probabilities"]) == 10 and sum(seven["probabilities"]) == pytest.approx(1, abs=1e-4)
    assert blank["digit"] is None and "blank" in blank["error"]
    assert broken["digit"] is None and "not an image" in broken["error"]


def test_predict_no_frame_uses_the_tutorial_pipeline(tmp_path, capsys):
    path = tmp_path / "small corner seven.png"
    small_seven = [[(x * 0.3 + 10, y * 0.3 + 180) for x, y in [(70, 50), (210, 50), (120, 240)]]]
    render_strokes(small_seven, pen=6).save(path)
    assert main(["predict", "--json", "--no-frame", str(path)]) == 0
    printed = json.loads(capsys.readouterr().out)["probabilities"]
    tutorial, app = Recognizer.load(framed=False).probabilities(path), Recognizer.load().probabilities(path)
    assert np.abs(tutorial - app).max() > 0.01  # framing changes what the model sees here
    np.testing.assert_allclose(printed, tutorial, atol=1e-6)


def test_predict_with_unusable_weights_says_so(images, tmp_path, capsys):
    assert main(["predict", "--weights", str(tmp_path / "none.weights.h5"), str(images / "seven.png")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_predict_dash_prompts_for_paths_until_end_of_input(images):
    result = subprocess.run(
        [sys.executable, "-m", "digitpad", "predict", "-"],
        input=f"{images / 'seven.png'}\n\n{images / 'één.png'}\n",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "image path" in result.stdout
    assert f"{images / 'seven.png'}: 7 (" in result.stdout
    assert f"{images / 'één.png'}: 1 (" in result.stdout


def test_evaluate_on_a_folder_of_images(images, capsys):
    with open(images / "labels.csv", "w") as f:
        f.write("file,label\nseven.png,7\néén.png,1\nblank.png,3\n")
    assert main(["evaluate", "--images", str(images)]) == 0
    out = capsys.readouterr().out
    assert "accuracy: 66.67%" in out
    assert "unusable (blank or unreadable, counted wrong): 1" in out
    rows = [line.split() for line in out.splitlines() if line[:4].strip().isdigit()]
    assert rows[7][1 + 7] == "1" and rows[1][1 + 1] == "1"  # confusion matrix diagonal


def test_evaluate_on_mnist_files(mnist_dir, capsys):
    assert main(["evaluate", "--data", str(mnist_dir)]) == 0
    out = capsys.readouterr().out
    assert "images:  100 from MNIST test" in out
    assert re.search(r"accuracy: [\d.]+% \(the network alone, as training reports it: [\d.]+%\)", out)


def test_evaluate_missing_data_is_a_clear_error(tmp_path, capsys):
    assert main(["evaluate", "--data", str(tmp_path / "nowhere")]) == 2
    assert "no such MNIST folder" in capsys.readouterr().err


def test_train_writes_to_the_user_folder_and_reports(mnist_dir, isolated_home, capsys):
    pytest.importorskip("tensorflow")
    assert main(["train", "--data", str(mnist_dir), "--epochs", "2", "--fresh", "--seed", "0"]) == 0
    out = capsys.readouterr().out
    written = isolated_home / "mnist.weights.h5"
    assert f"writing to: {written}" in out
    assert "Total params: 101,770" in out  # the model summary
    assert "epoch      loss  accuracy  val_loss  val_accuracy  seconds" in out
    assert "saved the best weights" in out and written.is_file()
    # the next run resumes from the user's weights, not the shipped ones
    main(["train", "--data", str(mnist_dir), "--epochs", "1"])
    assert f"resuming from: {written}" in capsys.readouterr().out


def test_adapt_and_samples_commands(isolated_home, capsys):
    from digitpad.samples import add_sample, samples_dir

    for digit in (7, 1, 0):
        add_sample(samples_dir(), drawing(digit), digit)
    assert main(["samples", "list"]) == 0
    assert "3 samples" in capsys.readouterr().out
    assert main(["adapt", "--seed", "0"]) == 0  # no MNIST, no TensorFlow: the shipped subset
    out = capsys.readouterr().out
    assert "your samples:" in out and f"saved to {isolated_home / 'mnist.adapted.weights.h5'}" in out
    assert main(["samples", "delete"]) == 0
    assert "deleted 3 samples" in capsys.readouterr().out
    assert main(["adapt"]) == 2
    assert "no usable samples" in capsys.readouterr().err
