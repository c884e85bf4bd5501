"""A logging filter that redacts token values out of records of the loggers a request passes through.

urllib3 logs every request line ("GET /path?query HTTP/1.1") at DEBUG and databricks-sdk logs bodies, so a
token placed in a URL or a body would reach any DEBUG handler. The filter runs only for records that are
actually created (DEBUG enabled), so it costs nothing otherwise.
"""

from __future__ import annotations

import logging

from notebook_tokens.core.redact import redact

__all__ = ["REDACTED_LOGGERS", "RedactingFilter", "install"]

REDACTED_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.util.retry",
    "requests",
    "databricks.sdk",
    # a logger's filters do not see records propagated up from its children, so the SDK modules that log
    # under their own name (getLogger(__name__)) are listed one by one
    "databricks.sdk.oauth",
    "databricks.sdk.oidc",
    "databricks.sdk.retries",
    "databricks.sdk.mixins.files",
    "databricks.sdk.mixins.files_utils",
    "notebook_tokens",
    "notebook_tokens.http.workspace",
)


class RedactingFilter(logging.Filter):
    """Formats the record's message once, redacted, so handlers never see the raw arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record: let logging report it as usual
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            # handlers format a traceback only when exc_text is unset: fill it in, redacted
            record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FORMATTER = logging.Formatter()


_FILTER = RedactingFilter()


def install() -> None:
    """Attach the filter to each logger (idempotent)."""
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
