"""The validation score's gap to expected-2 with its standard error over the traces, shared by
scripts/paired-scores.py and scripts/sample-seeds.py (a module, not a command)."""
import statistics


def gap_and_se(per_set):
    """per_set: one list per validation set of (model's return, greedy's, expected-2's) per trace, the model's and
    expected-2's each averaged over whatever the caller averages (seeds, models). Returns the score's difference from
    expected-2's (the mean over the sets of 100 x the summed difference / the summed greedy return) and its standard
    error, the traces being the random units (per set, the per-trace differences' variance; the sets weigh alike)."""
    gap, var = 0.0, 0.0
    for rows in per_set:
        greedy = sum(r[1] for r in rows)
        diffs = [r[0] - r[2] for r in rows]
        gap += 100 * sum(diffs) / greedy / len(per_set)
        if len(diffs) > 1:
            var += (100 / greedy) ** 2 * len(diffs) * statistics.variance(diffs) / len(per_set) ** 2
    return gap, var ** 0.5
