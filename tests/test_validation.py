"""The argument checks every public function uses: what passes, in what form, and what each refusal says."""
import numpy as np
import pytest

from optcourse.validation import (condition_number, in_unit_interval, is_whole, nonnegative, positive, symmetric_matrix,
                                  vector, whole)


def test_whole_numbers_accept_numpy_integers_and_refuse_bools_floats_and_out_of_range():
    assert whole("steps", np.int64(3), 0) == 3 and type(whole("steps", np.int64(3), 0)) is int
    assert is_whole(5) and not is_whole(True) and not is_whole(np.bool_(True)) and not is_whole(2.0)
    for bad in (True, 2.5, "3", -1):
        with pytest.raises(ValueError, match=r"steps must be a whole number >= 0, got"):
            whole("steps", bad, 0)
    with pytest.raises(ValueError, match="n_bumps must be a whole number from 1 to 100, got 101"):
        whole("n_bumps", 101, 1, 100)


@pytest.mark.parametrize("check, good, bad", [
    (positive, [1e-300, 3], [0.0, -1.0, float("inf"), float("nan")]),
    (nonnegative, [0.0, 2], [-1e-12, float("nan"), float("inf")]),
    (in_unit_interval, [0.0, 0.999], [1.0, -0.1, float("nan")]),
])
def test_numbers_pass_as_floats_and_refusals_name_the_argument(check, good, bad):
    for value in good:
        assert type(check("eps", value)) is float
    for value in bad:
        with pytest.raises(ValueError, match=r"^eps must"):
            check("eps", value)
    with pytest.raises(TypeError, match="eps must be a number, got str"):
        check("eps", "0.1")
    with pytest.raises(TypeError, match="got bool"):
        check("eps", True)


def test_closed_unit_interval_and_condition_numbers():
    assert in_unit_interval("alpha", 1.0, closed=True) == 1.0
    assert condition_number(1) == 1.0
    for bad in (0.5, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="condition number must be a finite number >= 1"):
            condition_number(bad)


def test_matrices_and_vectors():
    H = symmetric_matrix("H", [[2, 1], [1, 3]])
    assert H.dtype == float and H.shape == (2, 2)
    with pytest.raises(ValueError, match="square"):
        symmetric_matrix("H", np.ones((2, 3)))
    with pytest.raises(ValueError, match="symmetric"):
        symmetric_matrix("H", [[1, 2], [0, 1]])
    with pytest.raises(ValueError, match="NaN"):
        symmetric_matrix("H", [[1, np.nan], [np.nan, 1]])
    assert vector("x", [1, 2], 2).dtype == float
    with pytest.raises(ValueError, match=r"x must be a vector of shape \(3,\), got shape \(2,\)"):
        vector("x", [1, 2], 3)
