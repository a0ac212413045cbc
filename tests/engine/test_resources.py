"""Bundled data is found in a checkout and, failing that, where a regular install puts it."""

from engine.data import resources


def test_checkout_resources_are_found():
    assert (resources.resource_dir("datasets") / "iris.csv").is_file()
    assert (resources.resource_dir("experiments") / "default.json").is_file()


def test_installed_location_is_used_when_the_checkout_has_none(tmp_path, monkeypatch):
    installed = tmp_path / "share" / "backprop-workbench"
    (installed / "datasets").mkdir(parents=True)
    monkeypatch.setattr(resources, "_CHECKOUT", tmp_path / "no-checkout")
    monkeypatch.setattr(resources, "_INSTALLED", [tmp_path / "elsewhere", installed])
    assert resources.resource_dir("datasets") == installed / "datasets"
