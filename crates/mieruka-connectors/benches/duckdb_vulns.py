"""The same summary as mieruka-connectors' vulns module, in DuckDB, for the benchmark.

Usage: python3 duckdb_vulns.py FILE  -> prints {"seconds": ..., "groups": [...]} as JSON.
"""
import json
import sys
import time

import duckdb

SQL = """
WITH f AS (
  SELECT business_unit, lower(severity) AS severity,
         epoch(started_at) - epoch(published_at) AS to_start,
         epoch(resolved_at) - epoch(started_at) AS to_resolve,
         epoch(resolved_at) - epoch(detected_at) AS to_close
  FROM read_csv(?, header = true, columns = {
    'finding_id': 'VARCHAR', 'asset_id': 'VARCHAR', 'business_unit': 'VARCHAR',
    'severity': 'VARCHAR', 'published_at': 'TIMESTAMPTZ', 'detected_at': 'TIMESTAMPTZ',
    'started_at': 'TIMESTAMPTZ', 'resolved_at': 'TIMESTAMPTZ'})
)
SELECT business_unit, severity, count(*) AS findings,
       count(to_start) AS started,
       avg(to_start / 3600.0) AS mean_hours_to_start,
       quantile_cont(to_start / 3600.0, 0.9) AS p90_hours_to_start,
       count(to_resolve) AS resolved,
       avg(to_resolve / 3600.0) AS mean_hours_to_resolve,
       quantile_cont(to_resolve / 3600.0, 0.9) AS p90_hours_to_resolve,
       CASE severity
         WHEN 'critical' THEN avg(CASE WHEN to_close <= 7 * 86400 THEN 1.0 ELSE 0.0 END)
         WHEN 'high' THEN avg(CASE WHEN to_close <= 30 * 86400 THEN 1.0 ELSE 0.0 END)
       END AS sla_share
FROM f
GROUP BY business_unit, severity
ORDER BY business_unit, severity
"""

con = duckdb.connect()
t0 = time.perf_counter()
cur = con.execute(SQL, [sys.argv[1]])
cols = [d[0] for d in cur.description]
rows = cur.fetchall()
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "groups": [dict(zip(cols, r)) for r in rows]}))
