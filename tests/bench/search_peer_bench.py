"""Exact top-N search peers of `submit/bench recall`, same shape as its join.

faiss IndexFlatL2 (what pytorch-NetVlad searches with), PyTorch matmul + top-k over blocks of the
database, and the bare matmul of the whole product, on THREADS threads. Descriptors are random
uniform values in [-0.5, 0.5); the peers' answers are not compared (the join is checked by tests).
Prints one line: RESULT faiss_s=... torch_topk_s=... torch_gemm_s=... (best of REPEATS) and
the versions on stderr.
Usage: python3 search_peer_bench.py QUERIES DATABASE DIMS N THREADS [REPEATS]
"""
import sys
import time

import numpy as np

queries, database, dims, n, threads = (int(a) for a in sys.argv[1:6])
repeats = int(sys.argv[6]) if len(sys.argv) > 6 else 2
rng = np.random.default_rng(7)
q = rng.random((queries, dims), dtype=np.float32) - 0.5
CHUNK = 16384


def database_chunks():
    """The database in chunks, so that only one copy of it is ever held (250,000 x 4,096 floats are 4 GB)."""
    for start in range(0, database, CHUNK):
        yield rng.random((min(CHUNK, database - start), dims), dtype=np.float32) - 0.5


def best(run):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return min(times)


results = {}
x = None
try:
    import faiss

    faiss.omp_set_num_threads(threads)
    index = faiss.IndexFlatL2(dims)
    for chunk in database_chunks():
        index.add(chunk)
    results["faiss_s"] = best(lambda: index.search(q, n))
    x = faiss.rev_swig_ptr(index.get_xb(), database * dims).reshape(database, dims)  # the index's own rows, no copy
    print("faiss", faiss.__version__, file=sys.stderr)
except ImportError:
    print("faiss: not installed", file=sys.stderr)
try:
    import torch

    torch.set_num_threads(threads)
    if x is None:
        x = np.concatenate(list(database_chunks()))
    tq, tx = torch.from_numpy(q), torch.from_numpy(x)
    block = 8192

    def torch_topk():
        qn = (tq * tq).sum(1, keepdim=True)
        found = []
        for start in range(0, database, block):
            xb = tx[start:start + block]
            d2 = qn + (xb * xb).sum(1) - 2 * tq @ xb.T
            found.append(torch.topk(d2, min(n, xb.shape[0]), dim=1, largest=False))
        return found

    results["torch_topk_s"] = best(torch_topk)
    results["torch_gemm_s"] = best(lambda: tq @ tx.T)
    print("torch", torch.__version__, torch.backends.cpu.get_cpu_capability(), file=sys.stderr)
except ImportError:
    print("torch: not installed", file=sys.stderr)
print("RESULT " + " ".join(f"{k}={v:.4f}" for k, v in results.items()))
