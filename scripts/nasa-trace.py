#!/usr/bin/env python3
"""Per-minute NASA-HTTP request counts (August 1995, or July with --july) as a 3-column traffic CSV, raw and scaled to 1..100.

Reads workload.txt (or workload.tbz2) of reconfigurable-ml-pipeline/web-service-datasets, dataset/nasa/ (requests per
second, the July log then the August log; datasets/PROVENANCE.md). The August part is anchored on the Hurricane Erin
outage: the only zero run longer than a day starts at 1995-08-01 14:52:02 EDT. Each column is three days from 00:00
EDT of the given August day, summed per wall-clock minute. The scaled file maps each column on its own:
round_half_up(v * 100 / p95), clipped to [1, 100], p95 that column's 95th percentile (linear interpolation).

  scripts/nasa-trace.py [--days N] [--july] WORKLOAD OUT_PREFIX DAY DAY DAY   (the options in either order)
writes OUT_PREFIX.csv, OUT_PREFIX-scaled100.csv and OUT_PREFIX.meta.json; columns house, senti, numbr, each N days
long (default 3).

--july takes the days from the July part instead (the values before the August part, which starts 53,522 values
before the outage): day D, minute m is values (D - 1) * 86400 + 60 m onward. The July log ends on 28 July at 13:32:25
(the July part is 2,381,543 values, 27 days 13:32:23), and its index is not exact wall-clock time (the intermediary
re-emits out-of-order log lines; datasets/PROVENANCE.md), so its days are approximate: the July traces serve as
training traffic only, where an offset of hours does not matter. datasets/nasa/nasa-http-1995*.csv are days 7 14 21 (Mondays); nasa-http-1995-thu*.csv days 10 17 24
(Thursdays); the validation traffic's late-August day (scripts/validation-traces.py) is --days 1, days 28 29 30.
"""
import bz2
import datetime as dt
import io
import json
import math
import sys
import tarfile

COLUMNS = ("house", "senti", "numbr")
OUTAGE_START = dt.datetime(1995, 8, 1, 14, 52, 2)
OUTAGE_SECONDS = 135851
DAYS = 3  # per column; --days sets it


def per_second(path):
    if path.endswith(".tbz2"):
        with tarfile.open(path, "r:bz2") as t:
            text = t.extractfile("workload.txt").read().decode("ascii")
    else:
        with open(path) as f:
            text = f.read()
    return [int(x) for x in text.split()]


def outage_index(v):
    """Start of the longest zero run, which must be the outage's length."""
    best, length, i = 0, 0, 0
    while i < len(v):
        if v[i] == 0:
            j = i
            while j < len(v) and v[j] == 0:
                j += 1
            if j - i > length:
                best, length = i, j - i
            i = j
        else:
            i += 1
    if length != OUTAGE_SECONDS:
        sys.exit(f"{sys.argv[1]}: the longest zero run is {length} s, expected the outage's {OUTAGE_SECONDS} s")
    return best


def july_minutes(v, i0, day):
    july_len = i0 - int((OUTAGE_START - dt.datetime(1995, 8, 1)).total_seconds())
    if not 1 <= day or (day - 1 + DAYS) * 86400 > july_len:
        sys.exit(f"July day {day}: expected a July day from 1 to {july_len // 86400 - DAYS + 1} (the July part has "
                 f"{july_len} values)")
    a0 = (day - 1) * 86400
    return [sum(v[a0 + 60 * m:a0 + 60 * m + 60]) for m in range(DAYS * 1440)]


def minutes(v, i0, day):
    start = dt.datetime(1995, 8, day)
    if not 1 <= day <= 31 - DAYS + 1:
        sys.exit(f"day {day}: expected an August day from 1 to {31 - DAYS + 1}")
    out = []
    for m in range(DAYS * 1440):
        a = i0 + int((start + dt.timedelta(minutes=m) - OUTAGE_START).total_seconds())
        if a < i0 + OUTAGE_SECONDS:
            sys.exit(f"day {day}: its minute {m} falls before the end of the outage (03/Aug/1995:04:36:13)")
        if a + 60 > len(v):
            sys.exit(f"day {day}: its minute {m} runs past the end of the log")
        out.append(sum(v[a:a + 60]))
    return out


def percentile(values, q):
    s = sorted(values)
    k = (len(s) - 1) * q
    lo = math.floor(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def scaled(v, p95):
    return max(1, min(100, math.floor(v * 100 / p95 + 0.5)))


def main():
    global DAYS
    args = sys.argv[1:]
    july = False
    while args and args[0] in ("--days", "--july"):  # the options, in either order, before the operands
        if args[0] == "--july":
            july, args = True, args[1:]
            continue
        if len(args) < 2 or not args[1].isdigit() or int(args[1]) < 1:
            sys.exit(f"--days {args[1] if len(args) > 1 else '(missing)'}: expected a whole number of days >= 1")
        DAYS, args = int(args[1]), args[2:]
    if len(args) != 5:
        sys.exit(__doc__)
    workload, prefix, days = args[0], args[1], [int(d) for d in args[2:]]
    v = per_second(workload)
    i0 = outage_index(v)
    cols = [july_minutes(v, i0, d) if july else minutes(v, i0, d) for d in days]
    month = 7 if july else 8
    p95 = [percentile(c, 0.95) for c in cols]
    with open(prefix + ".csv", "w") as f:
        f.write(",".join(COLUMNS) + "\n")
        for row in zip(*cols):
            f.write(",".join(str(x) for x in row) + "\n")
    with open(prefix + "-scaled100.csv", "w") as f:
        f.write(",".join(COLUMNS) + "\n")
        for row in zip(*cols):
            f.write(",".join(str(scaled(x, p)) for x, p in zip(row, p95)) + "\n")
    meta = {"rows": DAYS * 1440, "columns": {}}
    for name, day, c, p in zip(COLUMNS, days, cols, p95):
        start = dt.datetime(1995, month, day)
        end = start + dt.timedelta(days=DAYS, minutes=-1)
        sc = [scaled(x, p) for x in c]
        meta["columns"][name] = {
            "window_local_time_EDT": start.isoformat() + " .. " + end.isoformat()
                                     + (" (approximate: the July part's index drifts)" if july else ""),
            "weekday_start": start.strftime("%A"),
            "sum": sum(c), "mean": round(sum(c) / len(c), 3), "min": min(c), "max": max(c),
            "p50": percentile(c, 0.5), "p95": p, "zeros": c.count(0),
            "scaled_mean": round(sum(sc) / len(sc), 2), "scaled_at_100": sc.count(100), "scaled_at_1": sc.count(1)}
    with open(prefix + ".meta.json", "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(f"wrote {prefix}.csv, {prefix}-scaled100.csv and {prefix}.meta.json ({'July' if july else 'August'} days {days})")


if __name__ == "__main__":
    main()
