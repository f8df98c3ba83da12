"""optcourse.widgets.annealing: the annealing widget runs the library's search and redraws on change."""
import numpy as np

from optcourse.beyond.heuristics import simulated_annealing
from optcourse.landscapes.surfaces import rastrigin
from optcourse.widgets.annealing import AnnealingWidget


def test_widget_runs_the_same_search_and_reacts_to_its_controls():
    w = AnnealingWidget(t0=10.0, cooling=0.998, step_size=0.5, steps=800, seed=2, dpi=40)
    s = rastrigin()
    ref = simulated_annealing(s.value, s.start, steps=800, t0=10.0, cooling=0.998, step_size=0.5,
                              bounds=s.bounds, seed=2)
    np.testing.assert_array_equal(w.result.x, ref.x)
    before = bytes(w.png())
    assert before.startswith(b"\x89PNG")
    w.t0_control.value = 0.001                        # cold from the start: greedy, it stops in a local minimum
    assert "not in" in w.status.value
    assert w.result.f > 0.5
    assert bytes(w.png()) != before
