"""Plain Python results of :class:`actorgraph.Client` calls, and their table/graph exports.

Every result is a dataclass built from the response message; no protobuf object leaks out.
Conventions, the same everywhere:

- actors are referred to by id (``"russia"``); display names sit beside them (``name``);
- enum values are their names as strings: relation kinds (``"SUPPORT"``), actor kinds
  (``"STATE"``);
- dates are ``"YYYY-MM-DD"`` strings as on the wire, and ``None`` when unknown or unbounded;
- signs are ``+1``, ``-1`` or ``0``; weights are on the Goldstein scale (-10..+10).

List results (:class:`ActorList`, :class:`RelationList`, :class:`PathList`,
:class:`Timeline`, :class:`Ranking`, ...) are ordinary lists with ``to_pandas()``;
relations, paths, neighbourhoods and alliances also have ``to_networkx()``. pandas and
networkx are imported only when those helpers are called, so the client works without them.
Graph attributes are scalars only (numbers and strings), so ``networkx.write_graphml``
accepts the graphs as they are.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any, Dict, Iterable, List, Optional

from .v1 import actorgraph_pb2 as pb

__all__ = [
    "Role", "Actor", "Evidence", "Relation", "Candidate", "Edge", "Path", "IngestResult",
    "UpsertResult", "KindTotal", "Stance", "TimelinePoint", "BlocMember", "Bloc",
    "TensionEdge", "Alliances", "Affinity", "AlliesAndAdversaries", "Node", "Neighborhood",
    "RankedActor", "ActorBalance", "Balance", "Records", "ActorList", "RelationList",
    "CandidateList", "PathList", "Timeline", "Ranking", "BalanceList", "NodeList",
]


def _require(module: str, package: str):
    """Imports an optional dependency, saying which Debian package provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(f"{module} is needed for this helper; on Debian: "
                          f"apt-get install {package}") from e


def _pandas():
    return _require("pandas", "python3-pandas")


def _networkx():
    return _require("networkx", "python3-networkx")


def _date(s: str) -> Optional[str]:
    return s or None


def _enum_name(enum, value: int) -> str:
    try:
        return enum.Name(value)
    except ValueError:  # a value added by a newer server
        return str(value)


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


class _Row:
    """Mixin: a dataclass that is one row of a table (nested fields left out)."""

    _nested: tuple = ()

    @classmethod
    def _scalars(cls) -> List[str]:
        return [f.name for f in fields(cls) if f.name not in cls._nested]

    @classmethod
    def columns(cls) -> List[str]:
        """Column names of :meth:`row`, in order."""
        return cls._scalars()

    def row(self) -> Dict[str, Any]:
        """The scalar fields as a dict, one table row."""
        return {name: getattr(self, name) for name in self._scalars()}


class Records(list):
    """A list of results that can become a :class:`pandas.DataFrame`."""

    _item: type = _Row
    _dates: tuple = ()

    def to_pandas(self):
        """One row per item (see the item type's ``row()``); date columns as datetime64."""
        pd = _pandas()
        df = pd.DataFrame([item.row() for item in self], columns=self._item.columns())
        for c in self._dates:
            df[c] = pd.to_datetime(df[c], errors="coerce")
        return df


# ---------------------------------------------------------------------------------------
# Actors and relations


@dataclass
class Role:
    """A dated role: the actor LEADS or is a MEMBER_OF ``target`` from..until (None = open)."""

    target: str
    kind: str
    title: str = ""
    from_date: Optional[str] = None
    until_date: Optional[str] = None

    @classmethod
    def from_pb(cls, m) -> "Role":
        return cls(m.target, _enum_name(pb.RelationKind, m.kind), m.title,
                   _date(m.from_date), _date(m.until_date))


@dataclass
class Actor(_Row):
    """A geopolitical actor: state, government, person, armed group, IGO, ..."""

    id: str
    name: str
    kind: str = "OTHER"
    country: str = ""
    aliases: List[str] = field(default_factory=list)
    roles: List[Role] = field(default_factory=list)
    observation_count: int = 0

    _nested = ("roles",)

    @classmethod
    def from_pb(cls, m) -> "Actor":
        return cls(m.id, m.name, _enum_name(pb.ActorKind, m.kind), m.country, list(m.aliases),
                   [Role.from_pb(r) for r in m.roles], m.observation_count)


