"""Self-checks: instant, helpful feedback on an exercise that never shows the answer.

Each lesson folder has a ``selfcheck.py`` that declares its checks by grade_id, built from a few
steps: what kind of answer is expected, what values it must match (computed by ``optcourse``
itself or by a rule, never written out), and a hint:

    # solutions/01-gd/selfcheck.py
    import numpy as np
    from optcourse.course.checks import SelfChecks, function, array
    from optcourse.landscapes.surfaces import get_surface

    check = SelfChecks()
    bowl = get_surface("quadratic")
    check.add("bowl-gradient", function(inputs=[(np.array([1.0, 2.0]),)], reference=bowl.gradient),
              hint="Differentiate each coordinate; the result has the shape of x.")

and the lesson's test cell calls it: ``check("bowl-gradient", my_gradient)``. A pass prints one line;
a miss raises :class:`CheckFailed` (an AssertionError, so the cell turns red) whose message says what
kind of answer was expected, what came back, and the hint. Messages describe the expected answer by
its kind and shape and the student's answer by its value; they never print an expected value.
"""
from __future__ import annotations

import contextlib
import numbers
import sys
import textwrap

import numpy as np


class CheckFailed(AssertionError):
    """A self-check that did not pass. IPython shows only the message, not a traceback."""

    def _render_traceback_(self):
        return str(self).splitlines()


class Mismatch(Exception):
    """Raised by a check step: what was expected (kind/shape, never the value) and what came back."""

    def __init__(self, expected: str, got: str):
        super().__init__(expected, got)
        self.expected, self.got = expected, got


def describe(value, limit: int = 80) -> str:
    """A short description of a student's value: its kind, shape and (briefly) itself."""
    if value is None:
        return "None (did you forget `return`?)"
    if isinstance(value, np.ndarray):
        text = np.array2string(value, threshold=6, precision=4)
        return f"an array of shape {value.shape} and dtype {value.dtype}: {text[:limit]}"
    if isinstance(value, (bool, np.bool_)):
        return f"the boolean {value}"
    if isinstance(value, numbers.Number):
        return f"the {type(value).__name__} {value!r}"[:limit]
    if callable(value):
        return f"a function ({getattr(value, '__name__', type(value).__name__)})"
    text = repr(value)
    return f"a {type(value).__name__}: {text if len(text) <= limit else text[:limit] + '...'}"


def kind_of(value) -> str:
    """The kind and shape of an expected value, without the value."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (bool, np.bool_)):
        return "a boolean (True or False)"
    if isinstance(value, numbers.Integral):
        return "an integer"
    if isinstance(value, numbers.Real):
        return "a number (a float)"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def direction(got, want) -> str:
    """Which way a numeric answer is off, in words, without the right value: too large, too small,
    wrong sign; for an array, as a vector (its length, and whether it points the right way)."""
    g, w = np.ravel(np.asarray(got, dtype=float)), np.ravel(np.asarray(want, dtype=float))
    if g.size == 1:
        if g[0] * w[0] < 0:
            return "with the wrong sign"
        return "too large" if abs(g[0]) > abs(w[0]) else "too small"
    ng, nw = np.linalg.norm(g), np.linalg.norm(w)
    if ng == 0 or nw == 0:
        return "all zero where it should not be" if ng == 0 else "not zero where it should be"
    cosine = float(g @ w) / (ng * nw)
    if cosine < -0.99:
        return "pointing the opposite way (wrong sign)"
    if cosine < 0.999:
        return "pointing in another direction"
    return "too large (too long a vector)" if ng > nw else "too small (too short a vector)"


def _compare(got, want, rtol: float, atol: float, what: str) -> None:
    """Raise Mismatch unless got matches want's kind, shape and values (within tolerance)."""
    expected = kind_of(want)
    if isinstance(want, (bool, np.bool_)):
        if not isinstance(got, (bool, np.bool_)):
            raise Mismatch(expected, f"{what}{describe(got)}")
        if bool(got) != bool(want):
            raise Mismatch(expected + " that is right", f"{what}{got}, which is not")
        return
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            raise Mismatch(expected, f"{what}{describe(got)}")
        for i, (g, w) in enumerate(zip(got, want)):
            _compare(g, w, rtol, atol, f"{what}item {i}: ")
        return
    if isinstance(want, np.ndarray) or isinstance(want, numbers.Number):
        if isinstance(want, np.ndarray):
            if not isinstance(got, np.ndarray):
                raise Mismatch(expected, f"{what}{describe(got)}")
            if got.shape != want.shape:
                raise Mismatch(expected, f"{what}an array of shape {got.shape}")
        elif isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Number):
            raise Mismatch(expected, f"{what}{describe(got)}")
        try:
            g = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise Mismatch(expected, f"{what}{describe(got)}") from None
        w = np.asarray(want, dtype=float)
        if not np.all(np.isfinite(g)):
            raise Mismatch(expected + " with finite values", f"{what}{describe(got)} (NaN or infinity)")
        close = np.isclose(g, w, rtol=rtol, atol=atol)
        if not np.all(close):
            error = np.max(np.abs(g - w) / np.maximum(np.abs(w), atol if atol > 0 else 1e-300))
            detail = (f"{np.size(close) - np.count_nonzero(close)} of {np.size(close)} entries are off"
                      if np.ndim(w) else f"the value is too {'large' if g > w else 'small'}")
            if np.ndim(w):                 # an array: which way it is off, as a vector
                detail += f", {direction(g, w)}"
            raise Mismatch(expected + " with the right values", f"{what}{describe(got)}; {detail} "
                                                                 f"(largest relative error {error:.2g}, allowed {rtol:g})")
        return
    if got != want:                    # other kinds (strings, sympy): equality, value never printed
        raise Mismatch(expected + " equal to the right answer", f"{what}{describe(got)}")


