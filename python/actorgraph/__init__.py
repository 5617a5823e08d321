"""actorgraph: Python access to the actorgraph service, a graph of geopolitical actors and
the signed, dated relations between them, read from news.

Two layers:

- :class:`Client`, a small typed client whose methods return plain Python objects
  (:mod:`actorgraph.model`) with ``to_pandas()`` / ``to_networkx()`` helpers, and raise
  :class:`Error` subclasses (:class:`NotFound`, :class:`InvalidArgument`, ...) carrying the
  gRPC status code and message;
- ``actorgraph.v1``, the raw protobuf/gRPC stubs generated from ``proto/actorgraph/v1`` at
  build time (``actorgraph_pb2``, ``actorgraph_pb2_grpc``, ``analytics_pb2``,
  ``analytics_pb2_grpc``).

Use the build tree with ``PYTHONPATH=build/python /usr/bin/python3``, or install it with
``pip install --no-deps --no-build-isolation build/python`` (docs/PYTHON.md)::

    import actorgraph
    ag = actorgraph.Client()            # $ACTORGRAPH_SERVER or localhost:50051
    print(ag.paths("russia", "gna")[0])  # russia -SUPPORT-> haftar -FIGHT-> gna
"""

__version__ = "0.1.0"

from .client import DEFAULT_ADDRESS, Client
from .errors import (Aborted, AlreadyExists, Cancelled, DataLoss, DeadlineExceeded, Error,
                     FailedPrecondition, Internal, InvalidArgument, NotFound, OutOfRange,
                     PermissionDenied, ResourceExhausted, Unauthenticated, Unavailable,
                     Unimplemented, Unknown)
from .model import (Actor, ActorBalance, ActorList, Affinity, Alliances, AlliesAndAdversaries,
                    Balance, Bloc, BlocMember, Candidate, CandidateList, Edge, Evidence,
                    IngestResult, KindTotal, Neighborhood, Node, Path, PathList, RankedActor,
                    Ranking, Relation, RelationList, Role, Stance, TensionEdge, Timeline,
                    TimelinePoint, UpsertResult)

__all__ = [
    "Client", "DEFAULT_ADDRESS",
    "Error", "Aborted", "AlreadyExists", "Cancelled", "DataLoss", "DeadlineExceeded",
    "FailedPrecondition", "Internal", "InvalidArgument", "NotFound", "OutOfRange",
    "PermissionDenied", "ResourceExhausted", "Unauthenticated", "Unavailable", "Unimplemented",
    "Unknown",
    "Actor", "ActorBalance", "ActorList", "Affinity", "Alliances", "AlliesAndAdversaries",
    "Balance", "Bloc", "BlocMember", "Candidate", "CandidateList", "Edge", "Evidence",
    "IngestResult", "KindTotal", "Neighborhood", "Node", "Path", "PathList", "RankedActor",
    "Ranking", "Relation", "RelationList", "Role", "Stance", "TensionEdge", "Timeline",
    "TimelinePoint", "UpsertResult",
]
