"""Start-up: which Prefect API a run uses, and one ephemeral server per process."""

from __future__ import annotations

from flows import startup


def test_a_configured_api_url_is_used_instead_of_an_ephemeral_server(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert startup.configured_api_url() == "http://127.0.0.1:4200/api"
    assert startup.start_api() is None


def test_the_active_prefect_profile_can_configure_the_api(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.setenv("PREFECT_PROFILES_PATH", str(tmp_path / "profiles.toml"))
    (tmp_path / "profiles.toml").write_text(
        'active = "shared"\n\n[profiles.local]\n\n[profiles.shared]\nPREFECT_API_URL = "http://127.0.0.1:4300/api"\n'
    )
    assert startup.configured_api_url() == "http://127.0.0.1:4300/api"
    monkeypatch.setenv("PREFECT_PROFILE", "local")
    assert startup.configured_api_url() is None


def test_runs_in_one_process_share_one_ephemeral_server(sample_run, tmp_path):
    from tests.conftest import SAMPLE, run_cli

    result, _ = sample_run
    assert result.exit_code == 1  # the not-a-PDF input
    api = startup.start_api()
    assert api is not None and api.process.poll() is None
    agenda = SAMPLE / "Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
    assert run_cli("run", str(agenda), "--output", str(tmp_path / "out")).exit_code == 0
    assert startup.start_api() is api
    assert (api.home / startup.MIGRATED_MARKER).read_text() == startup._prefect_version()
