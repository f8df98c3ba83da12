"""Self-checks: a clear pass or a helpful fail (kind expected, what came back, hint), never the answer."""
import numpy as np
import pytest
import sympy as sp

from optcourse.course.checks import CheckFailed, SelfChecks, function, satisfies, symbolic, value

HIDDEN = 0.734519        # the "right answer" of the checks below: it must never appear in a message


@pytest.fixture
def check():
    c = SelfChecks()
    c.add("number", value(HIDDEN), hint="Think of the slope.")
    c.add("vector", value(lambda: np.array([HIDDEN, 2 * HIDDEN, 3.0])))
    c.add("grad", function(inputs=[(np.array([1.0, 2.0]),)], reference=lambda x: HIDDEN * x),
          hint="Differentiate each coordinate.")
    c.add("expr", symbolic(lambda: sp.Symbol("b") ** 2 / (1 - sp.Symbol("b"))))
    c.add("flag", value(True))
    return c


def failure(check, gid, answer) -> str:
    with pytest.raises(CheckFailed) as info:
        check(gid, answer)
    message = str(info.value).replace("\n" + " " * 12, " ")     # undo the wrapping of long lines
    assert message.startswith(f"✗ {gid}: not yet") and "expected:" in message and "got:" in message
    for shown in ("0.7345", "1.469", str(HIDDEN)):
        assert shown not in message, f"the answer leaked into the message: {message}"
    return message


def test_a_right_answer_passes_with_one_line(check, capsys):
    assert check("number", HIDDEN * (1 + 1e-9)) is None        # nothing for IPython to echo as Out[]
    check("vector", np.array([HIDDEN, 2 * HIDDEN, 3.0]))
    check("grad", lambda x: HIDDEN * x)
    check("expr", sp.Symbol("b") ** 2 * (1 - sp.Symbol("b")) ** -1)
    check("flag", True)
    assert capsys.readouterr().out.splitlines() == [f"✓ {g}: passed" for g in ("number", "vector", "grad", "expr", "flag")]


def test_wrong_kind_says_what_was_expected_and_what_came_back(check):
    message = failure(check, "number", "0.7")
    assert "a number (a float)" in message and "a str" in message and "hint:     Think of the slope." in message
    message = failure(check, "vector", np.zeros((3, 1)))
    assert "an array of shape (3,)" in message and "shape (3, 1)" in message
    message = failure(check, "vector", [1.0, 2.0, 3.0])
    assert "an array of shape (3,)" in message and "a list" in message
    assert "did you forget `return`" in failure(check, "grad", lambda x: None)
    assert "the boolean" in failure(check, "number", True)       # True is not a number here
    assert "a boolean" in failure(check, "flag", 1)


def test_wrong_values_are_measured_not_revealed(check):
    message = failure(check, "vector", np.array([0.5, 1.0, 3.5]))
    assert "3 of 3 entries are off" in message and "largest relative error 0.32" in message
    assert "got:      an array of shape (3,) and dtype float64: [0.5 1.  3.5]" in message   # theirs, shown
    assert "NaN or infinity" in failure(check, "number", float("nan"))
    assert "the value is too small" in failure(check, "number", 0.5)          # the direction of the error
    assert "the value is too large" in failure(check, "number", 0.9)
    assert "differs from it" in failure(check, "expr", sp.Symbol("b") ** 2)


def test_unfinished_and_crashing_answers_are_explained(check):
    def unfinished(x):
        raise NotImplementedError()

    assert "replace the `raise NotImplementedError()` line" in failure(check, "grad", unfinished)
    message = failure(check, "grad", lambda x: x[5])
    assert "IndexError" in message and "an array of shape (2,)" in message
    assert "a function" in failure(check, "grad", 3.0)


def test_a_function_that_changes_its_input_in_place_is_compared_fairly():
    c = SelfChecks()
    c.add("double", function(inputs=[(np.array([1.0, 2.0]),)], reference=lambda x: 2 * x))

    def doubles_in_place(x):
        x *= 2
        return x

    c("double", doubles_in_place)          # the reference saw an unchanged copy


