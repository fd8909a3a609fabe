"""medmassage.dask: screening bags and dataframes of JSON documents (issue 13).

The fast tests run on Dask's synchronous scheduler, in this process. The
cluster test (``nox -s dask``, which sets ``MEDMASSAGE_DASK_CLUSTER=1``) starts a
``distributed.LocalCluster`` of two worker processes, and a third worker with
another plugin installed, and checks the results against the sequential ones.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import attrs
import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")

import dask.bag as db
import dask.dataframe as dd
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from medmassage.batch import FINGERPRINT_MISMATCH, SCREEN_SCHEMA, screen_many
from medmassage.dask import (
    RegistryPlugin,
    screen_bag,
    screen_dataframe,
    screen_meta,
    screen_partition,
)
from medmassage.exceptions import ValidationError
from medmassage.plugins import RegistrySpec
from medmassage.serialization import to_json
from medmassage.testing import strategies as mst

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("acute_dvt_deferred.json", "lumbar_disc_herniation.json",
            "postmastectomy_lymphedema.json")  # fmt: skip
BROKEN = ["{", '{"schema_version": 1, "patient": {}}', "[]", b"\xff\xfe"]
SPEC = RegistrySpec(autoload=False)


def _texts() -> list[str]:
    folder = resources.files("medmassage").joinpath("_examples")
    return [folder.joinpath(name).read_text(encoding="utf-8") for name in EXAMPLES]


def _without_index(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in row.items() if k != "index"} for row in rows]


def _sequential(records: list[object], spec: RegistrySpec) -> list[dict[str, object]]:
    return [row.as_dict() for row in screen_many(records, registry=spec)]


# -- in process (synchronous scheduler) ------------------------------------------------------


def test_screen_bag_gives_the_sequential_rows() -> None:
    """A bag's rows are screen_many's, in order, a partition of only broken records included."""
    records: list[object] = [*_texts(), *BROKEN, ("mine", _texts()[1])]
    bag = db.from_sequence(records, partition_size=3)
    assert bag.npartitions == 3
    rows = screen_bag(bag, spec=SPEC).compute(scheduler="sync")
    assert _without_index(rows) == _without_index(_sequential(records, SPEC.pinned()))
    assert [r["index"] for r in rows] == [0, 1, 2, 0, 1, 2, 0, 1]  # within each partition
    assert [r["error"] is None for r in rows[3:6]] == [False, False, False]


def test_screen_dataframe_has_the_published_schema() -> None:
    """A dataframe's result has screen_meta's columns and dtypes and the input's index."""
    texts = [*_texts(), "{"]
    frame = pd.DataFrame(
        {"document": texts, "key": [f"k{i}" for i in range(4)]}, index=[10, 11, 12, 13]
    )
    result = screen_dataframe(
        dd.from_pandas(frame, npartitions=2), id_column="key", spec=SPEC
    ).compute(scheduler="sync")
    meta = screen_meta()
    assert list(result.columns) == [name for name, _ in SCREEN_SCHEMA] == list(meta.columns)
    assert dict(result.dtypes) == dict(meta.dtypes)
    assert list(result.index) == [10, 11, 12, 13]
    assert list(result["id"]) == ["k0", "k1", "k2", "k3"]
    expected = _sequential(list(texts), SPEC.pinned())
    assert list(result["status"].astype(object).where(result["status"].notna(), None)) == [
        r["status"] for r in expected
    ]
    assert list(result["error"].isna()) == [True, True, True, False]


def test_a_pinned_spec_that_does_not_match_gives_mismatch_rows() -> None:
    """Rows computed with a registry other than the pinned one are fingerprint_mismatch rows."""
    odd = attrs.evolve(SPEC, expected="sha256:" + "f" * 64)
    rows = screen_bag(db.from_sequence(_texts(), npartitions=2), spec=odd).compute(scheduler="sync")
    assert [r["error"] for r in rows] == [FINGERPRINT_MISMATCH] * 3
    assert [r["status"] for r in rows] == [None] * 3


def test_the_worker_plugin_warms_and_warns_on_a_mismatch(caplog: pytest.LogCaptureFixture) -> None:
    """RegistryPlugin.setup builds and warms the registry and logs a mismatched fingerprint."""

    class FakeWorker:
        address = "tcp://127.0.0.1:1"

    good = RegistryPlugin(SPEC)
    assert good.spec.expected == SPEC.build().fingerprint()
    with caplog.at_level(logging.WARNING, logger="medmassage.dask"):
        good.setup(FakeWorker())  # type: ignore[arg-type]
        assert caplog.records == []
        RegistryPlugin(attrs.evolve(SPEC, expected="sha256:0")).setup(FakeWorker())  # type: ignore[arg-type]
    assert "fingerprint_mismatch" in caplog.text


def test_arguments_are_checked_when_the_graph_is_built() -> None:
    """Wrong arguments raise at the call, before any task runs."""
    bag = db.from_sequence(_texts(), npartitions=1)
    with pytest.raises(ValidationError, match="spec"):
        screen_bag(bag, spec="default")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="on"):
        screen_bag(bag, on="2026-01-01")  # type: ignore[arg-type]
    frame = dd.from_pandas(pd.DataFrame({"document": _texts()}), npartitions=1)
    with pytest.raises(ValidationError, match="column"):
        screen_dataframe(frame, column="json")


