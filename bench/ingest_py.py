"""Reference readers for bench/ingest.ts; each prints {"seconds": ..., "cpuSeconds": ..., "points": ...} as JSON.

  python3 bench/ingest_py.py console FILE      a straightforward regex-per-line verl console parser
  python3 bench/ingest_py.py polars FILE       polars.read_ndjson (polars 1.x)
  python3 bench/ingest_py.py tensorboard FILE  tensorboard's EventAccumulator (all scalars kept)

Timing covers the reading only, not interpreter start-up or imports. CPU time counts every thread
(polars reads with several).
"""
import json
import re
import sys
import time

mode, path = sys.argv[1], sys.argv[2]

if mode == "console":
    STEP = re.compile(r"step:(\d+) - (.*)")
    WRAPPED = re.compile(r"^(?:np\.\w+|tensor)\((.*?)[,)]")
    start = time.perf_counter()
    cpu = time.process_time()
    steps = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = STEP.search(line)
            if not m:
                continue
            metrics = steps.setdefault(int(m.group(1)), {})
            for pair in m.group(2).rstrip("\n").split(" - "):
                key, _, value = pair.partition(":")
                w = WRAPPED.match(value)
                try:
                    metrics[key.strip()] = float(w.group(1) if w else value)
                except ValueError:
                    pass
    points = sum(1 for m in steps.values() if "actor/entropy" in m and "val-core/openai/gsm8k/acc/mean@1" in m)
    print(json.dumps({"seconds": time.perf_counter() - start, "cpuSeconds": time.process_time() - cpu, "points": points}))
elif mode == "polars":
    import polars as pl

    start = time.perf_counter()
    cpu = time.process_time()
    df = pl.read_ndjson(path)
    points = df.select(["actor/entropy", "val-core/openai/gsm8k/acc/mean@1"]).drop_nulls().height
    print(json.dumps({"seconds": time.perf_counter() - start, "cpuSeconds": time.process_time() - cpu, "points": points, "polars": pl.__version__}))
elif mode == "tensorboard":
    from tensorboard.backend.event_processing import event_accumulator

    start = time.perf_counter()
    cpu = time.process_time()
    acc = event_accumulator.EventAccumulator(path, size_guidance={event_accumulator.SCALARS: 0})
    acc.Reload()
    points = len(acc.Scalars("val-core/openai/gsm8k/acc/mean@1"))
    import tensorboard

    print(json.dumps({"seconds": time.perf_counter() - start, "cpuSeconds": time.process_time() - cpu, "points": points, "tensorboard": tensorboard.__version__}))
else:
    sys.exit(f"unknown mode {mode}")
