"""Sweeps: many independent runs of one experiment over a grid of settings and seeds.

    grid.py     `--vary KEY=V1,V2,…` / `KEY=LO..HI:N[:log]` parsed into axes; the grid of runs
    job.py      one run of the grid: train it exactly as `train` does, its files (in memory), its row
    execute.py  the runs on any `concurrent.futures.Executor` (process pool, Dask), resumable
    pool.py     local worker processes: fork, forkserver with the engine preloaded, or spawn
    summary.py  the metric against the varied key, as an SVG plot
    command.py  the `sweep` sub-command

The executor is the standard `concurrent.futures` interface, so the same code runs on a
local process pool and on a Dask cluster (`dask.distributed.Client(address).get_executor()`).
"""
