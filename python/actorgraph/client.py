"""A small typed client for the actorgraph gRPC service.

    import actorgraph
    with actorgraph.Client("localhost:50051") as ag:
        for path in ag.paths("russia", "gna", k=3):
            print(path)                      # russia -SUPPORT-> haftar -FIGHT-> gna
        ag.relations("haftar").to_pandas()  # one row per observation, with its evidence

Methods return the plain Python objects of :mod:`actorgraph.model`; failures raise the
:class:`actorgraph.Error` subclass of their gRPC status code. Thread-safe: one client (one
channel) may serve many threads.
"""

from __future__ import annotations

import datetime
import itertools
import os
from typing import Any, Iterable, Iterator, List, Optional, Sequence, Union

import grpc

from . import convert, errors
from .model import (Actor, ActorList, Alliances, AlliesAndAdversaries, Balance, Candidate,
                    CandidateList, IngestResult, Neighborhood, Path, PathList, RankedActor,
                    Ranking, Relation, RelationList, Stance, Timeline, TimelinePoint,
                    UpsertResult)
from .v1 import actorgraph_pb2 as pb
from .v1 import actorgraph_pb2_grpc as pb_grpc
from .v1 import analytics_pb2 as apb
from .v1 import analytics_pb2_grpc as apb_grpc

__all__ = ["Client", "DEFAULT_ADDRESS"]

DEFAULT_ADDRESS = "localhost:50051"

Kinds = Union[None, str, Sequence[str]]
Day = Union[None, str, datetime.date]


def _read_pem(value: Union[None, bytes, str, os.PathLike]) -> Optional[bytes]:
    """PEM bytes as given, or read from a file path."""
    if value is None or isinstance(value, bytes):
        return value
    text = os.fspath(value)
    if text.lstrip().startswith("-----BEGIN"):
        return text.encode()
    try:
        with open(text, "rb") as f:
            return f.read()
    except OSError as e:
        raise convert.bad("tls", f"cannot read {text}: {e.strerror}") from None


