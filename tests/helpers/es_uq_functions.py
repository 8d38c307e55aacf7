"""Functions for UQ tests run through FunctionRunner."""

from enchanted_surrogates.runners.analytic_functions import ishigami


def ishigami_failing_corner(x1: float, x2: float, x3: float) -> float:
    """Ishigami, but the run fails in one corner of the input space."""
    if x1 > 2.8 and x2 > 2.0:
        raise RuntimeError("simulated failure in the corner")
    return ishigami(x1, x2, x3)