def test_screen_partition_is_what_a_spark_function_calls() -> None:
    """screen_partition gives the rows of one partition as dictionaries."""
    rows = screen_partition(["{", _texts()[0]], SPEC)
    assert [r["index"] for r in rows] == [0, 1]
    assert rows[0]["error"] == "ValidationError"
    assert rows[1]["status"] == "defer"


# -- on a LocalCluster of worker processes ---------------------------------------------------

CLUSTER = pytest.mark.skipif(
    not os.environ.get("MEDMASSAGE_DASK_CLUSTER"),
    reason="starts worker processes: run by `nox -s dask` (MEDMASSAGE_DASK_CLUSTER=1)",
)


def _cupping_installed(folder: Path) -> dict[str, str]:
    """An environment in which the example cupping plugin is installed (metadata on the path)."""
    info = folder / "medmassage_cupping-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: medmassage-cupping\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[medmassage.modalities]\ncupping.dry_cupping = medmassage_cupping:DRY_CUPPING\n"
        "[medmassage.contraindications]\n"
        "cupping.anticoagulants = medmassage_cupping.rules:ANTICOAGULANTS\n",
        encoding="utf-8",
    )
    source = ROOT / "examples" / "plugins" / "medmassage-cupping" / "src"
    path = os.pathsep.join(
        p for p in (str(folder), str(source), os.environ.get("PYTHONPATH", "")) if p
    )
    return {**os.environ, "PYTHONPATH": path}


@CLUSTER
@settings(
    max_examples=1,
    phases=[Phase.generate],
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(st.lists(mst.cases(max_sessions=3), min_size=12, max_size=12))
def test_on_a_local_cluster_results_equal_the_sequential_ones(cases: list[object]) -> None:
    """Two worker processes give the sequential rows; a worker with another plugin, mismatches."""
    import tempfile

    from distributed import Client, LocalCluster

    from medmassage.dask import install

    records: list[object] = [to_json(c) for c in cases]  # type: ignore[arg-type]
    # The second partition holds only broken records (text: the scheduler keeps the
    # graph's literals as text, so undecodable bytes stay in the in-process tests).
    records[4:8] = [*BROKEN[:3], '{"schema_version": 1, "plan": {"id": "p-9"}}']
    spec = RegistrySpec(autoload=True, allow=["medmassage-cupping"])
    expected = _without_index(_sequential(records, spec.pinned()))
    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
        tempfile.TemporaryDirectory() as folder,
    ):
        pinned = install(client, spec)
        bag = db.from_sequence(records, partition_size=4)
        assert bag.npartitions == 3
        rows = screen_bag(bag, spec=pinned).compute()
        assert _without_index(rows) == expected
        assert all(r["error"] is not None for r in rows[4:8])
        frame = dd.from_pandas(pd.DataFrame({"document": records}), npartitions=3)
        result = screen_dataframe(frame, spec=pinned).compute()
        assert list(result["id"].astype(object).where(result["id"].notna(), None)) == [
            r["id"] for r in expected
        ]
        # A third worker on which the cupping plugin is installed: another registry.
        before = set(client.scheduler_info()["workers"])
        odd = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address,
             "--nthreads", "1", "--no-nanny", "--no-dashboard"],
            env=_cupping_installed(Path(folder)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            client.wait_for_workers(3, timeout=120)
            (address,) = set(client.scheduler_info()["workers"]) - before
            future = client.compute(screen_bag(bag, spec=pinned), workers=[address])
            mismatched = future.result()
            assert len(mismatched) == len(records)
            assert {r["error"] for r in mismatched} == {FINGERPRINT_MISMATCH}
            assert [r["id"] for r in mismatched] == [r["id"] for r in expected]
            assert {r["fingerprint"] for r in mismatched} != {pinned.expected}
        finally:
            odd.terminate()
            odd.wait(timeout=30)
            time.sleep(0)


def test_defaults_pin_the_default_registry_and_install_registers_the_plugin() -> None:
    """Without a spec the default registry is pinned; install() registers RegistryPlugin."""
    from medmassage.dask import install
    from medmassage.plugins import get_default_registry

    class FakeClient:
        def __init__(self) -> None:
            self.plugins: list[object] = []

        def register_plugin(self, plugin: object) -> None:
            self.plugins.append(plugin)

    client = FakeClient()
    spec = install(client)  # type: ignore[arg-type]
    assert spec.expected == get_default_registry().fingerprint()
    (plugin,) = client.plugins
    assert isinstance(plugin, RegistryPlugin)
    assert plugin.spec == spec
    frame = dd.from_pandas(pd.DataFrame({"document": _texts()}), npartitions=1)
    result = screen_dataframe(frame).compute(scheduler="sync")
    assert list(result["fingerprint"]) == [spec.expected] * 3
    with pytest.raises(ValidationError, match="policy"):
        screen_dataframe(frame, policy="strict")  # type: ignore[arg-type]
