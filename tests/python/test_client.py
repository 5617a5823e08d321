"""actorgraph.Client against the real server binary, seeded with the bundled demo graph.

Analytics tests skip only while the server answers UNIMPLEMENTED for the Analytics service,
so they turn on by themselves when it lands; any other failure fails.
"""
import contextlib
import datetime
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap

import grpc
import pytest

import actorgraph
from conftest import SERVER_BIN, Server

DEMO_WINDOW = {"since": "2019-01-01", "until": "2020-08-31"}  # the Libyan war in the demo


@pytest.fixture
def client(demo_server):
    with actorgraph.Client(demo_server.address) as c:
        yield c


@contextlib.contextmanager
def analytics():
    """Skips the test while the server does not implement the Analytics RPCs yet."""
    try:
        yield
    except actorgraph.Unimplemented as e:
        pytest.skip(f"server does not implement the Analytics RPCs yet: {e}")


def server_has_flag(flag):
    out = subprocess.run([SERVER_BIN, "--help"], capture_output=True, text=True, timeout=30)
    return flag in out.stdout + out.stderr


# -- actors ----------------------------------------------------------------------------------


def test_actor_by_id_and_alias(client):
    turkey = client.actor("turkey")
    assert isinstance(turkey, actorgraph.Actor)
    assert (turkey.id, turkey.kind, turkey.country) == ("turkey", "STATE", "TUR")
    assert turkey.observation_count > 0
    assert turkey.aliases and all(isinstance(a, str) for a in turkey.aliases)
    assert client.actor(turkey.aliases[0]).id == "turkey"
    erdogan = client.actor("Erdogan")
    assert erdogan.kind == "PERSON"
    assert any(r.target == "turkey" and r.kind == "LEADS" for r in erdogan.roles)


def test_actors_iterates_every_page(client):
    everyone = client.actors()
    assert len(everyone) > 100  # the bundled dictionary
    assert [a.id for a in client.actors(page_size=7)] == [a.id for a in everyone]
    assert [a.id for a in everyone] == sorted(a.id for a in everyone)
    assert len(client.actors(limit=10)) == 10
    assert client.actors(limit=0) == []
    states = client.actors(kind="state")
    assert states and all(a.kind == "STATE" for a in states)
    assert "turkey" in {a.id for a in client.actors(query="turk")}


def test_actors_to_pandas(client):
    df = client.actors(query="libya").to_pandas()
    assert list(df.columns) == ["id", "name", "kind", "country", "aliases", "observation_count"]
    assert len(df) >= 1
    empty = client.actors(query="no actor has this in its name").to_pandas()
    assert empty.empty and list(empty.columns) == list(df.columns)


def test_resolve(client):
    candidates = client.resolve("Erdogan")
    assert candidates[0].actor.id == "erdogan" and candidates[0].score == 1.0
    assert client.resolve("zzzz-nothing-matches") == []
    df = candidates.to_pandas()
    assert list(df.columns) == ["actor", "name", "kind", "score", "matched"]


def test_upsert_actors_creates_then_replaces(client, tmp_path):
    made = client.upsert_actors([
        {"id": "nb-council", "kind": "IGO", "name": "Notebook Council", "aliases": ["NBC"]},
        actorgraph.Actor(id="nb-envoy", name="Notebook Envoy", kind="PERSON", roles=[
            actorgraph.Role(target="nb-council", kind="MEMBER_OF", from_date="2020-01-01")]),
    ])
    assert (made.created, made.updated) == (2, 0)
    assert client.actor("NBC").id == "nb-council"
    envoy = client.actor("nb-envoy")
    assert envoy.roles[0].target == "nb-council" and envoy.roles[0].from_date == "2020-01-01"

    path = tmp_path / "actors.jsonl"
    path.write_text('# a comment\n{"id": "nb-council", "kind": "IGO", "name": "Renamed"}\n')
    again = client.upsert_actors(path)
    assert (again.created, again.updated) == (0, 1)
    assert client.actor("nb-council").name == "Renamed"