@dataclass
class Evidence:
    """Where an observation was read: document, URL, sentence and its [begin, end) span."""

    doc: str = ""
    url: str = ""
    sentence: str = ""
    begin: int = -1
    end: int = -1

    @classmethod
    def from_pb(cls, m) -> "Evidence":
        return cls(m.doc, m.url, m.sentence, m.begin, m.end)


@dataclass
class Relation(_Row):
    """One relation observation: who did what to whom, when, and where it was read."""

    id: str
    source: str
    target: str
    kind: str
    sign: int
    weight: float
    confidence: float = 1.0
    date: Optional[str] = None
    cameo: str = ""
    source_name: str = ""
    target_name: str = ""
    source_country: str = ""
    target_country: str = ""
    evidence: Evidence = field(default_factory=Evidence)

    _nested = ("evidence",)

    @classmethod
    def from_pb(cls, m) -> "Relation":
        return cls(m.id, m.source, m.target, _enum_name(pb.RelationKind, m.kind), m.sign,
                   m.weight, m.confidence, _date(m.date), m.cameo, m.source_name,
                   m.target_name, m.source_country, m.target_country,
                   Evidence.from_pb(m.evidence))

    @classmethod
    def columns(cls) -> List[str]:
        return cls._scalars() + ["doc", "url", "sentence", "begin", "end"]

    def row(self) -> Dict[str, Any]:
        """The relation flattened: its fields plus the evidence's doc, url, sentence, span."""
        r = super().row()  # the scalar fields
        e = self.evidence
        r.update(doc=e.doc, url=e.url, sentence=e.sentence, begin=e.begin, end=e.end)
        return r

    def to_dict(self) -> Dict[str, Any]:
        """The relation as one relations-JSONL record (DESIGN.md), accepted by ``load``."""
        d = {k: v for k, v in super().row().items() if k != "date"}
        d["date"] = self.date or ""
        e = self.evidence
        d.update(doc=e.doc, url=e.url, sentence=e.sentence)
        if e.begin >= 0:
            d["span"] = [e.begin, e.end]
        return d


@dataclass
class Candidate(_Row):
    """A possible meaning of a name: the actor, a score (1.0 = exact) and what matched."""

    actor: Actor
    score: float
    matched: str

    _nested = ("actor",)

    @classmethod
    def from_pb(cls, m) -> "Candidate":
        return cls(Actor.from_pb(m.actor), m.score, m.matched)

    @classmethod
    def columns(cls) -> List[str]:
        return ["actor", "name", "kind", "score", "matched"]

    def row(self) -> Dict[str, Any]:
        return {"actor": self.actor.id, "name": self.actor.name, "kind": self.actor.kind,
                "score": self.score, "matched": self.matched}


def _dominant_kind(relations: Iterable[Relation], sign: int = 0) -> Optional[str]:
    """The most frequent kind, ties broken by the larger total |weight|, then by name.
    With a ``sign``, only kinds of that sign count when there are any, so that an edge's
    label agrees with its aggregate sign."""
    relations = list(relations)
    if any(r.sign == sign for r in relations):
        relations = [r for r in relations if r.sign == sign]
    count: Counter = Counter()
    mass: Counter = Counter()
    for r in relations:
        count[r.kind] += 1
        mass[r.kind] += abs(r.weight)
    if not count:
        return None
    return min(count, key=lambda k: (-count[k], -mass[k], k))


@dataclass
class Edge:
    """All observations from ``source`` to ``target`` that passed a filter, aggregated.

    ``relations`` holds the evidence the server attached (newest first, capped by the
    request's ``max_evidence``); ``reversed`` is True when a path walked the edge backwards.
    """

    source: str
    target: str
    count: int
    weight: float
    sign: int
    relations: List[Relation] = field(default_factory=list)
    reversed: bool = False
    first_seen: Optional[str] = None
    last_seen: Optional[str] = None

    @classmethod
    def from_pb(cls, m) -> "Edge":
        return cls(m.source, m.target, m.count, m.weight, m.sign,
                   RelationList(Relation.from_pb(r) for r in m.relations), m.reversed,
                   _date(m.first_seen), _date(m.last_seen))

    @property
    def kind(self) -> Optional[str]:
        """The dominant relation kind among the attached evidence (of the edge's sign when
        there is any), or None without evidence."""
        return _dominant_kind(self.relations, self.sign)

    def attributes(self) -> Dict[str, Any]:
        """Scalar attributes for a graph edge: kind, kinds, sign, weight, count, dates."""
        kinds = sorted({r.kind for r in self.relations})
        return {"kind": self.kind or "", "kinds": ",".join(kinds), "sign": self.sign,
                "weight": self.weight, "count": self.count,
                "first_seen": self.first_seen or "", "last_seen": self.last_seen or ""}


