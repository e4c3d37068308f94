import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import drawing, without_hanging
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
    assert "image path" not in result.stdout + result.stderr  # no prompt when no one types
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


def test_predict_json_dash_prints_json_lines_only(images):
    result = subprocess.run([sys.executable, "-m", "digitpad", "predict", "--json", "-"],
                            input=f"{images / 'seven.png'}\n{images / 'broken.jpg'}\n", capture_output=True, text=True)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["digit"] for r in records] == [7, None] and result.returncode == 1


def test_the_prompt_goes_to_stderr_when_a_person_types(images, monkeypatch, capsys):
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(f"{images / 'seven.png'}\n"))
    assert main(["predict", "--json", "-"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["digit"] == 7
    assert "image path (Ctrl-D to end): " in captured.err


def test_one_unreadable_or_too_long_path_does_not_stop_the_run(images, tmp_path, capsys):
    too_long = str(tmp_path / ("x" * 5000 + ".png"))
    pipe = tmp_path / "pipe.png"
    os.mkfifo(pipe)
    status = without_hanging(main, ["predict", too_long, str(pipe), str(images / "seven.png")])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1 and len(lines) == 3
    assert "error:" in lines[0] and "named pipe" in lines[1] and lines[2].startswith(f"{images / 'seven.png'}: 7 (")


def test_no_frame_on_a_flat_dark_image_is_blank(tmp_path, capsys):
    path = tmp_path / "black.png"
    Image.new("L", (280, 280), 0).save(path)
    assert main(["predict", "--no-frame", str(path)]) == 1
    assert "blank" in capsys.readouterr().out


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_weights_that_are_a_pipe_or_a_device_say_so(images, tmp_path, capsys, special):
    path = special
    if special == "fifo":
        path = tmp_path / "pipe.weights.h5"
        os.mkfifo(path)
    assert without_hanging(main, ["predict", "--weights", str(path), str(images / "seven.png")]) == 2
    err = capsys.readouterr().err
    assert ("named pipe" if special == "fifo" else "device") in err and "does not exist" not in err


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["--batch-size", "0"], "--batch-size: 0 is not in 1..4096"),
        (["--batch-size", "-3"], "--batch-size: -3 is not in 1..4096"),
        (["--epochs", "0"], "--epochs: 0 is less than 1"),
        (["--epochs", "-1"], "--epochs: -1 is less than 1"),
        (["--seed", "-1"], "--seed: -1 is not in 0..4294967295"),
        (["--seed", str(2**32)], f"--seed: {2**32} is not in 0..4294967295"),
        (["--epochs", "two"], "--epochs: 'two' is not a whole number"),
    ],
)
def test_numbers_out_of_range_are_usage_errors(arguments, complaint, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["train", *arguments])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert complaint in err and "Traceback" not in err