def test_upsert_actors_refuses_bad_records_before_sending(client):
    with pytest.raises(actorgraph.InvalidArgument, match=r"actors\[1\]: kind: unknown ActorKind"):
        client.upsert_actors([{"id": "nb-ok", "name": "OK"},
                              {"id": "nb-x", "name": "X", "kind": "CITY"}])
    with pytest.raises(actorgraph.NotFound):
        client.actor("nb-ok")  # nothing was sent
    with pytest.raises(actorgraph.InvalidArgument) as e:
        client.upsert_actors([{"name": "no id"}])  # the server's check names the field
    assert e.value.rpc == "UpsertActors" and "id" in e.value.message


# -- relations and paths ---------------------------------------------------------------------


def test_relations_of_an_actor(client):
    rels = client.relations("haftar")
    assert rels and all(isinstance(r, actorgraph.Relation) for r in rels)
    assert all("haftar" in (r.source, r.target) for r in rels)
    dates = [r.date for r in rels if r.date]
    assert dates == sorted(dates, reverse=True), "newest first"
    assert {"REJECT", "SUPPORT"} <= {r.kind for r in rels}
    assert all(r.evidence.doc and r.evidence.sentence for r in rels)
    assert [r.id for r in client.relations("haftar", page_size=2)] == [r.id for r in rels]
    assert len(client.relations("haftar", limit=3)) == 3


def test_relations_filters(client):
    everything = client.relations()
    assert len(everything) > len(client.relations("haftar"))
    fights = client.relations(kinds="fight")
    assert fights and {r.kind for r in fights} == {"FIGHT"}
    two = client.relations(kinds=["FIGHT", "AID"])
    assert {r.kind for r in two} == {"FIGHT", "AID"}
    assert all(r.sign > 0 for r in client.relations(sign="positive"))
    assert all(r.sign < 0 for r in client.relations(sign="-"))
    window = client.relations(since="2020-01-01", until=datetime.date(2020, 1, 31))
    assert window and all("2020-01-01" <= r.date <= "2020-01-31" for r in window)
    pair = client.relations("haftar", "russia")
    assert pair and all({r.source, r.target} == {"haftar", "russia"} for r in pair)
    doc = pair[0].evidence.doc
    assert all(r.evidence.doc == doc for r in client.relations(doc=doc))


def test_relations_to_pandas_and_networkx(client):
    rels = client.relations("haftar")
    df = rels.to_pandas()
    assert len(df) == len(rels)
    for col in ["id", "date", "source", "target", "kind", "sign", "weight", "doc", "sentence"]:
        assert col in df.columns
    assert str(df["date"].dtype).startswith("datetime64")
    g = rels.to_networkx()
    assert g.is_directed()
    assert sum(d["count"] for _, _, d in g.edges(data=True)) == len(rels)
    for s, t, d in g.edges(data=True):
        assert d["kind"] and d["sign"] in (-1, 0, 1) and isinstance(d["weight"], float)
    assert g.has_edge("haftar", "russia") and g["haftar"]["russia"]["kind"] == "REJECT"
    u = rels.to_networkx(directed=False)
    assert not u.is_directed() and u.number_of_edges() <= g.number_of_edges()


def test_relation_to_dict_round_trips(client):
    rel = client.relations("haftar", limit=1)[0]
    d = rel.to_dict()
    assert d["kind"] == rel.kind and d["doc"] == rel.evidence.doc
    assert json.loads(json.dumps(d)) == d


