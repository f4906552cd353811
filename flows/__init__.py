"""Prefect flows and the command line on top of the pure extractors."""

from flows.settings import configure_environment

configure_environment()