def value(reference, rtol: float = 1e-6, atol: float = 1e-12):
    """A step: the answer matches ``reference`` (a value, or a function of no arguments computing it)."""
    def step(answer):
        want = reference() if callable(reference) else reference
        _compare(answer, want, rtol, atol, "")
    return step


def function(inputs, reference, rtol: float = 1e-6, atol: float = 1e-12):
    """A step: the answer is a function whose output matches ``reference(*args)`` on every input.

    ``inputs`` is a list of argument tuples. Arrays are copied before each call, so a function that
    changes its arguments in place is compared fairly.
    """
    def step(answer):
        if not callable(answer):
            raise Mismatch("a function", describe(answer))
        for args in inputs:
            shown = ", ".join(describe(a, 40) for a in args)
            try:
                got = answer(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
            except NotImplementedError:
                raise Mismatch("a finished function", "it raised NotImplementedError: replace the "
                                                      "`raise NotImplementedError()` line with your code") from None
            except Exception as e:
                raise Mismatch("a function that runs", f"calling it with ({shown}) raised "
                                                       f"{type(e).__name__}: {e}") from None
            want = reference(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
            _compare(got, want, rtol, atol, f"with ({shown}) it returned ")
    return step


def satisfies(predicate, expected: str):
    """A step: ``predicate(answer)`` is true; ``expected`` says in words what that means.

    If the predicate calls the answer and that raises, the message says so.
    """
    def step(answer):
        try:
            ok = predicate(answer)
        except NotImplementedError:
            raise Mismatch(expected, "it raised NotImplementedError: replace the `raise "
                                     "NotImplementedError()` line with your code") from None
        except Exception as e:
            raise Mismatch(expected, f"{describe(answer)}, which raised {type(e).__name__}: {e}") from None
        if not ok:
            raise Mismatch(expected, describe(answer))
    return step


class LibraryCalled(AssertionError):
    """A student's function called the library function that is the exercise's answer."""


@contextlib.contextmanager
def without_library(namespace, *functions):
    """While the block runs, each library function of ``functions`` (the exercise's answer, shown in
    the lesson above it) raises :class:`LibraryCalled` when called: under every name that refers to it
    in ``namespace`` (the notebook's globals) and in the loaded ``optcourse`` modules. Restored after.

    For the hidden tests, as for :func:`own_work`::

        with without_library(globals(), classify_critical_point):
            assert classify(np.diag([1.0, -1.0])) == "saddle"
    """
    homes = [namespace] + [vars(m) for name, m in list(sys.modules.items())
                           if m is not None and (name == "optcourse" or name.startswith("optcourse."))]
    replaced = []
    for f in functions:
        def blocked(*args, _name=f.__name__, **kwargs):
            raise LibraryCalled(f"it calls the library's {_name}, which is what the exercise asks you to "
                                f"write")
        for home in homes:
            for key, held in list(home.items()):
                if held is f:
                    replaced.append((home, key, held))
                    home[key] = blocked
    try:
        yield
    finally:
        for home, key, held in reversed(replaced):
            home[key] = held


def own_work(*functions, inputs):
    """A step: the answer is a function of the student's own, not one of the library ``functions``
    that compute the exercise's answer (it is neither one of them nor calls one on ``inputs``)."""
    def step(answer):
        names = " or ".join(f.__name__ for f in functions)
        if any(answer is f for f in functions):
            raise Mismatch("a function you wrote yourself", f"the library's {answer.__name__} itself")
        namespace = getattr(answer, "__globals__", {})
        for args in inputs:
            with without_library(namespace, *functions):
                try:
                    answer(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
                except LibraryCalled:
                    raise Mismatch(f"a function you wrote yourself, without the library's {names}",
                                   f"a function that calls {names}") from None
                except Exception:          # other failures are for the other steps to report
                    pass
    return step


def symbolic(reference):
    """A step: a SymPy expression equal to ``reference`` (their difference simplifies to 0)."""
    def step(answer):
        import sympy
        if not isinstance(answer, sympy.Basic):
            raise Mismatch("a SymPy expression", describe(answer))
        want = reference() if callable(reference) else reference
        if sympy.simplify(answer - want) != 0:
            raise Mismatch("an expression equal to the right one", f"{answer}, which differs from it")
    return step


class SelfChecks:
    """The self-checks of one lesson, by grade_id; call it to check an answer.

    An answer that is a value (a number, a prediction, a tuple of them) is looked up by name, so a
    student who has not run their answer cell yet reads "not yet", not a NameError:

    Example:
        >>> check = SelfChecks()
        >>> check.add("half", value(0.5), answer="half", hint="Divide one by two.")
        >>> half = 0.5
        >>> check("half")                 # looks `half` up where check is called
        ✓ half: passed
        >>> check("half", 0.5)            # or given directly (a function, say)
        ✓ half: passed
    """

    WIDTH = 88        # messages are wrapped at word boundaries: JupyterLab breaks long lines mid-word

    def __init__(self):
        self._checks = {}

    def add(self, grade_id: str, *steps, answer: str | tuple[str, ...] | None = None, hint: str = "") -> None:
        """Register the steps of ``grade_id``; ``answer`` names the variable(s) ``check(grade_id)`` reads."""
        if not steps:
            raise ValueError(f"SelfChecks.add({grade_id!r}): give at least one step, e.g. value(...).")
        self._checks[grade_id] = (steps, answer, hint)

    def __call__(self, grade_id: str, *given) -> None:
        if grade_id not in self._checks:
            known = ", ".join(sorted(self._checks)) or "none yet"
            raise ValueError(f"no self-check named {grade_id!r}; this lesson has: {known}.")
        steps, names, hint = self._checks[grade_id]
        if len(given) > 1:
            raise TypeError(f"check({grade_id!r}, answer): give one answer (a tuple for several values).")
        if given:
            answer = given[0]
        else:
            answer = self._look_up(grade_id, names, sys._getframe(1).f_globals)
        for step in steps:
            try:
                step(answer)
            except Mismatch as m:
                self._fail(grade_id, [("expected", m.expected), ("got", m.got), ("hint", hint)])
        print(f"✓ {grade_id}: passed")

    def _look_up(self, grade_id, names, namespace):
        if names is None:
            raise TypeError(f"check({grade_id!r}) needs the answer: check({grade_id!r}, your_answer).")
        wanted = (names,) if isinstance(names, str) else tuple(names)
        missing = [n for n in wanted if n not in namespace]
        if missing:
            listed = ", ".join(f"`{n}`" for n in missing)
            self._fail(grade_id, [("expected", f"{listed} defined by your answer cell above"),
                                  ("got", "nothing yet: write your answer there (replacing `raise "
                                          "NotImplementedError()`) and run that cell first")])
        values = tuple(namespace[n] for n in wanted)
        return values[0] if isinstance(names, str) else values

    def _fail(self, grade_id, fields):
        lines = [f"✗ {grade_id}: not yet"]
        for label, text in fields:
            if text:
                lines.extend(textwrap.wrap(text, self.WIDTH, initial_indent=f"  {label + ':':<10}",
                                           subsequent_indent=" " * 12, break_long_words=False,
                                           break_on_hyphens=False))
        raise CheckFailed("\n".join(lines)) from None
