#!/usr/bin/python3
"""Side by side, on the same graph, in one run: actorgraph's in-process shortest paths,
PageRank and betweenness against python3-igraph and python3-networkx.

For each size the graph is generated once by tools/synth: `actorgraph-synth --edges-out`
writes its aggregated directed edges (TSV: source target sign weight, weight = sum of
|weight| x confidence, the weight RankActors' PageRank walks) for igraph and networkx, and
`actorgraph_algo_bench` generates the same observations in process, times our algorithms
and prints their answers. This script then times igraph and networkx on the TSV graph and
checks that every answer agrees:
  paths        FindPaths k=1 by hops, undirected, max_hops H, for the same random pairs;
               igraph get_shortest_paths / networkx shortest_path_length (no hop limit):
               equal hop counts, and "none" from us exactly when their distance exceeds H
  pagerank     damping 0.85 on the directed weighted graph, rank of dangling nodes spread
               uniformly (igraph's PRPACK default and ARPACK; networkx with tol 1e-10 / N,
               i.e. the same L1 change of 1e-10 as ours); max |difference| and the top 10
  betweenness  by hops, undirected: exact on the small graph; on the large one from the
               same sampled sources (our BetweennessSources), which python-igraph 0.10.2
               cannot express (its betweenness() has no `sources`), so igraph's C function
               igraph_betweenness_subset is called through ctypes on Debian's libigraph3
               (the same igraph 0.10.2 C core, checked against Graph.betweenness() first);
               networkx betweenness_centrality_subset.
networkx is given a time budget per algorithm and graph (--nx-budget): it runs on as many
pairs / sources as fit and its time is extrapolated to the full count (marked "~").
Loading (TSV -> graph) is timed apart from the algorithms.

Usage (Release build of actorgraph_algo_bench and actorgraph-synth in BIN):
  /usr/bin/python3 benchmarks/compare_igraph.py --bin build-bench/bin \\
      [--sizes 10000:100000,100000:1000000] [--pairs 1000] [--samples 64] [--max-hops 4] \\
      [--zipf 1.0] [--seed 1] [--nx-budget 60] [--json results.json]
"""
import argparse
import ctypes
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings

import igraph
import networkx as nx


# ---- igraph_betweenness_subset through ctypes (python-igraph 0.10.2 lacks `sources`) -------

class _VectorInt(ctypes.Structure):  # igraph_vector_int_t / igraph_vector_t: three pointers
    _fields_ = [("stor_begin", ctypes.c_void_p), ("stor_end", ctypes.c_void_p),
                ("end", ctypes.c_void_p)]


class _VsRange(ctypes.Structure):
    _fields_ = [("start", ctypes.c_int64), ("end", ctypes.c_int64)]


class _VsData(ctypes.Union):
    _fields_ = [("vid", ctypes.c_int64), ("vecptr", ctypes.c_void_p), ("range", _VsRange)]


class _Vs(ctypes.Structure):  # igraph_vs_t (igraph 0.10), passed by value
    _fields_ = [("type", ctypes.c_int), ("data", _VsData)]


