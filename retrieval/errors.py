"""The TailTalk error hierarchy.

Every error carries an HTTP status and an OpenAI-style error `type`, so each surface (HTTP envelope,
UI line, CLI message, eval failure record) translates it once. It lives in the lowest layer so that
retrieval and agent raise the same family. Messages say what to do next.
"""

from __future__ import annotations


class TailTalkError(Exception):
    status_code = 500
    error_type = "server_error"
    code: str | None = None

    def __init__(self, message: str = "", *, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.param = param  # the request field at fault, when there is one
        if code is not None:
            self.code = code


class ConfigError(TailTalkError):
    """A setting is missing or contradicts the data on disk."""

    status_code = 500
    error_type = "server_error"


class CatalogError(TailTalkError):
    """A catalogue file cannot be read as products."""

    status_code = 400
    error_type = "invalid_request_error"


class RowError(CatalogError):
    """One catalogue row is malformed. Names the file, the line and the field."""

    def __init__(self, file: str, line: int, field: str, reason: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
        super().__init__(f"{file}:{line}: field '{field}': {reason}")


class IndexMismatchError(TailTalkError):
    """The index was built with another embedding model or text recipe than the one configured."""

    status_code = 409
    error_type = "invalid_request_error"


class IndexEmptyError(TailTalkError):
    """Search was asked of an index that holds no products yet."""

    status_code = 503
    error_type = "server_error"


class SnapshotError(ConfigError):
    """The search snapshot on disk is missing, damaged or from another TailTalk version."""

    status_code = 503
    error_type = "server_error"


class StoreUnavailableError(ConfigError):
    """The shared store (PostgreSQL) of the session log and the exposure ledger cannot be used."""

    status_code = 503
    error_type = "server_error"


class IndexMissingError(ConfigError):
    """The data folder was used before, but its product index is gone."""

    status_code = 503
    error_type = "server_error"


class IngestBusyError(TailTalkError):
    """Another ingest is writing the same index."""

    status_code = 409
    error_type = "invalid_request_error"
