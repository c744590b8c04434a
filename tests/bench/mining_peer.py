"""The mining a user would write in twenty lines instead of mine-tuples: the peer of `submit/bench mining`.

pyarrow reads the Parquet manifest (utm_easting/utm_northing in one zone, role, split), scipy's
cKDTree finds every database image within 25 m of each query, split by split, and pyarrow writes
one row per query with a positive: positives within 10 m nearest first with their distances, the
soft-positive count (10-25 m) and the split's database indices within 25 m (database images
numbered in input order, as panoramas/'s db_index). One thread.
Prints: RESULT read_s=... mine_s=... write_s=... queries_in=... queries_kept=...
pairs_within_positive_radius=... pairs_within_negative_radius=...
Usage: python3 mining_peer.py MANIFEST.parquet OUT_FOLDER
"""
import os
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.spatial import cKDTree

POSITIVE_M, NEGATIVE_M = 10.0, 25.0
manifest, out = sys.argv[1], sys.argv[2]

t0 = time.perf_counter()
table = pq.read_table(manifest, columns=["image_id", "utm_easting", "utm_northing", "role", "split"])
ids = table.column("image_id").to_numpy(zero_copy_only=False)
xy = np.column_stack([table.column("utm_easting").to_numpy(), table.column("utm_northing").to_numpy()])
role = table.column("role").to_numpy(zero_copy_only=False)
split = table.column("split").to_numpy(zero_copy_only=False)
t1 = time.perf_counter()

counts = dict(queries_in=0, queries_kept=0, pairs_within_positive_radius=0, pairs_within_negative_radius=0)
tables = {}
for name in np.unique(split):
    db = np.flatnonzero((split == name) & (role == "database"))
    queries = np.flatnonzero((split == name) & (role == "query"))
    near = cKDTree(xy[db]).query_ball_point(xy[queries], NEGATIVE_M)
    rows = dict(query_id=[], positive_ids=[], positive_distances_m=[], soft_positive_count=[], non_negative_db_indices=[])
    for q, found in zip(queries, near):
        found = np.asarray(found, dtype=np.int64)
        d = np.hypot(*(xy[db[found]] - xy[q]).T)
        order = np.lexsort((found, d))
        found, d = found[order], d[order]
        positive = d <= POSITIVE_M
        counts["queries_in"] += 1
        counts["pairs_within_positive_radius"] += int(positive.sum())
        counts["pairs_within_negative_radius"] += len(found)
        if positive.any():
            counts["queries_kept"] += 1
            rows["query_id"].append(ids[q])
            rows["positive_ids"].append(ids[db[found[positive]]].tolist())
            rows["positive_distances_m"].append(d[positive].tolist())
            rows["soft_positive_count"].append(int((~positive).sum()))
            rows["non_negative_db_indices"].append(np.sort(found).tolist())
    tables[name] = pa.table(rows)
t2 = time.perf_counter()

for name, rows in tables.items():
    os.makedirs(os.path.join(out, name), exist_ok=True)
    pq.write_table(rows, os.path.join(out, name, "part-0.parquet"))
t3 = time.perf_counter()
print("RESULT " + " ".join([f"read_s={t1 - t0:.3f}", f"mine_s={t2 - t1:.3f}", f"write_s={t3 - t2:.3f}"]
                           + [f"{k}={v}" for k, v in counts.items()]))