class Client:
    """A connection to an actorgraph server.

    Args:
        address: ``host:port``; default ``$ACTORGRAPH_SERVER`` or ``localhost:50051``.
        token: bearer token sent as ``authorization: Bearer <token>`` metadata on every
            call; default ``$ACTORGRAPH_TOKEN`` (none when unset or empty).
        tls: connect with TLS (system roots unless ``root_certs`` is given).
        root_certs: CA certificate(s) to trust, PEM bytes/text or a file path; implies TLS.
        client_cert, client_key: PEM (bytes, text or path) for mutual TLS.
        server_name: the name to check in the server's certificate when it differs from
            the host in ``address``.
        timeout: deadline of each call in seconds (``None`` = no deadline). ``load`` has
            its own, since an ingest lasts as long as its input.
        options: extra gRPC channel options, ``[(name, value), ...]``.

    Nothing is connected until the first call; a server that cannot be reached then raises
    :class:`actorgraph.Unavailable`. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, address: Optional[str] = None, token: Optional[str] = None, *,
                 tls: bool = False, root_certs=None, client_cert=None, client_key=None,
                 server_name: Optional[str] = None, timeout: Optional[float] = 30.0,
                 options: Optional[list] = None):
        self.address = address or os.environ.get("ACTORGRAPH_SERVER") or DEFAULT_ADDRESS
        token = token if token is not None else os.environ.get("ACTORGRAPH_TOKEN", "")
        self.timeout = timeout
        self._metadata = (("authorization", f"Bearer {token}"),) if token else None
        opts = [("grpc.max_receive_message_length", 64 << 20)] + list(options or [])
        if server_name:
            opts.append(("grpc.ssl_target_name_override", server_name))
        if tls or root_certs is not None or client_cert is not None:
            creds = grpc.ssl_channel_credentials(
                root_certificates=_read_pem(root_certs), private_key=_read_pem(client_key),
                certificate_chain=_read_pem(client_cert))
            self.channel = grpc.secure_channel(self.address, creds, options=opts)
        else:
            self.channel = grpc.insecure_channel(self.address, options=opts)
        #: The raw generated stubs, for anything the typed methods do not cover.
        self.stub = pb_grpc.ActorGraphStub(self.channel)
        self.analytics_stub = apb_grpc.AnalyticsStub(self.channel)

    def close(self) -> None:
        """Closes the channel; later calls fail."""
        self.channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"actorgraph.Client({self.address!r})"

    # -- plumbing ---------------------------------------------------------------------------

    def _call(self, stub, rpc: str, request, timeout: Any = ...):
        """Calls ``stub.rpc(request)`` with the token and deadline; maps failures."""
        try:
            return getattr(stub, rpc)(request, timeout=self.timeout if timeout is ... else timeout,
                                      metadata=self._metadata)
        except grpc.RpcError as e:
            raise errors.from_rpc_error(e, rpc) from None

    def _pages(self, rpc: str, request, items: str, limit: Optional[int]) -> Iterator:
        """Yields the ``items`` of every page of a list RPC, stopping after ``limit``."""
        if limit is not None and limit < 0:
            raise convert.bad("limit", f"must be >= 0, got {limit}")
        if limit is not None and not request.page_size:
            request.page_size = max(1, min(limit, 1000))  # fetch no more than needed

        def pages():
            while True:
                resp = self._call(self.stub, rpc, request)
                yield from getattr(resp, items)
                if not resp.next_page_token:
                    return
                request.page_token = resp.next_page_token
        return itertools.islice(pages(), limit)

    # -- actors -----------------------------------------------------------------------------

    def actor(self, name: str) -> Actor:
        """The actor with this id or any alias (``"turkey"``, ``"Türkiye"``).
        Raises NotFound naming it."""
        return Actor.from_pb(self._call(self.stub, "GetActor", pb.GetActorRequest(actor=name)))

    def actors(self, query: Optional[str] = None, kind: Optional[str] = None, *,
               limit: Optional[int] = None, page_size: Optional[int] = None) -> ActorList:
        """All actors (every page), in id order.

        Args:
            query: only actors whose id, name or an alias contains this text (any case).
            kind: only this kind (``"STATE"``, ``"person"``, ...).
            limit: stop after this many actors.
            page_size: actors per request (server default 100, at most 1000).
        """
        req = pb.ListActorsRequest(query=query or "",
                                   kind=convert.enum_value(pb.ActorKind, kind, "kind"),
                                   page_size=convert.number(page_size, "page_size", int))
        return ActorList(Actor.from_pb(a) for a in self._pages("ListActors", req, "actors", limit))

    def resolve(self, name: str, max_candidates: Optional[int] = None) -> CandidateList:
        """The actors a name may refer to, best first (score 1.0 = exact id or alias).
        Empty when nothing matches."""
        req = pb.ResolveActorRequest(
            name=name, max_candidates=convert.number(max_candidates, "max_candidates", int))
        resp = self._call(self.stub, "ResolveActor", req)
        return CandidateList(Candidate.from_pb(c) for c in resp.candidates)

    def upsert_actors(self, actors: Any, batch_size: int = 1000) -> UpsertResult:
        """Creates or replaces actors (by id); durable when it returns.

        ``actors``: a path to an actor-dictionary JSONL file or folder (``data/actors``
        format), or an iterable of such dicts, :class:`Actor` objects or ``Actor`` messages.
        Every record is checked before anything is sent (InvalidArgument naming
        ``WHERE: field``); then they go in requests of ``batch_size``.
        """
        if batch_size < 1:
            raise convert.bad("batch_size", "must be at least 1")
        msgs = []
        for where, rec in convert.records(actors, "actors"):
            if isinstance(rec, errors.Error):
                raise errors.InvalidArgument(f"{where}: {rec.message}")
            try:
                msgs.append(convert.actor(rec, ""))
            except errors.InvalidArgument as e:
                raise errors.InvalidArgument(f"{where}: {e.message}") from None
        result = UpsertResult()
        for i in range(0, len(msgs), batch_size):
            resp = self._call(self.stub, "UpsertActors",
                              pb.UpsertActorsRequest(actors=msgs[i:i + batch_size]))
            result.created += resp.created
            result.updated += resp.updated
        return result

    # -- relations and paths ----------------------------------------------------------------

    def relations(self, actor: Optional[str] = None, other: Optional[str] = None, *,
                  kinds: Kinds = None, sign: Any = None, since: Day = None, until: Day = None,
                  doc: Optional[str] = None, limit: Optional[int] = None,
                  page_size: Optional[int] = None) -> RelationList:
        """Relation observations, newest first (every page unless ``limit``).

        Args:
            actor: only relations touching this actor (source or target).
            other: with ``actor``: only those between the two, either direction.
            kinds: only these kinds: ``"FIGHT"``, ``"support,aid"`` or ``["SUPPORT", "AID"]``.
            sign: ``"positive"``/``"+"``/``1``, ``"negative"``/``"-"``/``-1``, or None.
            since, until: inclusive window, ``"YYYY-MM-DD"`` or :class:`datetime.date`.
            doc: only relations read from this document.
            limit: stop after this many relations.
            page_size: relations per request (server default 100, at most 1000).
        """
        req = pb.ListRelationsRequest(
            actor=actor or "", other=other or "", doc=doc or "",
            filter=convert.relation_filter(kinds, sign, since, until),
            page_size=convert.number(page_size, "page_size", int))
        return RelationList(Relation.from_pb(r)
                            for r in self._pages("ListRelations", req, "relations", limit))

    def paths(self, src: str, dst: str, k: int = 1, max_hops: int = 4, *, kinds: Kinds = None,
              sign: Any = None, path_sign: Any = None, directed: bool = False,
              cost: str = "hops", since: Day = None, until: Day = None,
              max_evidence: Optional[int] = None, half_life_days: Optional[float] = None,
              as_of: Day = None) -> PathList:
        """The ``k`` cheapest loopless paths from ``src`` to ``dst``; every edge carries its
        evidence. Empty when they are not connected within the limits; ``truncated`` says a
        limit cut the answer.

        Args:
            k: paths wanted (server maximum 20). max_hops: edges per path (at most 8).
            kinds, since, until: the relations an edge may be made of.
            sign: ``"positive"`` = every edge positive (a support chain), ``"negative"``.
            path_sign: required product of the edge signs: +1 (friendly chain, or the enemy
                of my enemy), -1 (hostile overall); None = any.
            directed: follow relations only in their direction.
            cost: ``"hops"``, or ``"confidence_recency"`` to prefer edges backed by many
                confident, recent observations (``half_life_days``, ``as_of``).
            max_evidence: relations attached to each edge (server default 3).
        """
        req = pb.FindPathsRequest(
            to=dst, k=convert.number(k, "k", int),
            max_hops=convert.number(max_hops, "max_hops", int),
            filter=convert.relation_filter(kinds, sign, since, until), directed=directed,
            max_evidence=convert.number(max_evidence, "max_evidence", int),
            cost=convert.enum_value(pb.PathCost, cost, "cost"),
            path_sign=convert.sign(path_sign, "path_sign"),
            half_life_days=convert.number(half_life_days, "half_life_days"),
            as_of=convert.date(as_of, "as_of"))
        setattr(req, "from", src)  # `from` is a Python keyword
        resp = self._call(self.stub, "FindPaths", req)
        return PathList((Path.from_pb(p) for p in resp.paths), truncated=resp.truncated)

    # -- writing ----------------------------------------------------------------------------

    def load(self, relations: Any, batch_size: int = 1000, *, skip_invalid: bool = False,
             timeout: Optional[float] = None) -> IngestResult:
        """Ingests relation observations; returns once every batch is durable.

        ``relations``: a path to a relations JSONL file (DESIGN.md format) or a folder of
        ``*.jsonl``, or an iterable of such dicts, :class:`Relation` objects or ``Relation``
        messages. They stream to the server in batches of ``batch_size``, each committed
        atomically; re-loading the same records is a no-op (they count as duplicates).

        A record the client cannot convert (bad kind, span, type) stops the load there:
        the records before it are stored, and :class:`InvalidArgument` names it
        (``"FILE:LINE: kind: ..."`` or ``"relations[3]: ..."``) and carries the partial
        :class:`IngestResult` as ``.result``. With ``skip_invalid=True`` such records are
        skipped instead and listed in ``result.skipped``. A record the server refuses fails
        the call naming its batch and field; earlier batches stay committed.

        ``timeout``: deadline of the whole ingest in seconds; None (default) = none.
        """
        if batch_size < 1:
            raise convert.bad("batch_size", "must be at least 1")
        result = IngestResult()
        stopped: List[Exception] = []  # why the stream ended early, if it did
        records = convert.records(relations, "relations")

        def requests() -> Iterator[pb.IngestRelationsRequest]:
            # Runs on gRPC's thread: it must not raise, or the call is merely CANCELLED.
            batch = []
            try:
                for where, rec in records:
                    try:
                        if isinstance(rec, errors.Error):
                            raise rec
                        batch.append(convert.relation(rec, ""))
                    except errors.InvalidArgument as e:
                        if not skip_invalid:
                            stopped.append(errors.InvalidArgument(f"{where}: {e.message}"))
                            break
                        result.skipped.append(f"{where}: {e.message}")
                        continue
                    if len(batch) >= batch_size:
                        yield pb.IngestRelationsRequest(relations=batch)
                        batch = []
            except Exception as e:  # e.g. the file became unreadable
                stopped.append(e)
            if batch:
                yield pb.IngestRelationsRequest(relations=batch)

        resp = self._call(self.stub, "IngestRelations", requests(), timeout=timeout)
        result.inserted, result.duplicates = resp.inserted, resp.duplicates
        result.actors_created, result.batches = resp.actors_created, resp.batches
        if stopped:
            e = stopped[0]
            if isinstance(e, errors.InvalidArgument):
                e = errors.InvalidArgument(
                    f"{e.message} (the load stopped there; {result.inserted} new relations "
                    "before it were stored)")
            e.result = result
            raise e
        return result

    def retract_document(self, doc: str) -> int:
        """Removes every observation read from ``doc``, atomically; returns how many."""
        resp = self._call(self.stub, "RetractDocument", pb.RetractDocumentRequest(doc=doc))
        return resp.removed

    # -- analytics --------------------------------------------------------------------------

    def stance(self, a: str, b: str, *, kinds: Kinds = None, sign: Any = None,
               since: Day = None, until: Day = None, directed: bool = False,
               half_life_days: Optional[float] = None, as_of: Day = None,
               max_evidence: Optional[int] = None) -> Stance:
        """The signed stance between ``a`` and ``b`` over a window (> 0 friendly).

        ``directed``: only a -> b observations. ``half_life_days``: an observation's weight
        halves every so many days before ``as_of`` (default: the newest observation).
        """
        req = apb.GetStanceRequest(
            a=a, b=b, filter=convert.relation_filter(kinds, sign, since, until),
            directed=directed, half_life_days=convert.number(half_life_days, "half_life_days"),
            as_of=convert.date(as_of, "as_of"),
            max_evidence=convert.number(max_evidence, "max_evidence", int))
        return Stance.from_pb(self._call(self.analytics_stub, "GetStance", req))

    def timeline(self, a: str, b: str, bucket: str = "month", *, kinds: Kinds = None,
                 sign: Any = None, since: Day = None, until: Day = None,
                 directed: bool = False) -> Timeline:
        """The stance between ``a`` and ``b`` per ``bucket`` (``"day"``, ``"week"``,
        ``"month"``, ``"quarter"``, ``"year"``), oldest first, empty buckets included.
        ``to_pandas()`` gives a frame ready to plot."""
        req = apb.GetTimelineRequest(
            a=a, b=b, filter=convert.relation_filter(kinds, sign, since, until),
            directed=directed, bucket=convert.enum_value(apb.Bucket, bucket, "bucket"))
        resp = self._call(self.analytics_stub, "GetTimeline", req)
        return Timeline((TimelinePoint.from_pb(p) for p in resp.points), a=resp.a, b=resp.b)

    def alliances(self, actors: Optional[Iterable[str]] = None, *,
                  around: Optional[Iterable[str]] = None, radius: Optional[int] = None,
                  num_blocs: Optional[int] = None, seed: int = 0,
                  restarts: Optional[int] = None, max_tensions: Optional[int] = None,
                  max_evidence: Optional[int] = None, half_life_days: Optional[float] = None,
                  min_abs_stance: Optional[float] = None, kinds: Kinds = None,
                  sign: Any = None, since: Day = None, until: Day = None) -> Alliances:
        """Blocs of actors by structural balance, with frustration and tension edges.

        Args:
            actors: restrict to these actors; default every actor (or ``around``).
            around, radius: restrict to the ``radius``-hop neighbourhood of these actors.
            num_blocs: number of blocs; None = chosen automatically.
            seed, restarts: of the local search; the answer is deterministic for a seed.
            max_tensions, max_evidence: caps on the tension list and its evidence.
            half_life_days: recency decay of the stance. min_abs_stance: ignore weaker pairs.
            kinds, sign, since, until: the observations that make up the stance graph.
        """
        req = apb.FindAlliancesRequest(
            filter=convert.relation_filter(kinds, sign, since, until),
            actors=list(actors or []), around=list(around or []),
            radius=convert.number(radius, "radius", int),
            num_blocs=convert.number(num_blocs, "num_blocs", int),
            seed=convert.number(seed, "seed", int),
            restarts=convert.number(restarts, "restarts", int),
            max_tensions=convert.number(max_tensions, "max_tensions", int),
            max_evidence=convert.number(max_evidence, "max_evidence", int),
            half_life_days=convert.number(half_life_days, "half_life_days"),
            min_abs_stance=convert.number(min_abs_stance, "min_abs_stance"))
        return Alliances.from_pb(self._call(self.analytics_stub, "FindAlliances", req))

    def allies(self, actor: str, inferred: bool = True, *, limit: Optional[int] = None,
               max_hops: Optional[int] = None, max_evidence: Optional[int] = None,
               half_life_days: Optional[float] = None, kinds: Kinds = None, sign: Any = None,
               since: Day = None, until: Day = None) -> AlliesAndAdversaries:
        """Allies and adversaries of ``actor``, strongest first, each with the path that
        explains it: direct ones by stance and, with ``inferred``, those implied by balance
        (a friend's friend, an enemy's enemy) along paths of up to ``max_hops`` edges."""
        req = apb.GetAlliesAndAdversariesRequest(
            actor=actor, filter=convert.relation_filter(kinds, sign, since, until),
            limit=convert.number(limit, "limit", int), inferred=inferred,
            max_hops=convert.number(max_hops, "max_hops", int),
            max_evidence=convert.number(max_evidence, "max_evidence", int),
            half_life_days=convert.number(half_life_days, "half_life_days"))
        return AlliesAndAdversaries.from_pb(
            self._call(self.analytics_stub, "GetAlliesAndAdversaries", req))

    def neighborhood(self, actor: str, radius: int = 1, max_nodes: int = 100, *,
                     max_evidence: Optional[int] = None, kinds: Kinds = None,
                     sign: Any = None, since: Day = None, until: Day = None) -> Neighborhood:
        """The ego network of ``actor`` within ``radius`` hops, at most ``max_nodes`` nodes
        (nearest and best connected first), ready to draw with ``to_networkx()``."""
        req = apb.GetNeighborhoodRequest(
            actor=actor, radius=convert.number(radius, "radius", int),
            max_nodes=convert.number(max_nodes, "max_nodes", int),
            filter=convert.relation_filter(kinds, sign, since, until),
            max_evidence=convert.number(max_evidence, "max_evidence", int))
        return Neighborhood.from_pb(self._call(self.analytics_stub, "GetNeighborhood", req))

    def rank(self, by: str = "pagerank", *, limit: Optional[int] = None,
             damping: Optional[float] = None, samples: Optional[int] = None, seed: int = 0,
             kinds: Kinds = None, sign: Any = None, since: Day = None,
             until: Day = None) -> Ranking:
        """Actors ranked by ``"degree"``, ``"pagerank"`` (weighted, ``damping``) or
        ``"betweenness"`` (exact, or sampled with ``samples`` sources and ``seed``)."""
        req = apb.RankActorsRequest(
            by=convert.enum_value(apb.Measure, by, "by"),
            filter=convert.relation_filter(kinds, sign, since, until),
            limit=convert.number(limit, "limit", int),
            damping=convert.number(damping, "damping"),
            samples=convert.number(samples, "samples", int), seed=convert.number(seed, "seed", int))
        resp = self._call(self.analytics_stub, "RankActors", req)
        return Ranking((RankedActor(a.rank, a.actor, a.name, a.score) for a in resp.actors),
                       method=resp.method)

    def balance(self, *, limit: Optional[int] = None, kinds: Kinds = None, sign: Any = None,
                since: Day = None, until: Day = None) -> Balance:
        """Balanced and unbalanced signed triangles, overall and for the ``limit`` actors
        with the most unbalanced ones."""
        req = apb.GetBalanceRequest(filter=convert.relation_filter(kinds, sign, since, until),
                                    limit=convert.number(limit, "limit", int))
        return Balance.from_pb(self._call(self.analytics_stub, "GetBalance", req))
