import json

import pytest

from digitpad.settings import Settings, load_settings, save_settings, settings_file


def test_missing_file_gives_the_defaults_quietly(tmp_path):
    assert load_settings(tmp_path / "none.json") == (Settings(), None)


def test_saved_settings_are_read_back(tmp_path):
    path = tmp_path / "deep" / "settings.json"
    chosen = Settings(kind="cnn", live=False, mnist_folder="/data/mnist", window_size="900x600", auto_adapt=True)
    save_settings(chosen, path)
    assert load_settings(path) == (chosen, None)
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temporary file left


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00", b"[1, 2]", b'"text"', b"null"])
def test_a_corrupt_or_foreign_file_is_ignored_with_a_message(tmp_path, content):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    settings, problem = load_settings(path)
    assert settings == Settings()
    assert problem and str(path) in problem


def test_values_of_the_wrong_type_or_unknown_keys_are_left_at_their_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"kind": "resnet", "live": "yes", "framed": False, "colour": "red"}))
    settings, problem = load_settings(path)
    assert problem is None
    assert settings == Settings(framed=False)


def test_a_folder_or_a_huge_file_is_not_read(tmp_path):
    (tmp_path / "folder").mkdir()
    assert load_settings(tmp_path / "folder")[1]
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (1 << 20))
    assert load_settings(huge)[1]


def test_the_default_file_is_in_the_isolated_home(isolated_home):
    assert settings_file() == isolated_home / "settings.json"


@pytest.mark.parametrize("size", ["abc", "-5x-5", "0x0", "10x", "100x100+5+5", "99999999x2", "99999x99999"])
def test_a_window_size_tk_would_refuse_gives_the_default(tmp_path, size):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"window_size": size, "live": False}))
    settings, problem = load_settings(path)
    assert settings.window_size == "" and settings.live is False and problem is None


def test_an_unknown_language_follows_the_system(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"language": "fr", "window_size": "900x600"}))
    settings, _ = load_settings(path)
    assert settings.language == "" and settings.window_size == "900x600"