def test_paths_russia_to_gna(client):
    paths = client.paths("russia", "gna", k=3)
    assert isinstance(paths, actorgraph.PathList) and paths, "Russia and the GNA are connected"
    assert paths.truncated in (True, False)
    costs = [p.cost for p in paths]
    assert costs == sorted(costs)
    for p in paths:
        assert p.actors[0] == "russia" and p.actors[-1] == "gna"
        assert 1 <= p.hops <= 4 and len(p.actors) == p.hops + 1
        assert p.sign in (-1, 1)
        for e in p.edges:
            assert e.relations and e.relations[0].evidence.sentence
            assert e.kind in {r.kind for r in e.relations}
        assert str(p).startswith("russia -") and str(p).endswith(" gna")
    df = paths.to_pandas()
    assert list(df.columns) == ["path", "hops", "sign", "cost"] and len(df) == len(paths)
    g = paths.to_networkx()
    assert "russia" in g and "gna" in g and g.nodes["russia"]["paths"] == len(paths)


def test_paths_options(client):
    assert client.paths("russia", "gna", k=5, max_hops=1) == []  # no direct relation
    for p in client.paths("russia", "gna", k=5, path_sign=-1):
        assert p.sign == -1
    for p in client.paths("russia", "gna", k=5, directed=True):
        assert not any(e.reversed for e in p.edges)
    support = client.paths("russia", "haftar", sign="positive")
    assert support and all(e.sign > 0 for p in support for e in p.edges)
    recency = client.paths("russia", "gna", cost="confidence_recency", max_evidence=1)
    assert recency and all(len(e.relations) <= 1 for e in recency[0].edges)


# -- writing ---------------------------------------------------------------------------------


def test_load_dicts_then_again_is_idempotent(client):
    records = [
        {"source": "nb-a", "source_name": "Notebook A", "target": "nb-b", "kind": "COOPERATE",
         "date": "2021-03-04", "doc": "nb", "sentence": "A and B signed a pact.",
         "span": [0, 22]},
        {"source_name": "Notebook C", "target": "nb-a", "kind": "criticize", "date": "2021-03-05",
         "doc": "nb", "sentence": "C condemned A."},
    ]
    first = client.load(records, batch_size=1)
    assert (first.inserted, first.duplicates, first.actors_created, first.batches) == (2, 0, 3, 2)
    second = client.load(records)
    assert (second.inserted, second.duplicates) == (0, 2)
    rels = client.relations("nb-a")
    assert {r.kind for r in rels} == {"COOPERATE", "CRITICIZE"}
    assert client.actor("Notebook C").id == "notebook-c"
    third = client.load(rels)  # Relation objects round-trip with their ids
    assert (third.inserted, third.duplicates) == (0, 2)


def test_load_the_demo_file_again_changes_nothing(client):
    """The client sends a JSONL file exactly as the server reads it: same ids."""
    demo = os.environ.get("ACTORGRAPH_DEMO_RELATIONS")
    if not demo or not os.path.exists(demo):
        pytest.skip("ACTORGRAPH_DEMO_RELATIONS is not set (ctest sets it)")
    with open(demo) as f:
        lines = sum(1 for line in f if line.strip())
    result = client.load(demo, batch_size=10)
    assert (result.inserted, result.duplicates, result.actors_created) == (0, lines, 0)


def test_load_stops_at_a_bad_record_and_names_it(client, tmp_path):
    path = tmp_path / "rels.jsonl"
    good = {"source": "nb-x", "target": "nb-y", "kind": "MEET", "doc": "f", "sentence": "X met Y."}
    path.write_text("\n".join([
        json.dumps(good), "", json.dumps({**good, "kind": "HUG"}),
        json.dumps({**good, "target": "nb-z"})]) + "\n")
    with pytest.raises(actorgraph.InvalidArgument) as e:
        client.load(path)
    assert f"{path}:3: kind: unknown RelationKind 'HUG'" in str(e.value)
    assert e.value.result.inserted == 1  # the record before it
    assert client.relations("nb-x", "nb-y")
    with pytest.raises(actorgraph.NotFound):
        client.actor("nb-z")  # the record after it was not sent

    skipped = client.load(path, skip_invalid=True)
    assert (skipped.inserted, skipped.duplicates) == (1, 1)
    assert len(skipped.skipped) == 1
    assert skipped.skipped[0].startswith(f"{path}:3: kind: unknown RelationKind 'HUG' (one of ")