@dataclass
class Path(_Row):
    """A chain of edges from ``actors[0]`` to ``actors[-1]``.

    ``sign`` is the product of the edge signs (+1 a friendly chain or the enemy of an
    enemy, -1 hostile overall); ``cost`` is hops unless another cost model was asked for.
    ``str(path)`` reads like ``russia -SUPPORT-> haftar -FIGHT-> gna``.
    """

    actors: List[str]
    edges: List[Edge]
    sign: int
    cost: float

    _nested = ("edges",)

    @classmethod
    def from_pb(cls, m) -> "Path":
        return cls(list(m.actors), [Edge.from_pb(e) for e in m.edges], m.sign, m.cost)

    @property
    def hops(self) -> int:
        """Number of edges."""
        return len(self.edges)

    @classmethod
    def columns(cls) -> List[str]:
        return ["path", "hops", "sign", "cost"]

    def row(self) -> Dict[str, Any]:
        return {"path": str(self), "hops": self.hops, "sign": self.sign, "cost": self.cost}

    def __str__(self) -> str:
        if not self.actors:
            return "(empty path)"
        out = [self.actors[0]]
        for edge, nxt in zip(self.edges, self.actors[1:]):
            kind = edge.kind or "?"
            out.append(f" <-{kind}- {nxt}" if edge.reversed else f" -{kind}-> {nxt}")
        return "".join(out)


@dataclass
class IngestResult:
    """What ``load`` stored: new observations, duplicates ignored, actors created, batches.

    ``skipped`` lists the records refused on the client side (``"FILE:LINE: reason"``)
    when ``load(..., skip_invalid=True)``.
    """

    inserted: int = 0
    duplicates: int = 0
    actors_created: int = 0
    batches: int = 0
    skipped: List[str] = field(default_factory=list)


@dataclass
class UpsertResult:
    """How many actors ``upsert_actors`` created and how many it replaced."""

    created: int = 0
    updated: int = 0


# ---------------------------------------------------------------------------------------
# List results


class ActorList(Records):
    """Actors, in id order. ``to_pandas()``: one row per actor (roles left out)."""

    _item = Actor


class CandidateList(Records):
    """Resolution candidates, best first. ``to_pandas()``: actor, name, kind, score, matched."""

    _item = Candidate


class RelationList(Records):
    """Relation observations, newest first.

    ``to_pandas()`` flattens each relation with its evidence (doc, url, sentence, begin,
    end) and parses ``date``; ``to_networkx()`` aggregates them into a graph.
    """

    _item = Relation
    _dates = ("date",)

    def to_networkx(self, directed: bool = True):
        """A :class:`networkx.DiGraph` (or ``Graph`` when ``directed=False``) of actors.

        One edge per actor pair (per direction when directed) aggregating its observations:
        ``weight`` (sum of signed weights), ``sign`` (of that sum), ``count``, ``kind``
        (the most frequent kind), ``kinds`` (comma-separated), ``first_seen``,
        ``last_seen``. Nodes carry ``name`` and ``country`` as read.
        """
        nx = _networkx()
        g = nx.DiGraph() if directed else nx.Graph()
        groups: Dict[tuple, List[Relation]] = {}
        for r in self:
            g.add_node(r.source, name=r.source_name or r.source, country=r.source_country)
            g.add_node(r.target, name=r.target_name or r.target, country=r.target_country)
            key = (r.source, r.target) if directed else tuple(sorted((r.source, r.target)))
            groups.setdefault(key, []).append(r)
        for (s, t), rels in groups.items():
            g.add_edge(s, t, **_aggregate(rels))
        return g


