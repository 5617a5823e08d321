#!/usr/bin/python3
"""Side-by-side frustration and time: actorgraph's partitioner against signed Leiden (CPM at
resolution 0, python3-leidenalg) and igraph's spinglass with negative links (python3-igraph),
on the same synthetic planted-bloc stance graphs.

CPM at resolution 0 maximises the weight inside communities, which is the same as
minimising frustration (positive weight across plus |negative| weight within). Spinglass is
quadratic and is run on the small graph only.

Usage (Debian's python, which has the packages):
  /usr/bin/python3 benchmarks/compare_peers.py build-bench/bin/actorgraph_alliance_peers
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import igraph
import leidenalg


def frustration(edges, membership):
    f = 0.0
    for u, v, w in edges:
        same = membership[u] == membership[v]
        if same and w < 0:
            f -= w
        elif not same and w > 0:
            f += w
    return f


def load(path):
    edges = []
    with open(path) as f:
        for line in f:
            u, v, w = line.split()
            edges.append((int(u), int(v), float(w)))
    return edges


def run(binary, actors, relations, spinglass):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "edges.txt")
        ours = subprocess.run([binary, str(actors), str(relations), path], check=True,
                              capture_output=True, text=True).stdout
        rows = [json.loads(line) for line in ours.splitlines()]
        edges = load(path)
    n = rows[0]["nodes"]
    g = igraph.Graph(n=n, edges=[(u, v) for u, v, _ in edges])
    g.es["weight"] = [w for _, _, w in edges]
    t0 = time.perf_counter()
    part = leidenalg.find_partition(g, leidenalg.CPMVertexPartition, weights="weight",
                                    resolution_parameter=0.0, seed=7)
    rows.append({"method": "leidenalg CPM resolution 0", "nodes": n, "edges": len(edges),
                 "frustration": round(frustration(edges, part.membership), 3),
                 "blocs": len(part), "seconds": round(time.perf_counter() - t0, 3)})
    if spinglass:
        if g.is_connected():
            t0 = time.perf_counter()
            sg = g.community_spinglass(weights="weight", spins=25, implementation="neg",
                                       gamma=1.0, lambda_=1.0)
            rows.append({"method": "igraph spinglass (neg)", "nodes": n, "edges": len(edges),
                         "frustration": round(frustration(edges, sg.membership), 3),
                         "blocs": len(sg), "seconds": round(time.perf_counter() - t0, 3)})
        else:
            rows.append({"method": "igraph spinglass (neg)", "skipped": "graph not connected"})
    return rows


def main():
    binary = sys.argv[1]
    for actors, relations, spinglass in ((1000, 10000, True), (100000, 1000000, False)):
        for row in run(binary, actors, relations, spinglass):
            print(json.dumps(row))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
