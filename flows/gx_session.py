"""Great Expectations in this process: one in-memory context, suites built once, validations run directly.

A validation is GX's v1 `Validator` running a suite on a batch: nothing is registered in the
context's stores (which would serialise every suite, validation definition and result), so one
context serves every validation the process makes. While a validation runs, GX's per-expectation
bookkeeping takes shortcuts that give the same answers (`_memoised`). Importing this module does
not import GX.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import json
import logging
import math
import threading
import uuid
from typing import Iterator

import pandas as pd

# Ids of suites and expectations are made from their names in this namespace: the same on every run.
IDS_NAMESPACE = uuid.UUID("6f1d3c1e-2b4a-4f5e-9c7d-5a8b0e2f4c61")
# GX versions whose code the shortcuts of `_memoised` were checked against.
_MEMO_VERSIONS = ("1.24.1",)

_lock = threading.RLock()  # a GX context is not safe to share between threads
_state: dict[str, object] = {}
_memo = threading.local()


def context():
    """A fresh in-memory GX context: nothing read from or written to a GX project, analytics off.

    It builds no Data Docs site (GX's pages load scripts and icons from public CDNs, and its default
    ephemeral context would leave a site in a temporary folder): `flows.data_docs` renders static
    pages from the results instead.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig

    # GX logs its set-up at INFO; results carry what matters.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={},
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _batch_definition(name: str):
    """The whole-dataframe batch definition of dataset `name`, on the process's context (made on first use)."""
    if "source" not in _state:
        _install_shortcuts()
        _state["source"] = context().data_sources.add_pandas("scrutiny")
        _state["batches"] = {}
    batches: dict = _state["batches"]  # type: ignore[assignment]
    if name not in batches:
        batches[name] = _state["source"].add_dataframe_asset(name).add_batch_definition_whole_dataframe("all rows")  # type: ignore[attr-defined]
    return batches[name]


def _suite(suite_name: str, templates: tuple, key: tuple):
    """A GX suite of copies of `templates` (a suite owns its expectations), built once per `key`."""
    import great_expectations as gx

    suites: dict = _state.setdefault("suites", {})  # type: ignore[assignment]
    if key not in suites:
        suite = gx.ExpectationSuite(name=suite_name, expectations=[copy.copy(e) for e in templates])
        suite.id = str(uuid.uuid5(IDS_NAMESPACE, suite_name))
        for expectation in suite.expectations:
            expectation.id = str(uuid.uuid5(IDS_NAMESPACE, f"{suite_name}\n{expectation.meta['rule']}\n{type(expectation).__name__}"))
        suites[key] = suite
    return suites[key]


def validate(dataset: str, suite_name: str, templates: tuple, key: tuple, view: pd.DataFrame, run_time: dt.datetime) -> dict:
    """GX's result (as JSON) of the suite `suite_name` of `templates` on `view`, a batch of asset `dataset`.

    The result reads as `ValidationDefinition.run` would write it, with this run's id and time.
    """
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.validator.v1_validator import Validator

    with _lock:
        batch = _batch_definition(dataset)
        suite = _suite(suite_name, templates, key)
        validator = Validator(batch_definition=batch, batch_parameters={"dataframe": view}, result_format="COMPLETE")
        with _memoised():
            result = validator.validate_expectation_suite(suite)
        run_id = RunIdentifier(run_name="scrutiny", run_time=run_time)
        result.meta["validation_id"] = str(uuid.uuid5(IDS_NAMESPACE, f"validation {suite_name}"))
        result.meta["checkpoint_id"] = None
        result.meta["run_id"] = run_id
        result.meta["validation_time"] = run_id.run_time
        result.meta["batch_parameters"] = {"dataframe": "<DATAFRAME>"}  # as GX names a dataframe parameter
        return result.to_json_dict()


