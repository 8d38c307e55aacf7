"""Executors: where runs execute (a local process pool, Dask, batch systems).

The contract is `enchanted_surrogates.executors.base.Executor`; this package imports
nothing at start so worker processes stay light.
"""
