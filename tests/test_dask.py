"""The same flow runs its tasks on a Dask cluster (started here on 127.0.0.1, then stopped)."""

from __future__ import annotations

import json

from distributed import LocalCluster

from tests.conftest import SAMPLE, run_cli


def test_run_on_a_dask_cluster(tmp_path):
    agenda = SAMPLE / "Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
    out = tmp_path / "outputs"
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None) as cluster:
        result = run_cli("run", str(agenda), "--output", str(out), "--dask-address", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert [p["status"] for p in manifest["packs"]] == ["ok"]
    assert manifest["packs"][0]["rows"]["agenda_items"] == 9