class LibIgraph:
    """The few igraph 0.10 C calls needed to run subset betweenness on an edge list."""

    def __init__(self, path="libigraph.so.3"):
        lib = ctypes.CDLL(path)
        self.lib = lib
        lib.igraph_version.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_void_p,
                                       ctypes.c_void_p, ctypes.c_void_p]
        version = ctypes.c_char_p()
        lib.igraph_version(ctypes.byref(version), None, None, None)
        self.version = version.value.decode()
        if not self.version.startswith("0.10."):
            raise RuntimeError(f"libigraph {self.version}: the ctypes layouts need 0.10")
        # Errors are returned as codes (checked below) instead of aborting the process.
        lib.igraph_set_error_handler.restype = ctypes.c_void_p
        lib.igraph_set_error_handler.argtypes = [ctypes.c_void_p]
        lib.igraph_set_error_handler(
            ctypes.cast(lib.igraph_error_handler_printignore, ctypes.c_void_p))
        lib.igraph_betweenness_subset.argtypes = [
            ctypes.c_void_p, ctypes.POINTER(_VectorInt), _Vs, ctypes.c_bool, _Vs, _Vs,
            ctypes.c_void_p]
        lib.igraph_create.argtypes = [ctypes.c_void_p, ctypes.POINTER(_VectorInt),
                                      ctypes.c_int64, ctypes.c_bool]
        for name in ("igraph_vector_int_init", "igraph_vector_init"):
            getattr(lib, name).argtypes = [ctypes.POINTER(_VectorInt), ctypes.c_int64]
        for name in ("igraph_vector_int_destroy", "igraph_vector_destroy"):
            getattr(lib, name).argtypes = [ctypes.POINTER(_VectorInt)]
        lib.igraph_vs_all.argtypes = [ctypes.POINTER(_Vs)]
        lib.igraph_vs_vector.argtypes = [ctypes.POINTER(_Vs), ctypes.POINTER(_VectorInt)]
        lib.igraph_destroy.argtypes = [ctypes.c_void_p]

    def _check(self, code, what):
        if code != 0:
            raise RuntimeError(f"{what} failed with igraph error {code}")

    def _int_vector(self, values):
        v = _VectorInt()
        self._check(self.lib.igraph_vector_int_init(ctypes.byref(v), len(values)), "vector")
        if values:
            data = (ctypes.c_int64 * len(values))(*values)
            ctypes.memmove(v.stor_begin, data, ctypes.sizeof(data))
        return v

    def undirected_graph(self, n, edges):
        """An igraph_t (opaque buffer) over vertices 0..n-1 with undirected `edges`."""
        graph = ctypes.create_string_buffer(1024)  # sizeof(igraph_t) is ~200 bytes in 0.10
        flat = self._int_vector([x for e in edges for x in e])
        self._check(self.lib.igraph_create(graph, ctypes.byref(flat), n, False), "igraph_create")
        self.lib.igraph_vector_int_destroy(ctypes.byref(flat))
        return graph

    def destroy(self, graph):
        self.lib.igraph_destroy(graph)

    def betweenness_subset(self, graph, n, sources):
        """Undirected betweenness of every vertex over paths from `sources` to all vertices."""
        res = _VectorInt()
        self._check(self.lib.igraph_vector_init(ctypes.byref(res), 0), "vector")
        all_vs, source_vs = _Vs(), _Vs()
        self.lib.igraph_vs_all(ctypes.byref(all_vs))
        src = self._int_vector(list(sources))
        self.lib.igraph_vs_vector(ctypes.byref(source_vs), ctypes.byref(src))
        code = self.lib.igraph_betweenness_subset(graph, ctypes.byref(res), all_vs, False,
                                                  source_vs, all_vs, None)
        self._check(code, "igraph_betweenness_subset")
        out = (ctypes.c_double * n).from_address(res.stor_begin)[:]
        self.lib.igraph_vector_destroy(ctypes.byref(res))
        self.lib.igraph_vector_int_destroy(ctypes.byref(src))
        return out


def check_ctypes_binding(lib):
    """The ctypes call with every vertex as a source must equal python-igraph's betweenness."""
    g = igraph.Graph.Erdos_Renyi(n=300, m=1200)
    g.add_edges([(0, 1), (1, 2)])
    g = g.simplify()
    expected = g.betweenness(directed=False)
    handle = lib.undirected_graph(g.vcount(), g.get_edgelist())
    try:
        got = lib.betweenness_subset(handle, g.vcount(), range(g.vcount()))
    finally:
        lib.destroy(handle)
    worst = max(abs(a - b) for a, b in zip(expected, got))
    if worst > 1e-6 * max(1.0, max(expected)):
        raise RuntimeError(f"ctypes igraph_betweenness_subset disagrees ({worst})")


# ---- helpers --------------------------------------------------------------------------------

def timed(fn):
    t0 = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t0


def best_of(repeat, fn):
    best, value = math.inf, None
    for _ in range(repeat):
        value, seconds = timed(fn)
        best = min(best, seconds)
    return value, best


def load_tsv(path):
    names, ids, edges, weights = {}, [], [], []

    def index(actor):
        i = names.get(actor)
        if i is None:
            i = names[actor] = len(ids)
            ids.append(actor)
        return i

    with open(path) as f:
        for line in f:
            source, target, _sign, weight = line.split("\t")
            edges.append((index(source), index(target)))
            weights.append(float(weight))
    return names, ids, edges, weights


def compare_scores(ours, theirs_by_id, scale=1.0):
    """Max absolute and relative difference, ours vs theirs x scale, over every actor."""
    worst_abs, worst_rel = 0.0, 0.0
    top = max(abs(v) for v in ours.values()) or 1.0
    for actor, value in ours.items():
        diff = abs(value - theirs_by_id[actor] * scale)
        worst_abs = max(worst_abs, diff)
        worst_rel = max(worst_rel, diff / top)
    return worst_abs, worst_rel


