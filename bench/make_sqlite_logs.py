"""Writes a large MLflow tracking database or Trackio project database for the ingest benchmark.

    python3 bench/make_sqlite_logs.py mlflow|trackio PATH MEGABYTES

Python's own sqlite3 module writes the file (no MLflow or Trackio needed). The tables are those of
MLflow's schema (mlflow/store/tracking/dbmodels/models.py, as SQLAlchemy creates them: the DDL below was
printed from test/fixtures/sqlite/mlflow_schema.py) and of Trackio's `SQLiteStorage.init_db`
(trackio/sqlite_storage.py). One run of verl-like keys: 40 keys per step, validation every 10 steps, keys
sanitised as verl's MLflow logger does (`@` -> `_at_`). Prints the number of (step, entropy, R) points.
"""

import json
import os
import sqlite3
import sys

MLFLOW_DDL = """
CREATE TABLE experiments (experiment_id INTEGER NOT NULL, name VARCHAR(256) NOT NULL, artifact_location VARCHAR(256),
  lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT, CONSTRAINT experiment_pk PRIMARY KEY (experiment_id), UNIQUE (name));
CREATE TABLE runs (run_uuid VARCHAR(32) NOT NULL, name VARCHAR(250), source_type VARCHAR(20), source_name VARCHAR(500),
  entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(20), start_time BIGINT, end_time BIGINT, deleted_time BIGINT,
  source_version VARCHAR(50), lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200), experiment_id INTEGER,
  CONSTRAINT run_pk PRIMARY KEY (run_uuid), FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id));
CREATE TABLE latest_metrics ("key" VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT, step BIGINT NOT NULL,
  is_nan BOOLEAN NOT NULL, run_uuid VARCHAR(32) NOT NULL, CONSTRAINT latest_metric_pk PRIMARY KEY ("key", run_uuid),
  CHECK (is_nan IN (0, 1)), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE INDEX index_latest_metrics_run_uuid ON latest_metrics (run_uuid);
CREATE TABLE metrics ("key" VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL, step BIGINT NOT NULL,
  is_nan BOOLEAN NOT NULL, run_uuid VARCHAR(32) NOT NULL, CONSTRAINT metric_pk PRIMARY KEY ("key", timestamp, step, run_uuid, value, is_nan),
  CHECK (is_nan IN (0, 1)), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid);
CREATE TABLE params ("key" VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT param_pk PRIMARY KEY ("key", run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE INDEX index_params_run_uuid ON params (run_uuid);
CREATE TABLE tags ("key" VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT tag_pk PRIMARY KEY ("key", run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE INDEX index_tags_run_uuid ON tags (run_uuid);
"""

TRACKIO_DDL = """
CREATE TABLE IF NOT EXISTS metrics (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, timestamp TEXT NOT NULL,
  run_name TEXT NOT NULL, step INTEGER NOT NULL, metrics TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS configs (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, run_name TEXT NOT NULL,
  config TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE(run_id));
CREATE INDEX IF NOT EXISTS idx_metrics_run_step ON metrics(run_name, step);
"""

OTHER = [f"timing_s/part_{i}" for i in range(20)] + [f"perf/counter_{i}" for i in range(17)]


def step_values(step):
    values = {"actor/entropy": 1.0 - step * 1e-7, "critic/score/mean": 0.2 + step * 1e-8}
    for i, key in enumerate(OTHER):
        values[key] = step * 0.001 + i
    if step % 10 == 0:
        values["val-core/openai/gsm8k/acc/mean_at_1"] = 0.3 + step * 1e-8
    return values


def main(kind, path, megabytes):
    target = megabytes * (1 << 20)
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    run = "0123456789abcdef0123456789abcdef"
    if kind == "mlflow":
        db.executescript(MLFLOW_DDL)
        db.execute("INSERT INTO experiments VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', 0, 0)")
        db.execute("INSERT INTO runs VALUES (?, 'bench-run', 'LOCAL', '', '', 'bench', 'FINISHED', 0, 0, NULL, '', 'active', '', 0)", (run,))
        db.execute("INSERT INTO tags VALUES ('mlflow.runName', 'bench-run', ?)", (run,))
    else:
        db.executescript(TRACKIO_DDL)
    step = 0
    points = 0
    while True:
        rows = []
        for _ in range(1000):
            values = step_values(step)
            if step % 10 == 0:
                points += 1
            if kind == "mlflow":
                rows.extend((k, v, 1_700_000_000_000 + step, step, 0, run) for k, v in values.items())
            else:
                rows.append(("run-1", f"2026-01-01T00:00:{step % 60:02d}", "bench-run", step, json.dumps(values)))
            step += 1
        if kind == "mlflow":
            db.executemany("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)", rows)
        else:
            db.executemany("INSERT INTO metrics (run_id, timestamp, run_name, step, metrics) VALUES (?, ?, ?, ?, ?)", rows)
        db.commit()
        if os.path.getsize(path) >= target:
            break
    if kind == "mlflow":
        for key, value in step_values(step - 10 if (step - 1) % 10 else step - 1).items():
            db.execute("INSERT OR REPLACE INTO latest_metrics VALUES (?, ?, 0, ?, 0, ?)", (key, value, step - 1, run))
    db.commit()
    db.close()
    print(json.dumps({"points": points, "steps": step}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