def test_satisfies_reports_the_rule_in_words():
    c = SelfChecks()
    c.add("cond", satisfies(lambda x: isinstance(x, float) and x >= 1.0, "a float >= 1"))
    c("cond", 3.0)
    with pytest.raises(CheckFailed, match="a float >= 1"):
        c("cond", 0.5)


def test_unknown_ids_and_empty_checks_are_clear_errors(check):
    with pytest.raises(ValueError, match="no self-check named 'nope'; this lesson has: expr, flag, grad"):
        check("nope", 1)
    with pytest.raises(ValueError, match="at least one step"):
        SelfChecks().add("x")


def test_ipython_shows_the_message_without_a_traceback(check):
    with pytest.raises(CheckFailed) as info:
        check("number", 0.1)
    assert info.value._render_traceback_() == str(info.value).splitlines()
    assert isinstance(info.value, AssertionError)       # nbgrader counts it as a failed test


def test_a_value_answer_is_looked_up_by_name_and_missing_means_not_yet(check, capsys):
    check.add("pair", value((HIDDEN, 2.0)), answer=("first", "second"))
    check.add("single", value(HIDDEN), answer="guess")
    namespace = {"check": check}
    with pytest.raises(CheckFailed) as info:
        exec('check("single")', namespace)          # the answer cell was never run
    message = str(info.value)
    assert message.startswith("✗ single: not yet") and "`guess`" in message and "NotImplementedError" in message
    namespace.update(first=HIDDEN, guess=HIDDEN)
    with pytest.raises(CheckFailed, match="`second`"):
        exec('check("pair")', namespace)
    namespace["second"] = 2.0
    exec('check("pair"); check("single")', namespace)
    assert capsys.readouterr().out.splitlines() == ["✓ pair: passed", "✓ single: passed"]
    namespace["guess"] = 0.5
    assert "the value is too" in str(pytest.raises(CheckFailed, exec, 'check("single")', namespace).value)


def test_long_messages_wrap_between_words_under_their_label():
    c = SelfChecks()
    long_hint = " ".join(["curvature"] * 40)
    c.add("long", value(1.0), hint=long_hint)
    with pytest.raises(CheckFailed) as info:
        c("long", 2.0)
    lines = str(info.value).splitlines()
    hint_lines = lines[lines.index(next(l for l in lines if l.startswith("  hint:"))):]
    assert len(hint_lines) > 1 and all(len(l) <= SelfChecks.WIDTH for l in lines)
    assert all(l.startswith(" " * 12) for l in hint_lines[1:])
    assert " ".join(l[12:] for l in hint_lines) == long_hint          # no word broken or lost


def test_own_work_rejects_the_library_answer_under_any_name_and_restores_it():
    from optcourse.course.checks import LibraryCalled, own_work, without_library
    import optcourse.landscapes.critical as critical
    library = critical.classify_critical_point
    notebook = {"classify_critical_point": library, "np": np}
    exec("def calls_global(H, tol=1e-8):\n    return classify_critical_point(H, tol)\n"
         "def imports_it(H, tol=1e-8):\n    from optcourse.landscapes.critical import classify_critical_point as c\n"
         "    return c(H, tol)\n"
         "def via_module(H, tol=1e-8):\n    import optcourse.landscapes.critical as m\n"
         "    return m.classify_critical_point(H, tol)\n"
         "def own(H, tol=1e-8):\n    lam = np.linalg.eigvalsh(H)\n"
         "    return 'saddle' if lam.min() < 0 < lam.max() else 'x'\n",
         notebook)
    c = SelfChecks()
    c.add("classify", own_work(library, inputs=[(np.diag([1.0, -1.0]),)]))
    for name in ("calls_global", "imports_it", "via_module"):
        message = failure(c, "classify", notebook[name])
        assert "calls classify_critical_point" in message, name
    assert "itself" in failure(c, "classify", library)
    c("classify", notebook["own"])                              # passes
    assert notebook["classify_critical_point"] is library and critical.classify_critical_point is library
    with without_library(notebook, library):                    # the hidden tests' form
        with pytest.raises(LibraryCalled):
            notebook["calls_global"](np.eye(2))
        assert notebook["own"](np.diag([1.0, -1.0])) == "saddle"
    assert critical.classify_critical_point is library and notebook["calls_global"](np.eye(2)) == "minimum"