def top_ids(scores, k=10):
    return [a for a, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


# ---- one graph ------------------------------------------------------------------------------

def run_size(args, lib, actors, observations, tmp):
    synth = [os.path.join(args.bin, "actorgraph-synth"), "--actors", str(actors),
             "--observations", str(observations), "--seed", str(args.seed), "--zipf",
             str(args.zipf)]
    edges_path = os.path.join(tmp, f"edges-{actors}.tsv")
    _, synth_seconds = timed(lambda: subprocess.run(
        synth + ["--no-evidence", "-o", os.devnull, "--edges-out", edges_path], check=True))
    exact = actors <= args.exact_max_actors
    ours_path = os.path.join(tmp, f"ours-{actors}.json")
    bench = [os.path.join(args.bin, "actorgraph_algo_bench")] + synth[1:] + [
        "--pairs", str(args.pairs), "--max-hops", str(args.max_hops), "--samples",
        "0" if exact else str(args.samples), "--repeat", str(args.repeat), "--out", ours_path]
    subprocess.run(bench, check=True)
    with open(ours_path) as f:
        ours = json.load(f)

    rows = []
    info = {"actors": actors, "observations": observations, "synth_seconds": synth_seconds,
            "nodes": ours["graph"]["nodes"], "directed_edges": ours["graph"]["directed_edges"],
            "rows": rows}

    # Loading.
    (names, ids, edges, weights), read_seconds = timed(lambda: load_tsv(edges_path))

    def build_igraph():
        d = igraph.Graph(n=len(ids), edges=edges, directed=True)
        d.es["weight"] = weights
        return d, d.as_undirected(mode="collapse")

    (ig_directed, ig_undirected), ig_build = timed(build_igraph)

    def build_nx():
        d = nx.DiGraph()
        d.add_nodes_from(range(len(ids)))
        d.add_weighted_edges_from((u, v, w) for (u, v), w in zip(edges, weights))
        return d, d.to_undirected(as_view=False)

    (nx_directed, nx_undirected), nx_build = timed(build_nx)
    if ours["graph"]["nodes"] != len(ids) or ours["graph"]["directed_edges"] != len(edges):
        raise RuntimeError("the TSV graph is not the graph actorgraph_algo_bench generated")
    rows.append({"measure": "load", "ours": ours["load_seconds"],
                 "ours_note": "ingest into ActorGraph",
                 "igraph": read_seconds + ig_build, "networkx": read_seconds + nx_build,
                 "note": f"TSV read {read_seconds:.2f} s; ours {ours['activity_seconds']:.3f} s "
                         "more to build the activity CSR (part of every RankActors)"})

    # Shortest paths.
    p = ours["paths"]
    pairs = [(names[a], names[b]) for a, b in p["pairs"]]
    hop_limit = p["max_hops"]

    def igraph_paths():
        out = []
        for s, t in pairs:
            path = ig_undirected.get_shortest_paths(s, to=t, output="vpath")[0]
            out.append(len(path) - 1 if path else -1)
        return out

    ig_hops, ig_paths_seconds = timed(igraph_paths)

    def agree(ours_hops, theirs):
        return all((t != -1 and t <= hop_limit and o == t) or ((t == -1 or t > hop_limit)
                                                               and o == -1)
                   for o, t in zip(ours_hops, theirs))

    nx_hops, start = [], time.perf_counter()
    for s, t in pairs:
        try:
            nx_hops.append(nx.shortest_path_length(nx_undirected, s, t))
        except nx.NetworkXNoPath:
            nx_hops.append(-1)
        if time.perf_counter() - start > args.nx_budget:
            break
    nx_paths_seconds = (time.perf_counter() - start) * len(pairs) / len(nx_hops)
    rows.append({"measure": f"shortest path x{len(pairs)} (k=1, hops, undirected, "
                            f"max_hops {hop_limit})",
                 "ours": p["seconds"], "igraph": ig_paths_seconds, "networkx": nx_paths_seconds,
                 "networkx_extrapolated": len(nx_hops) < len(pairs),
                 "agree": agree(p["hops"], ig_hops) and agree(p["hops"][:len(nx_hops)], nx_hops),
                 "note": f"ours p50 {p['p50_ms']:.3f} ms/query; igraph and networkx calls are "
                         "Python loops (per-call overhead included)"})

    ref = ours["reference_bfs"]
    rows.append({"measure": "shortest path, same pairs: bidirectional BFS on adjacency lists "
                            "(C++ reference in actorgraph_algo_bench, NOT FindPaths)",
                 "ours": ref["seconds"], "igraph": ig_paths_seconds,
                 "networkx": nx_paths_seconds,
                 "networkx_extrapolated": len(nx_hops) < len(pairs),
                 "agree": agree(ref["hops"], ig_hops),
                 "note": f"p50 {ref['p50_ms']:.3f} ms/query: what a k=1 hop query could cost"})

    # PageRank.
    pr = ours["pagerank"]
    ig_pr, ig_pr_seconds = best_of(args.repeat, lambda: ig_directed.pagerank(
        damping=pr["damping"], weights="weight", directed=True))
    ig_arpack, ig_arpack_seconds = best_of(args.repeat, lambda: ig_directed.pagerank(
        damping=pr["damping"], weights="weight", directed=True, implementation="arpack"))
    n = len(ids)
    nx_pr, nx_pr_seconds = timed(lambda: nx.pagerank(
        nx_directed, alpha=pr["damping"], tol=pr["tolerance"] / n,
        max_iter=pr["max_iterations"], weight="weight"))
    ig_by_id = {ids[i]: v for i, v in enumerate(ig_pr)}
    arpack_by_id = {ids[i]: v for i, v in enumerate(ig_arpack)}
    nx_by_id = {ids[i]: v for i, v in nx_pr.items()}
    diffs = {name: compare_scores(pr["values"], by_id)[0]
             for name, by_id in (("prpack", ig_by_id), ("arpack", arpack_by_id),
                                 ("networkx", nx_by_id))}
    tops_equal = all(top_ids(pr["values"]) == top_ids(by_id)
                     for by_id in (ig_by_id, arpack_by_id, nx_by_id))
    pr_ok = tops_equal and max(diffs.values()) < 1e-6
    note = (f"max |diff| vs prpack {diffs['prpack']:.1e}, arpack {diffs['arpack']:.1e}, "
            f"networkx {diffs['networkx']:.1e}; top 10 {'equal' if tops_equal else 'DIFFER'}")
    rows.append({"measure": "PageRank (algorithm only)", "ours": pr["seconds"],
                 "igraph": ig_pr_seconds, "igraph_note": "PRPACK (default)",
                 "networkx": nx_pr_seconds, "agree": pr_ok, "note": note})
    rows.append({"measure": "PageRank (ours: RankActors end to end)",
                 "ours": pr["rank_actors_seconds"], "igraph": ig_pr_seconds,
                 "igraph_note": "PRPACK (default)", "networkx": nx_pr_seconds, "agree": pr_ok,
                 "note": "ours includes building the activity CSR from the observations"})
    rows.append({"measure": "PageRank (algorithm only)", "ours": pr["seconds"],
                 "igraph": ig_arpack_seconds, "igraph_note": "ARPACK", "agree": pr_ok,
                 "note": "igraph's other implementation"})

    # Betweenness.
    b = ours["betweenness"]
    sources = [names[a] for a in b["sources"]]
    if exact:
        ig_b, ig_b_seconds = timed(lambda: ig_undirected.betweenness(directed=False))
        ig_how = "Graph.betweenness()"
    else:
        handle = lib.undirected_graph(n, ig_undirected.get_edgelist())
        try:
            ig_b, ig_b_seconds = timed(lambda: lib.betweenness_subset(handle, n, sources))
        finally:
            lib.destroy(handle)
        ig_how = "igraph_betweenness_subset via ctypes"
    ig_b_by_id = {ids[i]: v for i, v in enumerate(ig_b)}
    b_abs, b_rel = compare_scores(b["values"], ig_b_by_id, b["scale"])
    b_ok = b_rel < 1e-9
    # networkx: as many sources as the budget allows, checked against igraph on those.
    per_source, done, nx_b = 0.0, 0, {}
    start = time.perf_counter()
    while done < len(sources) and time.perf_counter() - start < args.nx_budget:
        chunk = sources[done:done + max(1, min(16, len(sources) - done))]
        part = nx.betweenness_centrality_subset(nx_undirected, chunk, list(range(n)))
        for v, x in part.items():
            nx_b[v] = nx_b.get(v, 0.0) + x
        done += len(chunk)
    nx_b_seconds = (time.perf_counter() - start) * len(sources) / done
    if done == len(sources):
        nx_ok = compare_scores(b["values"], {ids[v]: x for v, x in nx_b.items()},
                               b["scale"])[1] < 1e-9
    else:
        handle = lib.undirected_graph(n, ig_undirected.get_edgelist())
        try:
            ref = lib.betweenness_subset(handle, n, sources[:done])
        finally:
            lib.destroy(handle)
        top = max(abs(x) for x in ref) or 1.0
        nx_ok = max(abs(ref[v] - nx_b.get(v, 0.0)) for v in range(n)) / top < 1e-9
    rows.append({"measure": ("betweenness exact" if exact else
                             f"betweenness, {len(sources)} sampled sources"),
                 "ours": b["seconds_1_thread"], "ours_note": "1 thread",
                 "igraph": ig_b_seconds, "igraph_note": ig_how, "networkx": nx_b_seconds,
                 "networkx_extrapolated": done < len(sources), "agree": b_ok and nx_ok,
                 "note": f"max rel. diff vs igraph {b_rel:.1e}; networkx ran {done} of "
                         f"{len(sources)} sources"
                         + ("" if done == len(sources) else " (checked against igraph on them)")})
    rows.append({"measure": rows[-1]["measure"], "ours": b["seconds_threads"],
                 "ours_note": f"{b['threads']} threads", "igraph": ig_b_seconds,
                 "igraph_note": ig_how + " (1 thread)", "agree": b_ok})
    return info


def fmt_seconds(x):
    if x is None:
        return "-"
    return f"{x * 1e3:.1f} ms" if x < 1 else f"{x:.2f} s"


def print_table(results, nx_budget):
    print()
    print("| graph | measure | ours | igraph | networkx | igraph / ours | networkx / ours "
          "| agree | notes |")
    print("|---|---|---|---|---|---|---|---|---|")
    for info in results:
        graph = (f"{info['actors']:,} actors / {info['observations']:,} obs "
                 f"({info['nodes']:,} nodes, {info['directed_edges']:,} directed edges)")
        for r in info["rows"]:
            nx_time = r.get("networkx")
            approx = "~" if r.get("networkx_extrapolated") else ""
            ours = fmt_seconds(r["ours"]) + (f" ({r['ours_note']})" if r.get("ours_note") else "")
            ig = fmt_seconds(r["igraph"]) + (f" ({r['igraph_note']})"
                                            if r.get("igraph_note") else "")
            print(f"| {graph} | {r['measure']} | {ours} | {ig} | "
                  f"{approx}{fmt_seconds(nx_time)} | {r['igraph'] / r['ours']:.2f}x | "
                  + (f"{approx}{nx_time / r['ours']:.1f}x" if nx_time else "-")
                  + f" | {'-' if 'agree' not in r else ('yes' if r['agree'] else 'NO')} "
                  f"| {r.get('note', '')} |")
    print(f"\nratios > 1: ours faster. networkx: {nx_budget:g} s budget per algorithm and "
          "graph; '~' = extrapolated from the pairs/sources that fit.")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="build-bench/bin")
    ap.add_argument("--sizes", default="10000:100000,100000:1000000",
                    help="comma-separated ACTORS:OBSERVATIONS")
    ap.add_argument("--pairs", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=64,
                    help="betweenness sources on graphs above --exact-max-actors")
    ap.add_argument("--exact-max-actors", type=int, default=10000)
    ap.add_argument("--max-hops", type=int, default=4)
    ap.add_argument("--zipf", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="PageRank runs (best of)")
    ap.add_argument("--nx-budget", type=float, default=60.0)
    ap.add_argument("--json", help="also write all results here")
    args = ap.parse_args()

    # Unreachable pairs are expected (and answered -1); igraph warns about each.
    warnings.filterwarnings("ignore", message="Couldn't reach some vertices")
    lib = LibIgraph()
    check_ctypes_binding(lib)
    print(f"python-igraph {igraph.__version__} (C core {lib.version} via libigraph3 for "
          f"subset betweenness), networkx {nx.__version__}; load average "
          f"{os.getloadavg()[0]:.2f}", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            actors, observations = (int(x) for x in size.split(":"))
            results.append(run_size(args, lib, actors, observations, tmp))
            print(f"done {actors}:{observations}; load average {os.getloadavg()[0]:.2f}",
                  file=sys.stderr, flush=True)
    print_table(results, args.nx_budget)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"load_average": os.getloadavg(), "results": results}, f, indent=1)
    if not all(r.get("agree", True) for info in results for r in info["rows"]):
        print("\nSOME ANSWERS DISAGREE", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
