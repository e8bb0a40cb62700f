"""`kgtwin query` on a big result: time and peak memory, next to the bare driver.

Issue 15 measured the old `kgtwin query` (every row held in a DataFrame before printing)
at 120 s and 1.9 GB for 5M rows. Now rows stream (and a read is first planned with
EXPLAIN); this prints, for N rows of ``UNWIND range(1, N) AS i RETURN i, [i] AS l``,

* the whole ``kgtwin query --limit 0 --format csv`` process, output to /dev/null, and
* the bare neo4j driver in a process of its own, iterating the same rows in a READ
  transaction and writing nothing (the floor any client has),

each with wall time and peak RSS. It only reads, so any server will do:

    NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=... python benchmarks/query_stream.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

QUERY = "UNWIND range(1, $n) AS i RETURN i, [i] AS l"
BARE = """
import os, sys
from neo4j import GraphDatabase, READ_ACCESS
auth = (os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"])
with GraphDatabase.driver(os.environ["NEO4J_URI"], auth=auth) as driver:
    with driver.session(default_access_mode=READ_ACCESS) as session:
        with session.begin_transaction() as tx:
            count = sum(1 for _ in tx.run(sys.argv[1], {"n": int(sys.argv[2])}))
print(count)
"""


KGTWIN = str(Path(sys.executable).with_name("kgtwin"))


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a child process (GNU time)."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    return wall, int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    if "NEO4J_URI" not in os.environ or "NEO4J_PASSWORD" not in os.environ:
        sys.exit("set NEO4J_URI and NEO4J_PASSWORD (a read-only query is run)")
    print(f"{'rows':>10}  {'kgtwin query':>22}  {'bare driver':>22}")
    for rows in args.rows:
        cypher = QUERY.replace("$n", str(rows))
        ours = timed([KGTWIN, "query", cypher, "--limit", "0", "--format", "csv"])
        bare = timed([sys.executable, "-c", BARE, QUERY, str(rows)])
        print(f"{rows:>10,}  {ours[0]:>8.1f} s {ours[1]:>8.0f} MB  "
              f"{bare[0]:>8.1f} s {bare[1]:>8.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
