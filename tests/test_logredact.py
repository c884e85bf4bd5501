"""The log redaction filter reaches every logger a token can pass through, child loggers included."""

from __future__ import annotations

import logging
import secrets

import pytest

from notebook_tokens.core import logredact


@pytest.mark.parametrize("name", logredact.REDACTED_LOGGERS)
def test_a_pat_logged_on_a_redacted_logger_never_reaches_a_handler(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Filters on `databricks.sdk` do not apply to `databricks.sdk.oauth`'s records: each is listed."""
    logredact.install()
    canary = "dapi" + secrets.token_hex(16)
    caplog.set_level(logging.DEBUG, logger=name)
    logging.getLogger(name).debug("refresh failed: %s", canary)
    assert caplog.records
    assert canary not in caplog.text


@pytest.mark.parametrize("name", ["databricks.sdk.oauth", "databricks.sdk.oidc", "databricks.sdk.retries"])
def test_sdk_modules_logging_under_their_own_name_are_redacted(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A filter on `databricks.sdk` does not see its children's records: these log via getLogger(__name__)."""
    logredact.install()
    canary = "dapi" + secrets.token_hex(16)
    caplog.set_level(logging.DEBUG, logger=name)
    logging.getLogger(name).warning("Tried to refresh token asynchronously, but failed: %s", canary)
    assert caplog.records
    assert canary not in caplog.text


def test_a_pat_in_a_logged_exception_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    """exc_info tracebacks are formatted by the handler later: the filter hands it a redacted one."""
    logredact.install()
    canary = "dapi" + secrets.token_hex(16)
    caplog.set_level(logging.DEBUG, logger="urllib3.connectionpool")
    try:
        raise ValueError(f"bad header {canary}")
    except ValueError:
        logging.getLogger("urllib3.connectionpool").debug("Failed to parse headers", exc_info=True)
    assert "ValueError: bad header" in caplog.text
    assert canary not in caplog.text