@contextlib.contextmanager
def _memoised() -> Iterator[None]:
    """Within the block (on this thread), GX's per-expectation bookkeeping is done once, not hundreds of times.

    GX 1.24 rebuilds an expectation's configuration (a pydantic dict of its fields and a regex on
    its class name) each time any one of its arguments is read, a new expectation from that
    configuration each time a metric's arguments are looked up, and names each metric by
    converting its arguments to JSON through a long chain of type tests: together, about two
    thirds of validation's CPU. Within the block, `_install_shortcuts`' versions of these give the
    same answers from caches (a validation reads expectations and configurations, never changes
    them after making them) and, for plain JSON values, a direct conversion; the caches are
    dropped when the block ends, and outside it GX works as it ships.
    """
    _memo.configurations, _memo.expectations = {}, {}
    try:
        yield
    finally:
        _memo.configurations = _memo.expectations = None


def _active() -> bool:
    return getattr(_memo, "configurations", None) is not None


def _cached(cache_name: str, build):
    """`build(obj)`, or what it gave for `obj` before in the current `_memoised` block."""

    def cached(self):
        cache = getattr(_memo, cache_name, None)
        if cache is None:
            return build(self)
        # Keyed by id(), holding the object itself so that its id is not reused within the block.
        hit = cache.get(id(self))
        if hit is None or hit[0] is not self:
            hit = cache[id(self)] = (self, build(self))
        return hit[1]

    cached.scrutiny_shortcut = True  # type: ignore[attr-defined]
    return cached


def _plain(value: object) -> bool:
    """Whether `value` is JSON as it stands: GX's conversion would give it back unchanged (tuples as lists)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return not math.isnan(value)  # type: ignore[arg-type]  # GX writes NaN as null
    if kind is list or kind is tuple:
        return all(_plain(item) for item in value)  # type: ignore[attr-defined]
    if kind is dict:
        return all(type(key) is str and _plain(item) for key, item in value.items())  # type: ignore[attr-defined]
    return False


def _metric_id(original):
    """`IDDict.to_id` that, in a `_memoised` block, hashes plain arguments without GX's conversion (the same id)."""

    def to_id(self, id_keys=None, id_ignore_keys=None):
        if id_keys is not None or id_ignore_keys is not None or not _active():
            return original(self, id_keys, id_ignore_keys)
        keys = set(self.keys()) - set(self._id_ignore_keys)
        data = {key: self[key] for key in keys}
        if len(keys) < 2 or not _plain(data):
            return original(self)
        # As GX's own: md5 of the sorted JSON, a stable name, not a digest for security.
        return hashlib.md5(json.dumps(data, sort_keys=True).encode("utf-8"), usedforsecurity=False).hexdigest()

    to_id.scrutiny_shortcut = True  # type: ignore[attr-defined]
    to_id.gx_original = original  # type: ignore[attr-defined]
    return to_id


def _install_shortcuts() -> None:
    """Give `Expectation.configuration`, `ExpectationConfiguration.to_domain_obj` and `IDDict.to_id`
    the shortcuts of `_memoised`, active only inside that block.

    Installed only on the GX versions whose code they were checked against (`_MEMO_VERSIONS`); on
    any other, GX is left alone: validation gives the same results, only slower.
    """
    import great_expectations
    from great_expectations.core.id_dict import IDDict
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    configuration = Expectation.__dict__.get("configuration")
    to_domain_obj = ExpectationConfiguration.__dict__.get("to_domain_obj")
    to_id = IDDict.__dict__.get("to_id")
    if great_expectations.__version__ not in _MEMO_VERSIONS or not isinstance(configuration, property):
        return
    if not callable(to_domain_obj) or not callable(to_id) or getattr(to_id, "scrutiny_shortcut", False):
        return  # not the code checked, or installed already
    Expectation.configuration = property(_cached("configurations", configuration.fget), doc=configuration.__doc__)
    ExpectationConfiguration.to_domain_obj = _cached("expectations", to_domain_obj)
    IDDict.to_id = _metric_id(to_id)