def test_train_help_says_how_to_replace_better_weights(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--replace" in out and "previous.weights.h5" in out


def test_ctrl_c_before_training_starts_exits_130_with_one_line(mnist_dir, monkeypatch, capsys):
    pytest.importorskip("tensorflow")

    def interrupted(source=None):
        raise KeyboardInterrupt

    monkeypatch.setattr("digitpad.cli.load_mnist", interrupted)
    assert main(["train", "--data", str(mnist_dir), "--fresh"]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "digitpad: interrupted"


def test_ctrl_c_in_a_real_process_exits_130(mnist_dir, isolated_home):
    pytest.importorskip("tensorflow")
    import signal

    process = subprocess.Popen([sys.executable, "-m", "digitpad", "train", "--data", str(mnist_dir), "--epochs", "1000"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().startswith("data:")  # started, TensorFlow not yet imported
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 130, err
    assert "Traceback" not in err


def test_a_mistyped_weights_file_is_an_error_and_nothing_is_replaced(mnist_dir, isolated_home, shipped_weights, capsys):
    pytest.importorskip("tensorflow")
    mine = isolated_home / "mnist.weights.h5"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(shipped_weights.read_bytes())
    status = main(["train", "--data", str(mnist_dir), "--epochs", "1", "--weights", str(isolated_home / "typo.weights.h5")])
    assert status == 2 and "typo.weights.h5 does not exist" in capsys.readouterr().err
    assert mine.read_bytes() == shipped_weights.read_bytes()


def test_training_from_the_other_networks_weights_says_which_it_holds(mnist_dir, capsys):
    pytest.importorskip("tensorflow")
    from digitpad.paths import shipped_weights

    assert main(["train", "--data", str(mnist_dir), "--weights", str(shipped_weights("cnn"))]) == 2
    err = capsys.readouterr().err
    assert "holds weights of the cnn network: train it with --model cnn" in err and len(err.splitlines()) == 1


def test_a_bad_out_is_found_before_loading_mnist(tmp_path, monkeypatch, capsys):
    pytest.importorskip("tensorflow")

    def never(source=None):
        raise AssertionError("MNIST was loaded before --out was checked")

    monkeypatch.setattr("digitpad.cli.load_mnist", never)
    link = tmp_path / "link.weights.h5"
    link.symlink_to(tmp_path / "elsewhere.weights.h5")
    assert main(["train", "--fresh", "--out", str(link)]) == 2
    assert "symbolic link" in capsys.readouterr().err and not (tmp_path / "elsewhere.weights.h5").exists()


def test_fresh_training_keeps_better_weights_and_says_so(mnist_dir, isolated_home, capsys):
    pytest.importorskip("tensorflow")
    assert main(["train", "--data", str(mnist_dir), "--epochs", "3", "--batch-size", "16", "--fresh", "--seed", "1"]) == 0
    mine = isolated_home / "mnist.weights.h5"
    before = mine.read_bytes()
    capsys.readouterr()
    assert main(["train", "--data", str(mnist_dir), "--epochs", "1", "--batch-size", "300", "--fresh", "--seed", "2"]) == 0
    assert "no epoch beat the weights in" in capsys.readouterr().out and mine.read_bytes() == before
    assert main(["train", "--data", str(mnist_dir), "--epochs", "1", "--batch-size", "300", "--fresh", "--seed", "2",
                 "--replace"]) == 0
    assert f"kept in {isolated_home / 'mnist.previous.weights.h5'}" in capsys.readouterr().out
    assert (isolated_home / "mnist.previous.weights.h5").read_bytes() == before


def test_samples_in_the_folder_that_are_symlinks_or_pipes_are_never_read(isolated_home, tmp_path, capsys):
    from digitpad.samples import add_sample, samples_dir

    folder = samples_dir()
    add_sample(folder, drawing(7), 7)
    secret = tmp_path / "secret.png"
    drawing(1).save(secret)
    (folder / "link.png").symlink_to(secret)
    (folder / "zero.png").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.png")
    with open(folder / "labels.csv", "a") as f:
        f.write("link.png,1\nzero.png,2\npipe.png,3\n")
    assert without_hanging(main, ["samples", "list"]) == 0
    out = capsys.readouterr().out
    assert "1 sample in" in out and out.count("symbolic link") == 2 and "pipe.png is not a regular file" in out
    assert without_hanging(main, ["samples", "export", str(tmp_path / "copy")]) == 0
    assert "copied 1 sample to" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == sorted(
        p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink())


def test_a_deletion_that_fails_says_so(isolated_home, monkeypatch, capsys):
    from digitpad.samples import add_sample, samples_dir

    folder = samples_dir()
    add_sample(folder, drawing(7), 7)
    real_unlink = os.unlink

    def refused(path, *args, **kwargs):
        if str(path).endswith(".png"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", refused)
    assert main(["samples", "delete"]) == 2
    captured = capsys.readouterr()
    assert re.fullmatch(f"digitpad: could not delete the samples in {re.escape(str(folder))}: permission denied "
                        r"\(.*\.png\)\n", captured.err), captured.err
    assert "deleted" not in captured.out


def test_a_samples_folder_that_is_a_symlink_is_not_reported_deleted(isolated_home, tmp_path, capsys):
    from digitpad.samples import add_sample, samples_dir

    elsewhere = tmp_path / "elsewhere"
    add_sample(elsewhere, drawing(7), 7)
    samples_dir().parent.mkdir(parents=True, exist_ok=True)
    samples_dir().symlink_to(elsewhere)
    assert main(["samples", "delete"]) == 2
    assert "could not delete the samples" in capsys.readouterr().err
    assert (elsewhere / "labels.csv").exists()


def test_evaluate_goes_on_after_a_file_it_cannot_open(images, capsys):
    with open(images / "labels.csv", "w") as f:
        f.write(f"file,label\nseven.png,7\n{'x' * 300}.png,4\néén.png,1\n")  # a name too long to open
    assert main(["evaluate", "--images", str(images)]) == 0
    captured = capsys.readouterr()
    assert "unusable (blank or unreadable, counted wrong): 1" in captured.out
    assert "accuracy: 66.67%" in captured.out
    assert "unusable:" in captured.err and "xxx" in captured.err


def test_an_out_that_holds_no_weights_is_refused_before_loading_mnist(tmp_path, monkeypatch, capsys):
    pytest.importorskip("tensorflow")

    def never(source=None):
        raise AssertionError("MNIST was loaded before --out was checked")

    monkeypatch.setattr("digitpad.cli.load_mnist", never)
    notes = tmp_path / "notes.weights.h5"
    notes.write_text("my notes")
    assert main(["train", "--fresh", "--out", str(notes)]) == 2
    err = capsys.readouterr().err
    assert "left unchanged: to overwrite it, use --replace" in err and len(err.splitlines()) == 1
    assert notes.read_text() == "my notes"


def test_evaluate_numbers_counts_exact_numbers_digits_and_wrong_counts(tmp_path, capsys):
    from conftest import DRAWN_DIGITS

    def number_image(digits):
        strokes = [[(x * 0.6 + 110 * index, y * 0.6 + 20) for x, y in stroke]
                   for index, digit in enumerate(digits) for stroke in DRAWN_DIGITS[digit]]
        return render_strokes(strokes, size=110 * len(digits) + 40).crop((0, 0, 110 * len(digits) + 40, 200))

    number_image([1, 7]).save(tmp_path / "seventeen.png")
    number_image([7, 0, 1]).save(tmp_path / "701.png")
    Image.new("L", (200, 100), 255).save(tmp_path / "blank.png")
    (tmp_path / "labels.csv").write_text("file,label\nseventeen.png,17\n701.png,701\nblank.png,42\nbad.png,x1\n")
    assert main(["evaluate", "--numbers", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "numbers: 3 from" in captured.out and "line 5" in captured.err  # a label that is no number is skipped
    assert "read exactly: 66.67%" in captured.out
    assert "digits right: 100.00%" in captured.out  # 5 digits in the two numbers whose count is right
    assert "count of digits wrong: 33.33%" in captured.out


@pytest.mark.parametrize("option", ["--images", "--numbers"])
def test_evaluating_a_folder_without_usable_rows_is_a_clear_error(tmp_path, capsys, option):
    (tmp_path / "labels.csv").write_text("file,label\n")
    assert main(["evaluate", option, str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "no usable row" in captured.err and "nan" not in captured.out + captured.err


@pytest.mark.parametrize("command", ["train", "adapt"])
def test_an_empty_out_is_a_usage_error(command, capsys):
    with pytest.raises(SystemExit) as stop:
        main([command, "--out", ""])
    assert stop.value.code == 2 and "an empty file name" in capsys.readouterr().err


def test_training_over_the_other_networks_weights_says_so(tmp_path, capsys, shipped_weights):
    pytest.importorskip("tensorflow")
    from digitpad.paths import shipped_weights as shipped

    out = tmp_path / "cnn-copy.weights.h5"
    out.write_bytes(shipped("cnn").read_bytes())
    assert main(["train", "--epochs", "1", "--data", str(tmp_path / "none"), "--out", str(out)]) == 2
    assert "holds weights of the cnn network" in capsys.readouterr().err


# The command line in Chinese: a real process, with the language chosen as a user chooses it.

def run_digitpad(*arguments, language, columns=100):
    environment = {**os.environ, "LANGUAGE": language, "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, "-m", "digitpad", *arguments], capture_output=True, text=True,
                          env=environment, timeout=120)


def test_help_is_in_chinese_with_argparse_s_own_words():
    result = run_digitpad("--help", language="zh_CN")
    assert result.returncode == 0, result.stderr
    for chinese in ("用法：digitpad", "识别手写数字。", "\n选项：\n", "显示此帮助信息并退出", "\n命令：\n",
                    "识别图片文件", "在 MNIST 上训练并保留最佳权重", "用你自己的手写样本微调模型"):
        assert chinese in result.stdout, chinese
    for english in ("usage:", "options", "show this help", "Recognise", "recognise image files"):
        assert english not in result.stdout, english


def test_a_command_s_help_is_in_chinese_and_fits_the_terminal():
    from digitpad.i18n import columns

    result = run_digitpad("predict", "--help", language="zh_CN", columns=60)
    assert result.returncode == 0, result.stderr
    for chinese in ("用法：digitpad predict", "\n位置参数：\n", "图片文件；- 表示逐个询问路径", "每行输出一个 JSON 对象",
                    "只用教程中的预处理", "默认使用哪种网络的权重"):
        assert chinese in result.stdout, chinese
    assert "positional arguments" not in result.stdout and "image files" not in result.stdout
    # a Chinese character takes two columns: lines are wrapped by columns, not characters
    assert max(columns(line) for line in result.stdout.splitlines()) <= 60
    first, *more = result.stdout.split("\n\n")[0].splitlines()  # the usage, lined up under its first option
    assert more and {len(line) - len(line.lstrip()) for line in more} == {columns("用法：digitpad predict ")}


def test_a_usage_error_is_in_chinese_on_one_line():
    result = run_digitpad("train", "--epochs", "0", language="zh_CN")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "digitpad train：错误：参数 --epochs：0 小于 1"
    result = run_digitpad("read", language="zh_CN")
    assert result.stderr.splitlines()[-1] == "digitpad read：错误：缺少以下必需参数：FILE"


def test_a_bad_file_is_said_in_one_line_in_the_user_s_language(images):
    broken, folder = images / "broken.jpg", images
    chinese = run_digitpad("predict", str(broken), str(folder), language="zh_CN")
    english = run_digitpad("predict", str(broken), str(folder), language="en")
    assert chinese.returncode == english.returncode == 1
    assert chinese.stdout.splitlines() == [f"{broken}: 错误：{broken} 不是 digitpad 能读取的图片（格式未知或文件已损坏）",
                                           f"{folder}: 错误：{folder} 是文件夹，不是图片"]
    assert english.stdout.splitlines() == [f"{broken}: error: {broken} is not an image digitpad can read "
                                           "(unknown or damaged format)",
                                           f"{folder}: error: {folder} is a folder, not an image"]
    assert chinese.stderr == english.stderr == ""


def test_unusable_weights_are_said_in_chinese_on_one_line(images, tmp_path):
    missing = tmp_path / "none.weights.h5"
    result = run_digitpad("predict", "--weights", str(missing), str(images / "seven.png"), language="zh_CN")
    assert result.returncode == 2
    assert result.stderr == f"digitpad：{missing} 不存在\n"


def test_json_lines_are_the_same_in_every_language(images):
    files = [str(images / name) for name in ("seven.png", "blank.png", "broken.jpg")]
    chinese = run_digitpad("predict", "--json", *files, language="zh_CN")
    english = run_digitpad("predict", "--json", *files, language="en")
    assert chinese.returncode == english.returncode == 1
    assert chinese.stdout == english.stdout
    records = [json.loads(line) for line in chinese.stdout.splitlines()]
    assert records[0]["digit"] == 7 and "blank" in records[1]["error"] and "not an image" in records[2]["error"]
    assert run_digitpad("read", "--json", *files, language="zh_CN").stdout == \
        run_digitpad("read", "--json", *files, language="en").stdout


def test_percentages_look_the_same_in_both_languages(images):
    chinese = run_digitpad("predict", str(images / "seven.png"), language="zh_CN").stdout
    english = run_digitpad("predict", str(images / "seven.png"), language="en").stdout
    assert chinese == english and re.fullmatch(r".*: 7 \(\d+\.\d%\)\n", english)


def test_an_output_that_cannot_take_chinese_gets_english_not_a_traceback(monkeypatch):
    monkeypatch.setenv("PYTHONIOENCODING", "latin-1")
    result = run_digitpad("predict", "/", language="zh_CN")
    assert result.returncode == 1 and result.stderr == ""
    assert result.stdout == "/: error: / is a folder, not an image\n"


def test_training_tables_line_up_in_chinese():
    from types import SimpleNamespace

    from digitpad.cli import format_confusion, format_history
    from digitpad.i18n import columns, use_language

    use_language("zh_CN")
    record = SimpleNamespace(epoch=1, loss=0.25, accuracy=0.93, val_loss=0.2, val_accuracy=0.94, seconds=3.5)
    header, row = format_history([record]).splitlines()
    assert header.split() == ["轮", "损失", "准确率", "测试损失", "测试准确率", "秒"]
    assert columns(header) == columns(row)
    header, *rows = format_confusion(np.eye(10, dtype=int)).splitlines()
    assert header.startswith("真实") and header.endswith("准确率")
    assert {columns(line) for line in rows} == {columns(header)}


# What a terminal, a pipe or a disk does to the output: a real process, as a user runs it.

def test_a_name_the_terminal_cannot_show_is_escaped_and_the_run_goes_on(images):
    drawing(1).save(images / "七.png")
    result = subprocess.run([sys.executable, "-m", "digitpad", "predict", str(images / "seven.png"),
                             str(images / "七.png")], capture_output=True, env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and result.stderr == b"", result.stderr.decode(errors="replace")
    lines = result.stdout.decode("ascii").splitlines()
    assert lines[0].startswith(f"{images / 'seven.png'}: 7 (")
    assert lines[1].startswith(f"{images}/\\u4e03.png: 1 (")


def test_a_name_that_is_not_utf8_is_escaped_in_text_and_json(images):
    name = os.fsdecode(bytes(images / "bad") + b"\xff\xfe.png")  # a name no text encoding can show
    drawing(7).save(name)
    escaped = f"{images / 'bad'}\\xff\\xfe.png"
    for arguments in (["predict", "--json"], ["read", "--json"]):
        result = subprocess.run([sys.executable, "-m", "digitpad", *arguments, name, str(images / "blank.png")],
                                capture_output=True)
        text = result.stdout.decode("utf-8")  # valid UTF-8: no lone surrogate
        assert "\\udc" not in text, text
        records = [json.loads(line) for line in text.splitlines()]
        assert records[0]["file"] == escaped and records[1]["file"] == str(images / "blank.png")
    result = subprocess.run([sys.executable, "-m", "digitpad", "predict", name, os.fsdecode(bytes(images / "x") + b"\xff")],
                            capture_output=True)
    lines = result.stdout.decode("utf-8").splitlines()
    assert result.returncode == 1 and result.stderr == b""
    assert lines[0].startswith(f"{escaped}: 7 (") and lines[1] == f"{images / 'x'}\\xff: error: {images / 'x'}\\xff does not exist"


def test_a_reader_that_goes_away_ends_the_run_quietly(images):
    process = subprocess.Popen([sys.executable, "-m", "digitpad", "predict", "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdin.write(f"{images / 'seven.png'}\n")
    process.stdin.flush()
    assert process.stdout.readline().startswith(f"{images / 'seven.png'}: 7 (")
    process.stdout.close()  # as `| head -1` does after its line
    process.stdin.write(f"{images / 'seven.png'}\n{images / 'seven.png'}\n")
    process.stdin.close()
    assert process.wait(timeout=120) == 141  # 128 + SIGPIPE, what the shell says of cat or grep ended so
    assert process.stderr.read() == ""


def test_a_full_disk_is_said_in_one_plain_line():
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    for language, expected in (("en", "digitpad: cannot write the output: no space left on device\n"),
                               ("zh_CN", "digitpad：无法写出输出：设备上没有剩余空间\n")):
        with open("/dev/full", "w") as full:
            result = subprocess.run([sys.executable, "-m", "digitpad", "predict", "/"], stdout=full,
                                    stderr=subprocess.PIPE, text=True, env={**os.environ, "LANGUAGE": language})
        assert result.returncode == 2 and result.stderr == expected


def test_samples_export_counts_and_copies_only_usable_samples(isolated_home, tmp_path, capsys):
    from digitpad.samples import add_sample, samples_dir

    folder = samples_dir()
    add_sample(folder, drawing(7), 7)
    add_sample(folder, drawing(1), 1)
    (folder / "7-bad.png").write_text("a text file")
    with open(folder / "labels.csv", "a") as f:
        f.write("7-bad.png,7\nmissing.png,4\n")
    assert main(["samples", "list"]) == 0
    assert "2 samples in" in capsys.readouterr().out
    assert main(["samples", "export", str(tmp_path / "copy")]) == 0
    captured = capsys.readouterr()
    assert f"copied 2 samples to {tmp_path / 'copy'}" in captured.out
    assert [line for line in captured.err.splitlines() if line.startswith("skipped: ")] == captured.err.splitlines()
    assert "7-bad.png" in captured.err and "missing.png" in captured.err
    assert not (tmp_path / "copy" / "7-bad.png").exists()
    assert main(["samples", "export", str(tmp_path / "copy")]) == 2  # the folder exists now
    assert capsys.readouterr().err == (f"digitpad: {tmp_path / 'copy'} already exists: export needs a new folder\n")


def test_a_digit_without_images_has_no_accuracy_not_nan(images, capsys):
    (images / "labels.csv").write_text("file,label\nseven.png,7\néén.png,1\n")
    assert main(["evaluate", "--images", str(images)]) == 0
    out = capsys.readouterr().out
    assert "nan" not in out
    rows = {int(line.split()[0]): line.split()[-1] for line in out.splitlines() if line[:4].strip().isdigit()}
    assert rows[7] == rows[1] == "100.00%" and {rows[digit] for digit in (0, 2, 3, 4, 5, 6, 8, 9)} == {"–"}


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_usage_errors_name_what_the_user_types(language):
    bogus = run_digitpad("bogus", language=language)
    assert bogus.returncode == 2 and "COMMAND" in bogus.stderr.splitlines()[-1] and "command" not in bogus.stderr
    samples = run_digitpad("samples", language=language)
    assert samples.returncode == 2 and samples.stderr.splitlines()[-1].endswith(
        {"en": "the following arguments are required: ACTION", "zh_CN": "缺少以下必需参数：ACTION"}[language])
    usage = run_digitpad("samples", "--help", language=language).stdout.splitlines()[0]
    assert usage.endswith("digitpad samples [-h] ACTION [FOLDER]") and "destination" not in usage


def test_digitpad_s_own_error_lines_are_written_as_argparse_s(tmp_path):
    result = run_digitpad("evaluate", "--images", str(tmp_path), language="zh_CN")
    usage = run_digitpad("read", language="zh_CN")
    assert result.returncode == 2 and result.stderr.startswith(f"digitpad：{tmp_path}") and "\n" not in result.stderr[:-1]
    assert usage.stderr.splitlines()[-1].startswith("digitpad read：错误：")


def test_read_s_list_of_digits_is_punctuated_as_its_language(tmp_path):
    from conftest import DRAWN_DIGITS

    strokes = [[(x * 0.6 + 110 * index, y * 0.6 + 20) for x, y in stroke]
               for index, digit in enumerate([1, 7]) for stroke in DRAWN_DIGITS[digit]]
    render_strokes(strokes, size=260).crop((0, 0, 260, 200)).save(tmp_path / "17.png")
    chinese = run_digitpad("read", str(tmp_path / "17.png"), language="zh_CN").stdout
    english = run_digitpad("read", str(tmp_path / "17.png"), language="en").stdout
    assert re.fullmatch(r".*: 17 \(min confidence \d+\.\d%: 1 \d+\.\d%, 7 \d+\.\d%\)\n", english), english
    assert re.fullmatch(r".*: 17（最低置信度 \d+\.\d%：1 \d+\.\d%，7 \d+\.\d%）\n", chinese), chinese


def test_the_environment_decides_the_command_line_s_language_before_the_window_s_setting(isolated_home):
    from digitpad.settings import Settings, save_settings

    def help_in(**environment):
        variables = {key: value for key, value in os.environ.items()
                     if key not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
        return subprocess.run([sys.executable, "-m", "digitpad", "--help"], capture_output=True, text=True,
                              env={**variables, **environment}, timeout=120).stdout

    assert "usage: digitpad" in help_in(LC_ALL="C", LANG="zh_CN.UTF-8")  # LC_ALL overrides LANG
    assert "用法：digitpad" in help_in(LANGUAGE=":zh_CN", LC_ALL="C")
    assert "usage: digitpad" in help_in(LANGUAGE="zh_MO")  # Macau: Traditional, no catalog yet
    save_settings(Settings(language="zh_CN"))
    assert "usage: digitpad" in help_in(LANGUAGE="en") and "usage: digitpad" in help_in(LC_ALL="C")
    assert "用法：digitpad" in help_in()  # the environment says nothing: the window's setting
    save_settings(Settings(language="en"))
    assert "usage: digitpad" in help_in()
    assert "用法：digitpad" in help_in(LANG="zh_CN.UTF-8")


def test_a_file_the_system_refuses_is_named_with_a_plain_reason(images, monkeypatch, capsys):
    def refused(self, path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Recognizer, "judge", refused)
    seven = images / "seven.png"
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    assert main(["predict", "--json", str(seven)]) == 1
    assert json.loads(capsys.readouterr().out)["error"] == f"{seven}: permission denied"  # English in JSON
    assert main(["predict", str(seven)]) == 1
    assert capsys.readouterr().out == f"{seven}: 错误：{seven}：权限不足\n"


def test_read_says_which_digits_are_likely_no_digit_as_its_json_verdict_does(images, monkeypatch, capsys):
    from digitpad.recognition.numbers import DigitReading, Reading

    def doubted(self, path):
        digit = DigitReading(8, 0.82, np.eye(10)[8], (0, 0, 10, 10), np.zeros((28, 28)), not_digit=0.995)
        sure = DigitReading(1, 0.99, np.eye(10)[1], (20, 0, 30, 10), np.zeros((28, 28)), not_digit=0.01)
        return Reading((sure, digit))

    monkeypatch.setattr(Recognizer, "read", doubted)
    main(["read", str(images / "seven.png")])
    text = capsys.readouterr().out
    main(["read", "--json", str(images / "seven.png")])
    found = json.loads(capsys.readouterr().out)
    assert text.endswith(": 18 (min confidence 82.0%: 1 99.0%, 8 82.0% (likely not a digit))\n"), text
    assert [digit["verdict"] for digit in found["digits"]] == ["digit", "no_digit"]