def _aggregate(rels: List[Relation]) -> Dict[str, Any]:
    """Scalar edge attributes for a group of observations between two actors."""
    weight = sum(r.weight for r in rels)
    dates = sorted(r.date for r in rels if r.date)
    return {"kind": _dominant_kind(rels, _sign(weight)) or "",
            "kinds": ",".join(sorted({r.kind for r in rels})), "sign": _sign(weight),
            "weight": weight, "count": len(rels),
            "first_seen": dates[0] if dates else "", "last_seen": dates[-1] if dates else ""}


class PathList(Records):
    """Paths, cheapest first. ``truncated`` is True when a limit cut the answer.

    ``to_pandas()``: one row per path (``path`` as text, hops, sign, cost);
    ``to_networkx()``: the union of the paths' edges as a DiGraph.
    """

    _item = Path

    def __init__(self, paths: Iterable[Path] = (), truncated: bool = False):
        super().__init__(paths)
        self.truncated = truncated

    def to_networkx(self):
        """A :class:`networkx.DiGraph` of every edge on the paths, in its real direction.

        Edge attributes as :meth:`Edge.attributes`; nodes carry ``paths``, the number of
        paths through them.
        """
        nx = _networkx()
        g = nx.DiGraph()
        through = Counter(a for p in self for a in set(p.actors))
        g.add_nodes_from((a, {"paths": n}) for a, n in through.items())
        for p in self:
            for e in p.edges:
                g.add_edge(e.source, e.target, **e.attributes())
        return g


# ---------------------------------------------------------------------------------------
# Analytics


@dataclass
class KindTotal:
    """Count and (decayed) signed weight of one relation kind between two actors."""

    kind: str
    count: int
    weight: float


@dataclass
class Stance:
    """The signed stance between ``a`` and ``b``: > 0 friendly, < 0 hostile.

    ``positive`` and ``negative`` (<= 0) split ``score``; ``by_kind`` breaks it down;
    ``evidence`` holds the strongest observations, newest first.
    """

    a: str
    b: str
    score: float
    positive: float
    negative: float
    count: int
    by_kind: List[KindTotal]
    first_seen: Optional[str]
    last_seen: Optional[str]
    evidence: RelationList

    @classmethod
    def from_pb(cls, m) -> "Stance":
        return cls(m.a, m.b, m.score, m.positive, m.negative, m.count,
                   [KindTotal(_enum_name(pb.RelationKind, k.kind), k.count, k.weight)
                    for k in m.by_kind],
                   _date(m.first_seen), _date(m.last_seen),
                   RelationList(Relation.from_pb(r) for r in m.evidence))


@dataclass
class TimelinePoint(_Row):
    """The stance within one bucket [start, end], and its running sum ``cumulative``."""

    start: str
    end: str
    score: float
    positive: float
    negative: float
    count: int
    cumulative: float

    @classmethod
    def from_pb(cls, m) -> "TimelinePoint":
        return cls(m.start, m.end, m.score, m.positive, m.negative, m.count, m.cumulative)


class Timeline(Records):
    """Consecutive buckets of the stance between ``a`` and ``b``, oldest first.

    ``to_pandas()``: one row per bucket, ``start``/``end`` as datetime64 — ready for
    ``df.plot(x="start", y="score")``.
    """

    _item = TimelinePoint
    _dates = ("start", "end")

    def __init__(self, points: Iterable[TimelinePoint] = (), a: str = "", b: str = ""):
        super().__init__(points)
        self.a = a
        self.b = b


@dataclass
class BlocMember(_Row):
    """An actor in a bloc; ``attachment`` in [-1, 1] says how firmly (higher is firmer)."""

    actor: str
    name: str
    attachment: float


@dataclass
class Bloc:
    """A group of actors on the same side; members firmest first."""

    index: int
    members: List[BlocMember]
    internal_positive: float
    internal_negative: float

    @classmethod
    def from_pb(cls, m) -> "Bloc":
        return cls(m.index, [BlocMember(x.actor, x.name, x.attachment) for x in m.members],
                   m.internal_positive, m.internal_negative)

    @property
    def actors(self) -> List[str]:
        """Member actor ids, firmest first."""
        return [m.actor for m in self.members]


