"""How many evaluations do optcourse's minimizers need, next to SciPy's, on the Moré-Garbow-Hillstrom set?

For every problem in ``optcourse.landscapes.problems.mgh_problems()`` (20 small problems, and extended
Rosenbrock and extended Powell at n = 100 and 1000) this runs four pairs from the same start point:

    ours "bfgs"    vs  scipy.optimize.minimize(method="BFGS")
    ours "lbfgs"   vs  method="L-BFGS-B"     (memory 10 on both sides)
    ours "cg"      vs  method="CG"
    ours "newton"  vs  method="Newton-CG"    (both given the analytic Hessian)

with the same gradient tolerance (||g||_inf <= gtol, default 1e-5) and the same iteration limit,
and prints one Markdown table per pair (nit, nfev, njev and success of each side, the final f and
the ratio of function evaluations ours / SciPy's) and a summary with the median ratio per pair.

Stopping tests are not identical everywhere, and the tables say so:

* L-BFGS-B also stops when f changes by less than ``ftol`` (relatively) between iterations, which
  usually happens before the gradient test passes. By default it runs with ``ftol=0`` so that both
  sides stop on the gradient test alone; ``--lbfgsb-ftol default`` uses SciPy's default instead.
* Newton-CG has no gradient test: it stops when the average relative step is below ``xtol``
  (1e-5 by default). Its rows show whether its final gradient met gtol anyway.

"success" is each solver's own flag. A ``*`` after it marks a final f that is not one of the
problem's known minimum values (see ``Problem.is_solved``). Nothing is asserted: this measures.

Run from the repository root (about two minutes; SciPy's BFGS at n = 1000 takes most of it):

    python benchmarks/bench_minimize.py
    python benchmarks/bench_minimize.py --pairs cg,lbfgs --problems rosenbrock,wood
    python benchmarks/bench_minimize.py --pairs bfgs --bfgs-scaling none   # our BFGS with H0 = I, as SciPy's
    python benchmarks/bench_minimize.py --lbfgsb-ftol default              # L-BFGS-B with its own f test
    python benchmarks/bench_minimize.py --random-starts 6 --pairs cg --cg-c2 0.1   # perturbed starts
    python benchmarks/bench_minimize.py --markdown tables.md               # also write the tables to a file
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy
import scipy.optimize

# Use the optcourse of this checkout, also when it is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from optcourse.secondorder.minimizer import minimize  # noqa: E402
from optcourse.landscapes.problems import mgh_problems  # noqa: E402

PAIRS = {"bfgs": "BFGS", "lbfgs": "L-BFGS-B", "cg": "CG", "newton": "Newton-CG"}


def run_ours(problem, x0, method, options):
    result = minimize(problem.fun, x0, jac=problem.grad, hess=problem.hess if method == "newton" else None,
                      method=method, options=options)
    return dict(success=result.success, nit=result.nit, nfev=result.nfev, njev=result.njev,
                nhev=result.nhev, fun=result.fun, gnorm=float(np.abs(result.jac).max()))


def run_scipy(problem, x0, method, gtol, maxiter, lbfgsb_ftol):
    options = dict(maxiter=maxiter)
    if method in ("BFGS", "CG"):
        options["gtol"] = gtol
    elif method == "L-BFGS-B":
        options.update(gtol=gtol, maxfun=10 * maxiter, maxcor=10)
        if lbfgsb_ftol is not None:
            options["ftol"] = lbfgsb_ftol
    result = scipy.optimize.minimize(problem.fun, x0, jac=problem.grad, method=method,
                                     hess=problem.hess if method == "Newton-CG" else None, options=options)
    gradient = problem.grad(result.x)
    return dict(success=bool(result.success), nit=int(result.nit), nfev=int(result.nfev),
                njev=int(getattr(result, "njev", 0)), nhev=int(getattr(result, "nhev", 0)),
                fun=float(result.fun), gnorm=float(np.abs(gradient).max()))


def cell(run, problem, gtol):
    mark = "yes" if run["success"] else "no"
    if run["success"] and run["gnorm"] > gtol:
        mark += " (g>gtol)"
    if not problem.is_solved(run["fun"], rtol=1e-3):
        mark += " *"
    return mark


def pair_table(pair, rows, gtol):
    scipy_name = PAIRS[pair]
    evals = "nfev / njev / nhev" if pair == "newton" else "nfev / njev"

    def counts(run):
        return f"{run['nfev']} / {run['njev']}" + (f" / {run['nhev']}" if pair == "newton" else "")

    lines = [f"### ours `{pair}` vs SciPy `{scipy_name}`", "",
             f"| problem | n | ours: success | nit | {evals} | f | SciPy: success | nit | {evals} | f | nfev ratio |",
             "|---|---:|---|---:|---:|---:|---|---:|---:|---:|---:|"]
    for problem, ours, ref in rows:
        lines.append(f"| {problem.name} | {problem.n} | {cell(ours, problem, gtol)} | {ours['nit']} | "
                     f"{counts(ours)} | {ours['fun']:.6g} | {cell(ref, problem, gtol)} | {ref['nit']} | "
                     f"{counts(ref)} | {ref['fun']:.6g} | {ours['nfev'] / ref['nfev']:.2f} |")
    return "\n".join(lines)


def summary(pair, rows):
    ratios = [ours["nfev"] / ref["nfev"] for _, ours, ref in rows]
    both = [ours["nfev"] / ref["nfev"] for _, ours, ref in rows if ours["success"] and ref["success"]]
    lost = [p.name for p, ours, ref in rows if ref["success"] and not ours["success"]]
    won = [p.name for p, ours, ref in rows if ours["success"] and not ref["success"]]
    geometric = float(np.exp(np.mean(np.log(ratios))))

    def names(found):  # with random starts a problem can appear several times
        return ", ".join(f"{name} x{found.count(name)}" if found.count(name) > 1 else name
                         for name in dict.fromkeys(found)) or "none"

    return (f"| `{pair}` vs `{PAIRS[pair]}` | {sum(o['success'] for _, o, _ in rows)} / {len(rows)} | "
            f"{sum(r['success'] for _, _, r in rows)} / {len(rows)} | {names(lost)} | {names(won)} | "
            f"{statistics.median(ratios):.3f} | {statistics.median(both) if both else float('nan'):.3f} | "
            f"{geometric:.3f} |")


def random_starts(problems, count, seed=0):
    """``count`` perturbed copies of each standard start, x0 (1 + 0.2 z) + 0.1 z' with z, z' ~ N(0, 1),
    for the problems with n <= 100; starts where f or its gradient is not finite are dropped."""
    rng = np.random.default_rng(seed)
    cases = []
    for problem in problems:
        if problem.n > 100:
            continue
        for _ in range(count):
            x0 = problem.x0 * (1 + 0.2 * rng.standard_normal(problem.n)) + 0.1 * rng.standard_normal(problem.n)
            if np.isfinite(problem.fun(x0)) and np.isfinite(problem.grad(x0)).all():
                cases.append((problem, x0))
    return cases


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", default=",".join(PAIRS), help="comma-separated subset of " + ",".join(PAIRS))
    parser.add_argument("--problems", default="", help="comma-separated problem names (default: all 24)")
    parser.add_argument("--gtol", type=float, default=1e-5)
    parser.add_argument("--maxiter", type=int, default=10000)
    parser.add_argument("--lbfgsb-ftol", default="0",
                        help="ftol for L-BFGS-B: a number, or 'default' for SciPy's default (2.2e-9)")
    parser.add_argument("--bfgs-scaling", default="first", choices=["first", "none"],
                        help="our BFGS's H0: 'first' scales it before the first update (N&W 6.20, the "
                             "default); 'none' keeps H0 = I, as SciPy's BFGS does")
    parser.add_argument("--cg-c2", type=float, default=None, help="c2 for our cg (default: minimize's, 0.2)")
    parser.add_argument("--random-starts", type=int, default=0,
                        help="instead of the standard starts, run from this many seeded perturbations of "
                             "each one (problems with n <= 100) and print only the summary")
    parser.add_argument("--markdown", default="", help="also write the tables to this file")
    args = parser.parse_args(argv)
    pairs = [p for p in args.pairs.split(",") if p]
    unknown = [p for p in pairs if p not in PAIRS]
    if unknown:
        parser.error(f"unknown pair(s) {unknown}; known: {', '.join(PAIRS)}")
    problems = mgh_problems()
    if args.problems:
        wanted = args.problems.split(",")
        missing = sorted(set(wanted) - {p.name for p in problems})
        if missing:
            parser.error(f"unknown problem(s) {missing}; known: {', '.join(p.name for p in problems)}")
        problems = [p for p in problems if p.name in wanted]
    lbfgsb_ftol = None if args.lbfgsb_ftol == "default" else float(args.lbfgsb_ftol)

    warnings.simplefilter("ignore")  # overflow in trial points far out on the exponential problems
    np.seterr(all="ignore")
    cases = random_starts(problems, args.random_starts) if args.random_starts else [(p, p.x0) for p in problems]
    started = time.perf_counter()
    sections, summaries = [], []
    for pair in pairs:
        options = dict(gtol=args.gtol, maxiter=args.maxiter)
        if pair == "bfgs":
            options["scaling"] = None if args.bfgs_scaling == "none" else args.bfgs_scaling
        if pair == "cg" and args.cg_c2 is not None:
            options["c2"] = args.cg_c2
        rows = []
        for problem, x0 in cases:
            ours = run_ours(problem, x0, pair, options)
            ref = run_scipy(problem, x0, PAIRS[pair], args.gtol, args.maxiter, lbfgsb_ftol)
            rows.append((problem, ours, ref))
            print(f"  {pair:7s} {problem.name:26s} ours nfev {ours['nfev']:6d}  scipy nfev {ref['nfev']:6d}",
                  file=sys.stderr, flush=True)
        if not args.random_starts:
            sections.append(pair_table(pair, rows, args.gtol))
        summaries.append(summary(pair, rows))

    header = [f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}, "
              f"gtol = {args.gtol:g}, maxiter = {args.maxiter}, L-BFGS-B ftol = "
              f"{'SciPy default' if lbfgsb_ftol is None else lbfgsb_ftol}, our BFGS's H0 scaling = "
              f"{args.bfgs_scaling}, our CG's c2 = {args.cg_c2 or 'default (0.2)'}"
              + (f", {len(cases)} random starts ({args.random_starts} per problem with n <= 100)"
                 if args.random_starts else ", the standard starts")
              + f"; {time.perf_counter() - started:.0f} s.", "",
              "| pair | ours succeeded | SciPy succeeded | SciPy succeeded, ours not | ours succeeded, SciPy not "
              "| median nfev ratio | median, both succeeded | geometric mean |",
              "|---|---:|---:|---|---|---:|---:|---:|", *summaries]
    text = "\n".join(header) + "\n\n" + "\n\n".join(sections) + "\n"
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text)


if __name__ == "__main__":
    main()
