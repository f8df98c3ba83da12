"""Animated paths: frames that show each path up to its step, HTML that embeds every frame, a still where
scripts cannot run, GIF files."""
import base64
import io

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from optcourse.experiments.runner import race, run  # noqa: E402
from optcourse.viz.animate import AnimatedPaths, animate_paths, animation_html, frame_steps, save_animation  # noqa: E402


@pytest.fixture(scope="module")
def runs():
    return race("himmelblau", ["SGD", "Momentum", "Adam"], steps=60)


def test_frames_spread_evenly_over_the_steps():
    np.testing.assert_array_equal(frame_steps(200, 5), [0, 50, 100, 150, 200])
    np.testing.assert_array_equal(frame_steps(3, 10), [0, 1, 2, 3])


def test_animation_frames_show_the_paths_up_to_their_step():
    runs = {"SGD": run("SGD", "booth", 40, lr=0.02), "bfgs-like": run("Adam", "booth", 10, lr=0.5)}
    anim = animate_paths("booth", runs, frames=5, dpi=30)
    steps = anim.frame_steps
    np.testing.assert_array_equal(steps, [0, 10, 20, 30, 40])
    for i, k in enumerate(steps):
        artists = anim.show_frame(i)
        sgd_line, sgd_end, short_line, short_end = artists[:4]
        np.testing.assert_array_equal(sgd_line.get_xydata(), runs["SGD"].path[:k + 1])
        np.testing.assert_array_equal(sgd_end.get_xydata(), runs["SGD"].path[k:k + 1])
        upto = min(k, 10)                                    # the shorter run stays at its end
        np.testing.assert_array_equal(short_line.get_xydata(), runs["bfgs-like"].path[:upto + 1])
        assert artists[-1].get_text() == f"booth: step {k}"
    assert anim.to_jshtml().count("data:image/png;base64") == 5


def test_animation_html_embeds_every_frame():
    runs = race("booth", ["SGD", "Adam"], steps=30)
    html = animation_html("booth", runs, frames=6, dpi=40)
    assert html.count("data:image/jpeg;base64") == 6 and "<script" in html
    png_html = animation_html("booth", runs, frames=4, dpi=40, frame_format="png")
    assert png_html.count("data:image/png;base64") == 4
    with pytest.raises(ValueError, match="frame_format"):
        animation_html("booth", runs, frame_format="bmp")


def test_animated_paths_show_a_still_where_scripts_cannot_run(tmp_path):
    runs = race("booth", ["SGD", "Adam"], steps=30)
    bundle = AnimatedPaths("booth", runs, frames=4, dpi=40)._repr_mimebundle_()
    assert "<script" in bundle["text/html"]
    still = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert still.size == (round(5.4 * 40), round(4.4 * 40))
    save_animation("booth", runs, tmp_path / "race.gif", frames=5, dpi=40)
    gif = Image.open(tmp_path / "race.gif")
    assert gif.n_frames == 5
    first = np.asarray(gif.convert("RGB"))
    gif.seek(4)
    last = np.asarray(gif.convert("RGB"))
    assert (first != last).any(axis=-1).mean() > 0.005              # the paths grew
    with pytest.raises(ValueError, match=".gif or an .html"):
        save_animation("booth", runs, tmp_path / "race.mp4")