@dataclass
class TensionEdge:
    """A stance that goes against the partition.

    ``within_bloc`` True: a hostile stance inside one bloc (Haftar rejecting a ceasefire his
    backers called for); False: a friendly stance across blocs. ``evidence``: the
    observations behind it, strongest first.
    """

    source: str
    target: str
    stance: float
    within_bloc: bool
    source_bloc: int
    target_bloc: int
    evidence: RelationList

    @classmethod
    def from_pb(cls, m) -> "TensionEdge":
        return cls(m.source, m.target, m.stance, m.within_bloc, m.source_bloc, m.target_bloc,
                   RelationList(Relation.from_pb(r) for r in m.evidence))

    @property
    def kind(self) -> Optional[str]:
        """The dominant relation kind of the evidence, or None without any."""
        return _dominant_kind(self.evidence, _sign(self.stance))


@dataclass
class Alliances:
    """Blocs by structural balance, largest first, with the tensions that frustrate them.

    ``frustration`` is the sum of |stance| over tension edges and ``frustration_index`` its
    share of the total |stance| (0 = perfectly balanced). ``method`` is ``"exact"`` or
    ``"local-search"``; ``optimal`` is True when the partition is proven optimal.
    """

    blocs: List[Bloc]
    frustration: float
    frustration_index: float
    tensions: List[TensionEdge]
    method: str
    optimal: bool
    truncated: bool

    @classmethod
    def from_pb(cls, m) -> "Alliances":
        return cls([Bloc.from_pb(b) for b in m.blocs], m.frustration, m.frustration_index,
                   [TensionEdge.from_pb(t) for t in m.tensions], m.method, m.optimal,
                   m.truncated)

    def bloc_of(self, actor: str) -> Optional[int]:
        """The index of the bloc holding ``actor`` (an id), or None."""
        for b in self.blocs:
            if actor in b.actors:
                return b.index
        return None

    def groups(self) -> List[set]:
        """The blocs as sets of actor ids, largest first."""
        return [set(b.actors) for b in self.blocs]

    def to_pandas(self):
        """One row per bloc member: bloc, actor, name, attachment."""
        pd = _pandas()
        rows = [{"bloc": b.index, **m.row()} for b in self.blocs for m in b.members]
        return pd.DataFrame(rows, columns=["bloc"] + BlocMember.columns())

    def to_networkx(self, relations: Optional[Iterable[Relation]] = None):
        """An undirected :class:`networkx.Graph` of the blocs.

        Nodes: every member, with ``bloc``, ``name`` and ``attachment``. Edges: the
        tension edges (``tension=True``, ``within_bloc``, ``stance``, ``weight`` = stance,
        ``sign``, ``kind``) and, when ``relations`` are given, every other pair of members
        they connect, aggregated as in :meth:`RelationList.to_networkx` with
        ``tension=False``.
        """
        nx = _networkx()
        g = nx.Graph()
        for b in self.blocs:
            for m in b.members:
                g.add_node(m.actor, bloc=b.index, name=m.name, attachment=m.attachment)
        if relations is not None:
            inside = [r for r in relations if r.source in g and r.target in g
                      and r.source != r.target]
            for s, t, attrs in RelationList(inside).to_networkx(directed=False).edges(data=True):
                same = g.nodes[s]["bloc"] == g.nodes[t]["bloc"]
                g.add_edge(s, t, tension=False, within_bloc=same, stance=attrs["weight"], **attrs)
        for t in self.tensions:
            g.add_edge(t.source, t.target, tension=True, within_bloc=t.within_bloc,
                       stance=t.stance, weight=t.stance, sign=_sign(t.stance),
                       kind=t.kind or "", count=len(t.evidence))
        return g


@dataclass
class Affinity(_Row):
    """An ally (score > 0) or adversary (score < 0) of an actor, with the reason.

    ``direct`` is True when it rests on a direct stance, False when inferred through
    balance (a friend's friend, an enemy's enemy); ``explanation`` is the path of relations
    that explains it.
    """

    actor: str
    name: str
    score: float
    direct: bool
    explanation: Optional[Path]

    _nested = ("explanation",)

    @classmethod
    def from_pb(cls, m) -> "Affinity":
        return cls(m.actor, m.name, m.score, m.direct,
                   Path.from_pb(m.explanation) if m.HasField("explanation") else None)

    @classmethod
    def columns(cls) -> List[str]:
        return cls._scalars() + ["why"]

    def row(self) -> Dict[str, Any]:
        return {**super().row(), "why": str(self.explanation) if self.explanation else ""}