def test_load_reports_bad_input_naming_it(client, tmp_path):
    with pytest.raises(actorgraph.InvalidArgument, match=r"relations\[0\]: kind: is required"):
        client.load([{"source": "a", "target": "b"}])
    with pytest.raises(actorgraph.InvalidArgument, match=r"relations\[0\]: span: must be"):
        client.load([{"source": "a", "target": "b", "kind": "MEET", "span": [1]}])
    with pytest.raises(actorgraph.InvalidArgument, match=r"relations\[0\]: weight: expected a"):
        client.load([{"source": "a", "target": "b", "kind": "MEET", "weight": "big"}])
    with pytest.raises(actorgraph.InvalidArgument, match="no such file"):
        client.load(tmp_path / "missing.jsonl")
    bad_json = tmp_path / "bad.jsonl"
    bad_json.write_text("{not json\n")
    with pytest.raises(actorgraph.InvalidArgument, match=r"bad.jsonl:1: not JSON"):
        client.load(bad_json)
    # What only the server can judge comes back from it, naming the field.
    with pytest.raises(actorgraph.InvalidArgument) as e:
        client.load([{"source": "a", "target": "b", "kind": "MEET", "date": "2020-13-45"}])
    assert e.value.rpc == "IngestRelations" and "date" in e.value.message


def test_retract_document(client):
    client.load([{"source": "nb-r", "target": "nb-s", "kind": "MEET", "doc": "nb-retract"}])
    try:
        removed = client.retract_document("nb-retract")
    except actorgraph.Unimplemented as e:
        pytest.skip(f"server does not implement RetractDocument yet: {e}")
    assert removed == 1
    assert client.relations(doc="nb-retract") == []


# -- errors and connection -------------------------------------------------------------------


def test_errors_carry_the_status(client):
    with pytest.raises(actorgraph.NotFound) as e:
        client.actor("no-such-actor")
    err = e.value
    assert isinstance(err, actorgraph.Error) and isinstance(err, LookupError)
    assert err.code == grpc.StatusCode.NOT_FOUND and err.rpc == "GetActor"
    assert "no-such-actor" in err.message and str(err).startswith("NOT_FOUND (GetActor): ")
    with pytest.raises(actorgraph.InvalidArgument, match="actor") as e:
        client.actor("")
    assert isinstance(e.value, ValueError)
    with pytest.raises(actorgraph.InvalidArgument, match="page_size"):
        client.actors(page_size=-1)
    with pytest.raises(actorgraph.InvalidArgument, match="max_hops"):
        client.paths("russia", "gna", max_hops=99)
    with pytest.raises(actorgraph.NotFound, match="nowhere-land"):
        client.paths("russia", "nowhere-land")


