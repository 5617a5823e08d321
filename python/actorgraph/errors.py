"""Exceptions raised by :class:`actorgraph.Client`.

Every failure of a call is an :class:`Error` carrying the gRPC status ``code``
(a :class:`grpc.StatusCode`) and the server's ``message``, which names the offending field
or actor (``"actor: is required"``, ``"no actor \\"xyz\\""``). Each canonical code has its
own subclass, so callers can write ``except actorgraph.NotFound:``. Arguments the client
rejects before sending anything raise :class:`InvalidArgument` too.

``InvalidArgument`` is also a :class:`ValueError`, ``NotFound`` a :class:`LookupError` and
``Unimplemented`` a :class:`NotImplementedError`, so generic handlers keep working.
"""

from __future__ import annotations

from typing import Optional

import grpc

__all__ = [
    "Error", "Cancelled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
    "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
    "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
    "from_rpc_error",
]


class Error(Exception):
    """A failed actorgraph call.

    Attributes:
        code: the :class:`grpc.StatusCode` of the failure.
        message: the server's (or the client's) explanation, naming the field at fault.
        rpc: the RPC that failed (``"GetActor"``), or ``None`` when the client refused the
            arguments before calling.
    """

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(self, message: str, code: Optional[grpc.StatusCode] = None,
                 rpc: Optional[str] = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.rpc = rpc

    def __str__(self) -> str:
        where = f" ({self.rpc})" if self.rpc else ""
        return f"{self.code.name}{where}: {self.message}"


class Cancelled(Error):
    """The call was cancelled, usually by the caller."""
    code = grpc.StatusCode.CANCELLED


class Unknown(Error):
    """An error the server did not classify."""
    code = grpc.StatusCode.UNKNOWN


class InvalidArgument(Error, ValueError):
    """A request field is malformed or out of range; the message names the field."""
    code = grpc.StatusCode.INVALID_ARGUMENT


class DeadlineExceeded(Error):
    """The call did not finish within the client's timeout or the server's time limit."""
    code = grpc.StatusCode.DEADLINE_EXCEEDED


class NotFound(Error, LookupError):
    """No actor (or document) has that id or alias; the message names it."""
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(Error):
    """The resource already exists."""
    code = grpc.StatusCode.ALREADY_EXISTS


class PermissionDenied(Error):
    """The token is valid but its scope does not allow the call (e.g. a read token writing)."""
    code = grpc.StatusCode.PERMISSION_DENIED


class ResourceExhausted(Error):
    """A server limit was hit (message size, result size, database size, streams)."""
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class FailedPrecondition(Error):
    """The server is not in a state that allows the call."""
    code = grpc.StatusCode.FAILED_PRECONDITION


class Aborted(Error):
    """The call was aborted, typically by a conflict; it may be retried."""
    code = grpc.StatusCode.ABORTED


class OutOfRange(Error):
    """A value lies past the valid range."""
    code = grpc.StatusCode.OUT_OF_RANGE


class Unimplemented(Error, NotImplementedError):
    """The server does not implement this RPC (an older server)."""
    code = grpc.StatusCode.UNIMPLEMENTED


class Internal(Error):
    """The server failed internally."""
    code = grpc.StatusCode.INTERNAL


class Unavailable(Error):
    """The server cannot be reached, or its storage is unavailable (read-only, busy)."""
    code = grpc.StatusCode.UNAVAILABLE


class DataLoss(Error):
    """Unrecoverable data loss or corruption."""
    code = grpc.StatusCode.DATA_LOSS


class Unauthenticated(Error):
    """The call carried no token, or one the server does not know."""
    code = grpc.StatusCode.UNAUTHENTICATED


_BY_CODE = {cls.code: cls for cls in (
    Cancelled, Unknown, InvalidArgument, DeadlineExceeded, NotFound, AlreadyExists,
    PermissionDenied, ResourceExhausted, FailedPrecondition, Aborted, OutOfRange,
    Unimplemented, Internal, Unavailable, DataLoss, Unauthenticated)}


def from_rpc_error(err: grpc.RpcError, rpc: Optional[str] = None) -> Error:
    """Converts a :class:`grpc.RpcError` into the matching :class:`Error` subclass."""
    code = err.code() if hasattr(err, "code") else grpc.StatusCode.UNKNOWN
    message = err.details() if hasattr(err, "details") else str(err)
    if not message:
        message = ("the server does not implement this RPC" if code == Unimplemented.code
                   else "the server gave no details")
    return _BY_CODE.get(code, Error)(message, code, rpc)