@dataclass
class AlliesAndAdversaries:
    """Allies and adversaries of ``actor``, strongest first, each explained."""

    actor: str
    allies: List[Affinity]
    adversaries: List[Affinity]

    @classmethod
    def from_pb(cls, m) -> "AlliesAndAdversaries":
        return cls(m.actor, [Affinity.from_pb(a) for a in m.allies],
                   [Affinity.from_pb(a) for a in m.adversaries])

    def to_pandas(self):
        """One row per entry: side (``"ally"``/``"adversary"``), actor, name, score,
        direct, why (the explaining path as text)."""
        pd = _pandas()
        rows = [{"side": side, **a.row()}
                for side, items in (("ally", self.allies), ("adversary", self.adversaries))
                for a in items]
        return pd.DataFrame(rows, columns=["side"] + Affinity.columns())


@dataclass
class Node(_Row):
    """A node of a neighbourhood: actor, name, kind, hops from the ego, degree, country."""

    actor: str
    name: str
    kind: str
    depth: int
    degree: int
    country: str

    @classmethod
    def from_pb(cls, m) -> "Node":
        return cls(m.actor, m.name, _enum_name(pb.ActorKind, m.kind), m.depth, m.degree,
                   m.country)


class NodeList(Records):
    """Neighbourhood nodes, ego first."""

    _item = Node


@dataclass
class Neighborhood:
    """The ego network of an actor: nodes (ego first) and the directed edges among them.

    ``truncated`` is True when ``max_nodes`` cut it.
    """

    nodes: "NodeList"
    edges: List[Edge]
    truncated: bool

    @classmethod
    def from_pb(cls, m) -> "Neighborhood":
        return cls(NodeList(Node.from_pb(n) for n in m.nodes),
                   [Edge.from_pb(e) for e in m.edges], m.truncated)

    def to_pandas(self):
        """The nodes table: actor, name, kind, depth, degree, country."""
        return self.nodes.to_pandas()

    def to_networkx(self):
        """A :class:`networkx.DiGraph`: nodes with name, kind, depth, degree, country;
        edges with the attributes of :meth:`Edge.attributes`."""
        nx = _networkx()
        g = nx.DiGraph()
        for n in self.nodes:
            g.add_node(n.actor, **{k: v for k, v in n.row().items() if k != "actor"})
        for e in self.edges:
            g.add_edge(e.source, e.target, **e.attributes())
        return g


@dataclass
class RankedActor(_Row):
    """An actor's place in a ranking (1-based ``rank``, highest ``score`` first)."""

    rank: int
    actor: str
    name: str
    score: float


class Ranking(Records):
    """Actors ranked by a centrality measure; ``method`` says which ("pagerank", ...)."""

    _item = RankedActor

    def __init__(self, actors: Iterable[RankedActor] = (), method: str = ""):
        super().__init__(actors)
        self.method = method


@dataclass
class ActorBalance(_Row):
    """Balanced and unbalanced signed triangles an actor belongs to."""

    actor: str
    balanced: int
    unbalanced: int


class BalanceList(Records):
    """Per-actor triangle counts, most unbalanced first."""

    _item = ActorBalance


@dataclass
class Balance:
    """Signed triangles of the stance graph: balanced (even number of negative edges) and
    unbalanced (odd); ``ratio`` = balanced / all (1 with no triangle); ``actors`` per actor."""

    balanced: int
    unbalanced: int
    ratio: float
    actors: BalanceList

    @classmethod
    def from_pb(cls, m) -> "Balance":
        return cls(m.balanced, m.unbalanced, m.ratio,
                   BalanceList(ActorBalance(a.actor, a.balanced, a.unbalanced)
                               for a in m.actors))

    def to_pandas(self):
        """The per-actor table: actor, balanced, unbalanced."""
        return self.actors.to_pandas()
