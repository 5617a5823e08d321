"""The generated Python stubs (Debian's python3-grpcio) against the real server."""
import grpc
import pytest

from actorgraph.v1 import actorgraph_pb2 as pb
from actorgraph.v1 import actorgraph_pb2_grpc as pb_grpc


def stub_for(server):
    channel = grpc.insecure_channel(server.address)
    grpc.channel_ready_future(channel).result(timeout=30)
    return pb_grpc.ActorGraphStub(channel)


def test_demo_graph_answers_the_readme_questions(demo_server):
    stub = stub_for(demo_server)
    turkey = stub.GetActor(pb.GetActorRequest(actor="turkey"))
    assert turkey.kind == pb.STATE
    assert turkey.country == "TUR"
    assert turkey.observation_count > 0

    # `from` is a Python keyword, so the field is passed by dict.
    paths = stub.FindPaths(pb.FindPathsRequest(**{"from": "russia", "to": "gna", "k": 3}))
    assert paths.paths, "the demo graph must connect Russia and the GNA"
    for p in paths.paths:
        assert p.actors[0] == "russia" and p.actors[-1] == "gna"
        assert 1 <= len(p.edges) <= 4
        for e in p.edges:
            assert e.relations and e.relations[0].evidence.sentence

    rel = stub.ListRelations(pb.ListRelationsRequest(actor="haftar", page_size=50))
    assert rel.total_size > 0
    kinds = {pb.RelationKind.Name(r.kind) for r in rel.relations}
    assert "FIGHT" in kinds


def test_errors_have_canonical_codes(demo_server):
    stub = stub_for(demo_server)
    with pytest.raises(grpc.RpcError) as e:
        stub.GetActor(pb.GetActorRequest(actor="no-such-actor"))
    assert e.value.code() == grpc.StatusCode.NOT_FOUND
    assert "no-such-actor" in e.value.details()
    with pytest.raises(grpc.RpcError) as e:
        stub.GetActor(pb.GetActorRequest(actor=""))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "actor" in e.value.details()
    with pytest.raises(grpc.RpcError) as e:
        stub.ListActors(pb.ListActorsRequest(page_size=-1))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "page_size" in e.value.details()


def test_ingest_from_python_is_idempotent(demo_server):
    stub = stub_for(demo_server)
    rel = pb.Relation(source="notebook-a", source_name="Notebook A", target="notebook-b",
                      kind=pb.COOPERATE, date="2021-03-04",
                      evidence=pb.Evidence(doc="nb", sentence="A and B signed a pact."))
    first = stub.IngestRelations(iter([pb.IngestRelationsRequest(relations=[rel])]))
    assert (first.inserted, first.actors_created) == (1, 2)
    second = stub.IngestRelations(iter([pb.IngestRelationsRequest(relations=[rel])]))
    assert (second.inserted, second.duplicates) == (0, 1)
    a = stub.GetActor(pb.GetActorRequest(actor="Notebook A"))
    assert a.id == "notebook-a"


def test_cli_reads_the_demo_graph(demo_server):
    out = demo_server.cli("actor", "turkey")
    assert out.returncode == 0, out.stderr
    assert "[turkey]" in out.stdout
    out = demo_server.cli("--json", "path", "russia", "gna")
    assert out.returncode == 0, out.stderr
    assert '"paths"' in out.stdout