def test_client_side_errors_name_the_argument(client):
    with pytest.raises(actorgraph.InvalidArgument, match="kinds: unknown RelationKind 'HUG'") as e:
        client.relations(kinds="HUG")
    assert e.value.rpc is None and e.value.code == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(actorgraph.InvalidArgument, match="sign"):
        client.relations(sign="sideways")
    with pytest.raises(actorgraph.InvalidArgument, match="cost"):
        client.paths("russia", "gna", cost="cheapest")
    with pytest.raises(actorgraph.InvalidArgument, match="since"):
        client.relations(since=20200101)
    with pytest.raises(actorgraph.InvalidArgument, match="limit"):
        client.actors(limit=-1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_is_unavailable():
    with actorgraph.Client(f"127.0.0.1:{free_port()}", timeout=5) as c:
        with pytest.raises(actorgraph.Unavailable) as e:
            c.actor("turkey")
    assert e.value.code == grpc.StatusCode.UNAVAILABLE


def test_address_and_token_from_the_environment(monkeypatch, demo_server):
    monkeypatch.setenv("ACTORGRAPH_SERVER", demo_server.address)
    monkeypatch.setenv("ACTORGRAPH_TOKEN", "from-env")
    c = actorgraph.Client()
    assert c.address == demo_server.address
    assert c._metadata == (("authorization", "Bearer from-env"),)
    assert c.actor("turkey").id == "turkey"  # a server without tokens ignores it
    assert actorgraph.Client(token="explicit")._metadata == (("authorization", "Bearer explicit"),)
    monkeypatch.delenv("ACTORGRAPH_SERVER")
    monkeypatch.delenv("ACTORGRAPH_TOKEN")
    assert actorgraph.Client().address == actorgraph.DEFAULT_ADDRESS
    assert actorgraph.Client()._metadata is None


@pytest.fixture
def token_server(tmp_path):
    if not server_has_flag("--token-file"):
        pytest.skip("this actorgraph-server has no --token-file flag yet")
    tokens = tmp_path / "tokens"
    tokens.write_text("".join(
        f"{hashlib.sha256(t.encode()).hexdigest()} {scope} {t}\n"
        for t, scope in (("reader-secret", "read"), ("writer-secret", "write"))))
    s = Server(["--token-file", str(tokens)])
    yield s
    s.stop()


def test_tokens_are_sent_as_bearer_metadata(token_server):
    addr = token_server.address
    with pytest.raises(actorgraph.Unauthenticated):
        actorgraph.Client(addr).actor("turkey")
    with pytest.raises(actorgraph.Unauthenticated):
        actorgraph.Client(addr, token="wrong").actor("turkey")
    reader = actorgraph.Client(addr, token="reader-secret")
    assert reader.actor("turkey").id == "turkey"
    with pytest.raises(actorgraph.PermissionDenied):
        reader.load([{"source": "a", "target": "b", "kind": "MEET"}])
    writer = actorgraph.Client(addr, token="writer-secret")
    assert writer.load([{"source": "a", "target": "b", "kind": "MEET"}]).inserted == 1


def test_tls_with_a_private_ca(tmp_path):
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.skip("openssl is not installed: cannot make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    s = Server(["--tls-cert", str(cert), "--tls-key", str(key)])
    try:
        with actorgraph.Client(s.address, root_certs=str(cert)) as c:
            assert c.actor("turkey").id == "turkey"
        with actorgraph.Client(s.address, root_certs=cert.read_bytes(),
                               server_name="localhost") as c:
            assert c.actor("gna").id == "gna"
        with actorgraph.Client(s.address, timeout=5) as plain:  # no TLS: refused
            with pytest.raises(actorgraph.Unavailable):
                plain.actor("turkey")
    finally:
        s.stop()


# -- analytics -------------------------------------------------------------------------------


def test_stance(client):
    with analytics():
        st = client.stance("russia", "Haftar")
    assert (st.a, st.b) == ("russia", "haftar")
    assert st.count >= 3 and st.positive > 0 and st.negative < 0
    assert st.score == pytest.approx(st.positive + st.negative)
    assert {"AID", "REJECT"} <= {k.kind for k in st.by_kind}
    assert sum(k.count for k in st.by_kind) == st.count
    assert st.evidence and st.first_seen <= st.last_seen
    one_way = client.stance("russia", "haftar", directed=True)
    assert one_way.negative == 0 and one_way.score > 0  # Russia only helped him
    with pytest.raises(actorgraph.NotFound):
        client.stance("russia", "nowhere-land")


def test_timeline(client):
    with analytics():
        tl = client.timeline("egypt", "turkey", bucket="month")
    assert (tl.a, tl.b) == ("egypt", "turkey") and len(tl) >= 2
    assert [p.start for p in tl] == sorted(p.start for p in tl)
    running = 0.0
    for p in tl:
        running += p.score
        assert p.cumulative == pytest.approx(running)
        assert p.start <= p.end and p.start[8:] == "01"
    assert sum(p.count for p in tl) == client.stance("egypt", "turkey").count
    df = tl.to_pandas()
    assert list(df.columns) == [
        "start", "end", "score", "positive", "negative", "count", "cumulative"]
    assert str(df["start"].dtype).startswith("datetime64") and len(df) == len(tl)
    assert len(client.timeline("egypt", "turkey", bucket="year")) <= len(tl)
    with pytest.raises(actorgraph.InvalidArgument, match="bucket"):
        client.timeline("egypt", "turkey", bucket="fortnight")


def test_alliances_find_the_libyan_camps(client):
    with analytics():
        al = client.alliances(seed=1, **DEMO_WINDOW)
    assert al.blocs and al.method in ("exact", "local-search")
    assert 0 <= al.frustration_index <= 1
    haftar_camp = al.bloc_of("russia")
    assert haftar_camp is not None
    for actor in ("egypt", "uae"):
        assert al.bloc_of(actor) == haftar_camp, f"{actor} sides with Russia"
    assert haftar_camp in (al.bloc_of("haftar"), al.bloc_of("lna"))
    assert al.bloc_of("turkey") == al.bloc_of("gna") != haftar_camp
    # Haftar rejected the ceasefire Russia and Turkey called for: a tension in his camp.
    rejection = [t for t in al.tensions if {t.source, t.target} == {"haftar", "russia"}]
    assert rejection, [(t.source, t.target) for t in al.tensions]
    t = rejection[0]
    assert t.within_bloc and t.source_bloc == t.target_bloc == haftar_camp
    assert "REJECT" in {r.kind for r in t.evidence}
    assert al.frustration > 0
    assert client.alliances(seed=1, **DEMO_WINDOW) == al, "deterministic for a seed"


def test_alliances_to_pandas_and_networkx(client):
    with analytics():
        al = client.alliances(seed=1, **DEMO_WINDOW)
    df = al.to_pandas()
    assert list(df.columns) == ["bloc", "actor", "name", "attachment"]
    assert len(df) == sum(len(b.members) for b in al.blocs)
    assert df["attachment"].between(-1, 1).all()
    g = al.to_networkx()
    assert not g.is_directed() and g.number_of_nodes() == len(df)
    assert g.nodes["turkey"]["bloc"] == al.bloc_of("turkey")
    tensions = [(s, t) for s, t, d in g.edges(data=True) if d["tension"]]
    assert len(tensions) == len(al.tensions)
    full = al.to_networkx(relations=client.relations(**DEMO_WINDOW))
    assert full.number_of_edges() > len(tensions)
    for s, t, d in full.edges(data=True):
        assert {"kind", "sign", "weight", "tension", "within_bloc"} <= set(d)
        assert d["within_bloc"] == (full.nodes[s]["bloc"] == full.nodes[t]["bloc"])


def test_alliances_options(client):
    chosen = {"russia", "haftar", "egypt", "turkey", "gna"}
    with analytics():
        two = client.alliances(num_blocs=2, actors=sorted(chosen))
    assert len(two.blocs) <= 2
    assert {m.actor for b in two.blocs for m in b.members} <= chosen
    near = client.alliances(around=["gna"], radius=1, max_tensions=1, max_evidence=1)
    assert len(near.tensions) <= 1 and all(len(t.evidence) <= 1 for t in near.tensions)
    with pytest.raises(actorgraph.InvalidArgument, match="num_blocs"):
        client.alliances(num_blocs=999)


def test_allies_of_turkey_are_explained(client):
    with analytics():
        aa = client.allies("turkey")
    assert aa.actor == "turkey"
    allies = {a.actor: a for a in aa.allies}
    assert "gna" in allies and allies["gna"].direct and allies["gna"].score > 0
    assert {"egypt", "haftar"} & {a.actor for a in aa.adversaries}
    assert all(a.score > 0 for a in aa.allies) and all(a.score < 0 for a in aa.adversaries)
    for a in aa.allies + aa.adversaries:
        assert a.explanation is not None and a.explanation.edges
        assert {a.explanation.actors[0], a.explanation.actors[-1]} == {"turkey", a.actor}
        assert all(e.relations for e in a.explanation.edges)
    df = aa.to_pandas()
    assert list(df.columns) == ["side", "actor", "name", "score", "direct", "why"]
    assert len(df) == len(aa.allies) + len(aa.adversaries) and df["why"].str.len().gt(0).all()
    direct = client.allies("turkey", inferred=False)
    assert all(a.direct for a in direct.allies + direct.adversaries)


def test_neighborhood(client):
    with analytics():
        nb = client.neighborhood("haftar", radius=1)
    assert nb.nodes[0].actor == "haftar" and nb.nodes[0].depth == 0
    assert all(n.depth <= 1 for n in nb.nodes)
    ids = {n.actor for n in nb.nodes}
    assert {"russia", "egypt"} <= ids
    assert all(e.source in ids and e.target in ids for e in nb.edges)
    g = nb.to_networkx()
    assert g.is_directed() and set(g.nodes) == ids and g.number_of_edges() == len(nb.edges)
    assert g.nodes["haftar"]["depth"] == 0 and g.nodes["haftar"]["kind"] == "PERSON"
    assert all("kind" in d and "sign" in d and "weight" in d for _, _, d in g.edges(data=True))
    assert list(nb.to_pandas().columns) == ["actor", "name", "kind", "depth", "degree", "country"]
    small = client.neighborhood("haftar", radius=2, max_nodes=3)
    assert len(small.nodes) <= 3 and small.truncated
    with pytest.raises(actorgraph.InvalidArgument, match="radius"):
        client.neighborhood("haftar", radius=99)


def test_rank(client):
    with analytics():
        pr = client.rank("pagerank")
    assert pr.method == "pagerank" and pr
    assert [r.rank for r in pr] == list(range(1, len(pr) + 1))
    scores = [r.score for r in pr]
    assert scores == sorted(scores, reverse=True)
    df = pr.to_pandas()
    assert list(df.columns) == ["rank", "actor", "name", "score"] and len(df) == len(pr)
    assert len(client.rank("degree", limit=5)) <= 5
    assert client.rank("betweenness").method.startswith("betweenness")
    with pytest.raises(actorgraph.InvalidArgument, match="damping"):
        client.rank("pagerank", damping=1.5)


def test_balance(client):
    with analytics():
        b = client.balance(**DEMO_WINDOW)
    assert b.balanced + b.unbalanced >= 1
    assert b.ratio == pytest.approx(b.balanced / (b.balanced + b.unbalanced))
    df = b.to_pandas()
    assert list(df.columns) == ["actor", "balanced", "unbalanced"] and len(df) == len(b.actors)


# -- packaging -------------------------------------------------------------------------------


def run_python(code, **env):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def test_client_works_without_pandas_and_networkx(demo_server):
    out = run_python("""
        import sys
        sys.modules["pandas"] = sys.modules["networkx"] = None  # as if not installed
        import actorgraph
        rels = actorgraph.Client().relations("haftar")
        assert rels
        try:
            rels.to_pandas()
        except ImportError as e:
            print(e)
    """, ACTORGRAPH_SERVER=demo_server.address)
    assert out.returncode == 0, out.stderr
    assert "apt-get install python3-pandas" in out.stdout


def test_pip_install_from_the_build_tree(tmp_path):
    tree = os.path.dirname(os.path.dirname(actorgraph.__file__))
    if not os.path.exists(os.path.join(tree, "pyproject.toml")):
        pytest.skip(f"{tree} has no pyproject.toml (the build does not copy python/pyproject.toml)")
    if run_python("import pip").returncode != 0:
        pytest.skip("pip is not installed (python3-pip)")
    src = tmp_path / "src"  # a copy, so the build tree stays as the build left it
    shutil.copytree(tree, src, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    out = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps",
                          "--no-build-isolation", "--no-index", "--target",
                          str(tmp_path / "site"), str(src)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    check = run_python("""
        import actorgraph, actorgraph.v1.analytics_pb2_grpc
        print(actorgraph.__file__, actorgraph.__version__)
    """, PYTHONPATH=str(tmp_path / "site"))
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(str(tmp_path / "site"))
