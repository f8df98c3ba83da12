"""The command line that makes figures for slides: optcourse-figures / python -m optcourse.viz.figures."""
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from optcourse.viz.figures import main, parse_optimizers

ROOT = Path(__file__).resolve().parents[1]


def test_race_to_png(tmp_path, capsys):
    out = tmp_path / "slides" / "race.png"
    assert main(["race", "--surface", "booth", "--optimizers", "SGD,Adam", "--steps", "30", "--dpi", "40",
                 "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    image = Image.open(out)
    assert image.format == "PNG" and image.size == (int(10.5 * 40), int(4.4 * 40))
    assert np.asarray(image.convert("L")).std() > 10


def test_race_to_gif_has_the_frames_asked_for(tmp_path):
    out = tmp_path / "race.gif"
    assert main(["race", "--surface", "himmelblau", "--optimizers", "Adam:lr=0.1,betas=(0.8,0.99)", "Lion:lr=0.03",
                 "--steps", "40", "--frames", "6", "--start=-1,-1", "--out", str(out)]) == 0
    gif = Image.open(out)
    assert gif.format == "GIF" and gif.n_frames == 6
    first = np.asarray(gif.convert("RGB"))
    gif.seek(5)
    assert (first != np.asarray(gif.convert("RGB"))).any(axis=-1).mean() > 0.005


def test_race_to_html_and_surface_to_png(tmp_path):
    html = tmp_path / "race.html"
    assert main(["race", "--surface", "quadratic", "--surface-option", "condition_number=50", "--optimizers",
                 "Momentum", "--steps", "20", "--frames", "3", "--out", str(html)]) == 0
    assert html.read_text().count("data:image/jpeg;base64") == 3
    png = tmp_path / "camel.png"
    assert main(["surface", "--surface", "six_hump_camel", "--log", "--dpi", "30", "--out", str(png)]) == 0
    assert Image.open(png).size == (int(6.4 * 30), int(5.2 * 30))


def test_optimizer_specs():
    specs = parse_optimizers(["SGD,momentum", "Adam:lr=0.1,betas=(0.9,0.99)", "Tiger:kinds=plain"])
    assert specs == {"SGD": {"optimizer": "SGD"}, "Momentum": {"optimizer": "Momentum"},
                     "Adam (lr=0.1, betas=(0.9, 0.99))": {"optimizer": "Adam", "lr": 0.1, "betas": (0.9, 0.99)},
                     "Tiger (kinds=plain)": {"optimizer": "Tiger", "kinds": "plain"}}
    with pytest.raises(ValueError, match="key=value"):
        parse_optimizers(["Adam:lr"])


@pytest.mark.parametrize("argv, message", [
    (["race", "--optimizers", "Adamm"], "unknown optimizer 'Adamm'; known: SGD"),
    (["race", "--surface", "moon"], "unknown surface 'moon'"),
    (["race", "--surface-option", "condition_number"], "key=value"),
    (["race", "--start=1"], "two numbers"),
    (["surface", "--out", "x.gif"], "--out must end in one of .png"),
])
def test_bad_arguments_are_explained(tmp_path, capsys, argv, message):
    if "--out" not in argv:
        argv = [*argv, "--out", str(tmp_path / "x.png")]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_module_entry_point_and_console_script():
    done = subprocess.run([sys.executable, "-m", "optcourse.viz.figures", "list"], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "rosenbrock" in done.stdout and "lbfgs" in done.stdout
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["optcourse-figures"] == "optcourse.viz.figures:main"
