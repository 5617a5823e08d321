"""Executes examples/notebooks/libya.ipynb headless against a real demo server.

Fails if any cell fails. Skips only when the notebook tooling (python3-nbclient,
python3-nbformat, python3-ipykernel) is missing, or while the server does not implement the
Analytics RPCs the notebook is about (it turns on by itself once they land).
"""
import os

import pytest

import actorgraph

nbformat = pytest.importorskip("nbformat", reason="python3-nbformat is not installed")
nbclient = pytest.importorskip("nbclient", reason="python3-nbclient is not installed")
pytest.importorskip("ipykernel", reason="python3-ipykernel is not installed")

NOTEBOOK = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "notebooks",
                        "libya.ipynb")


def test_libya_notebook_runs(demo_server, monkeypatch, tmp_path):
    with actorgraph.Client(demo_server.address) as c:
        try:
            c.alliances()
        except actorgraph.Unimplemented as e:
            pytest.skip(f"server does not implement the Analytics RPCs yet: {e}")
    # The kernel inherits this environment: the server address, and PYTHONPATH for the package.
    monkeypatch.setenv("ACTORGRAPH_SERVER", demo_server.address)
    monkeypatch.delenv("ACTORGRAPH_TOKEN", raising=False)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the notebook asks for inline (Agg) plots
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    finally:
        nbformat.write(nb, str(tmp_path / "libya.executed.ipynb"))  # for a look afterwards

    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "every code cell ran"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2, "the stance timeline and the bloc graph are drawn"
    text = "".join(o.get("text", "") for c in code for o in c.outputs)
    assert "russia" in text and "gna" in text
