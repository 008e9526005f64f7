"""``brineworks ensemble`` end to end: reproducible whatever the workers, a real scheduler and
workers on loopback with one worker killed, resume after ``kill -9`` of the client.

The machinery tests use the Ishigami model (``--model brineworks.ensemble.toy:...``) on the
scenario ``data/ishigami.toml``, so that they time the machinery and not the park.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from brineworks.cli import app

SCENARIO = Path(__file__).parent / "data" / "ishigami.toml"
BIN = Path(sys.executable).parent


def ensemble(out: Path, *extra: str, model: str = "ishigami", timeout: float = 600) -> str:
    cmd = [
        sys.executable, "-m", "brineworks", "ensemble", str(SCENARIO), "--out", str(out),
        "--model", f"brineworks.ensemble.toy:{model}", *extra,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def samples(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "samples.parquet")


def test_bad_uncertain_entry_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        SCENARIO.read_text().replace('distribution = "uniform"', 'distribution = "u"', 1)
    )
    result = CliRunner().invoke(app, ["ensemble", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "uncertain.0.distribution" in result.output
    assert "'u'" in result.output


@pytest.mark.slow
def test_same_seed_same_json_on_one_and_two_workers(tmp_path: Path) -> None:
    args = ("--samples", "160", "--method", "sobol", "--seed", "3")
    ensemble(tmp_path / "w1", *args, "--workers", "1", "--batch", "16")
    ensemble(tmp_path / "w2", *args, "--workers", "2", "--batch", "16")
    one = (tmp_path / "w1" / "ensemble.json").read_text()
    two = (tmp_path / "w2" / "ensemble.json").read_text()
    assert one == two
    data = json.loads(one)
    assert set(data) == {"scenario", "samples", "failed", "seed", "outputs", "sensitivity"}
    assert set(data["outputs"]["y"]) == {"p10", "p50", "p90", "mean"}
    assert set(data["sensitivity"]["y"]["x1"]) == {"S1", "ST"}
    assert len(set(samples(tmp_path / "w2")["worker"])) == 2  # both workers took part
    html = (tmp_path / "w2" / "report.html").read_text()
    assert html.count("Plotly.newPlot") > 3
    assert html.index('<script type="text/javascript">') < html.index("Plotly.newPlot")


@contextmanager
def dask_cluster(
    tmp_path: Path, workers: int
) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A ``dask scheduler`` and ``dask worker`` processes on loopback (one thread, no nanny)."""
    file = tmp_path / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    log = open(tmp_path / "dask.log", "wb")  # noqa: SIM115
    procs = [subprocess.Popen(
        [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
         "--no-dashboard", "--scheduler-file", str(file)],
        stdout=log, stderr=log, env=env,
    )]  # fmt: skip
    try:
        deadline = time.time() + 120
        while not file.exists():
            assert time.time() < deadline, "scheduler did not start"
            time.sleep(0.2)
        address = json.loads(file.read_text())["address"]
        for _ in range(workers):
            procs.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-nanny",
                 "--no-dashboard", "--host", "127.0.0.1"],
                stdout=log, stderr=log, env=env,
            ))  # fmt: skip
        from distributed import Client

        with Client(address, timeout=120) as c:
            c.wait_for_workers(workers, timeout=120)
        yield address, procs
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()


def _wait_for_parts(out: Path, n: int, proc: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while len(list((out / "parts").glob("part-*.parquet"))) < n:
        assert proc.poll() is None, "the client stopped early"
        assert time.time() < deadline, "no progress"
        time.sleep(0.1)


@pytest.mark.slow
def test_real_scheduler_and_a_worker_killed_mid_run(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ["--samples", "60", "--seed", "5", "--batch", "1"]
    with dask_cluster(tmp_path, workers=2) as (address, procs):
        cmd = [
            sys.executable, "-m", "brineworks", "ensemble", str(SCENARIO), "--out", str(out),
            "--model", "brineworks.ensemble.toy:ishigami_slow", "--scheduler", address, *args,
        ]  # fmt: skip
        with open(tmp_path / "client.log", "wb") as log:
            client = subprocess.Popen(cmd, stdout=log, stderr=log)
            _wait_for_parts(out, 10, client)
            procs[1].send_signal(signal.SIGKILL)  # a worker dies with tasks in flight
            client.wait(timeout=600)
        assert client.returncode == 0, (tmp_path / "client.log").read_text()[-3000:]
    t = samples(out)
    assert sorted(t["index"]) == list(range(60 + 7))  # every sample exactly once
    failed = t[t["status"] != "ok"]
    # only the model's own failures (x1 > 3), none lost with the worker
    assert (failed["error"].str.startswith("process: ValueError")).all()
    assert (t.loc[t["status"] == "ok", "in:x1"] <= 3).all()
    assert t["worker"].nunique() == 2
    # the same results as a run in one process
    ensemble(tmp_path / "inline", *args, "--workers", "0", model="ishigami_slow")
    assert (out / "ensemble.json").read_text() == (
        tmp_path / "inline" / "ensemble.json"
    ).read_text()


@pytest.mark.slow
def test_resume_after_kill_9_of_the_client(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ["--samples", "60", "--seed", "8", "--batch", "1", "--workers", "2"]
    cmd = [
        sys.executable, "-m", "brineworks", "ensemble", str(SCENARIO), "--out", str(out),
        "--model", "brineworks.ensemble.toy:ishigami_slow", *args,
    ]  # fmt: skip
    log = open(tmp_path / "client.log", "wb")  # noqa: SIM115
    client = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
    try:
        _wait_for_parts(out, 10, client)
        os.kill(client.pid, signal.SIGKILL)
        client.wait(timeout=30)
    finally:
        log.close()
        with contextlib.suppress(ProcessLookupError):  # the cluster's orphaned processes
            os.killpg(client.pid, signal.SIGKILL)
    before = len(list((out / "parts").glob("part-*.parquet")))
    assert before >= 10
    assert not (out / "ensemble.json").exists()
    stdout = ensemble(out, *args, model="ishigami_slow")
    assert "rows resumed from disk" in " ".join(stdout.split())
    full = json.loads((out / "sensitivity.json").read_text())
    assert full["run"]["resumed_rows"] >= before
    t = samples(out)
    assert sorted(t["index"]) == list(range(60 + 7))  # nothing lost, nothing twice
    ensemble(tmp_path / "clean", *args, model="ishigami_slow")
    assert (out / "ensemble.json").read_text() == (tmp_path / "clean" / "ensemble.json").read_text()
