"""The coordination SQL on Apache Spark (`--engine spark`): local mode here, a cluster elsewhere.

`SparkEngine` implements cibgraph.detection.engine's `SqlEngine` over one SparkSession, so the
same statements that DuckDB runs run on Spark: the only dialect change is the parameter marker
(`$name` becomes Spark's named marker `:name`, bound by `spark.sql(..., args=...)`). A table
made by `create` is written as Parquet (a piece; `append` adds another) and read back as a
temporary view: each statement is computed once, the next is planned over stored rows rather
than over every statement before it, and nothing has to fit in memory.

Where Spark runs is the environment's choice:

- `CIBGRAPH_SPARK_MASTER`: the master URL, `local[2]` by default (this process starts a Spark
  driver in a JVM, with `CIBGRAPH_SPARK_THREADS` worker threads, default every core); a
  cluster's URL (`spark://host:7077`, `yarn`, `k8s://...`) sends the work there. The share
  log's folder and the tables' folder must then be readable at the same path by the executors
  (a shared file system).
- `CIBGRAPH_SPARK_TABLES`: where the tables' Parquet goes (the system's temporary folder by
  default); each run's folder is removed when it closes.
- `CIBGRAPH_SPARK_DRIVER_MEMORY` (`1g`): the driver JVM's heap, fixed when it starts.
- `CIBGRAPH_SPARK_PARTITIONS` (`4`): shuffle partitions (Spark's default 200 is for clusters).

One session serves the whole process (a JVM starts once, in about 5-10 s); it stops at exit.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as st

from cibgraph.detection.engine import EDGE_SCHEMA, ident, used_params
from cibgraph.sharelog import SCHEMA as LOG_SCHEMA

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_session: SparkSession | None = None
_local_dir: Path | None = None

_SPARK_TYPES: dict[pa.DataType, st.DataType] = {
    pa.string(): st.StringType(),
    pa.int64(): st.LongType(),
    pa.float64(): st.DoubleType(),
    pa.bool_(): st.BooleanType(),
}


def spark_schema(schema: pa.Schema) -> st.StructType:
    """The Spark struct of an Arrow schema of strings, 64-bit integers, doubles and booleans."""
    return st.StructType(
        [st.StructField(f.name, _SPARK_TYPES[f.type], nullable=True) for f in schema]
    )


def session() -> SparkSession:
    """The process's SparkSession, started on first use from the environment's settings."""
    global _session, _local_dir
    with _lock:
        if _session is None:
            threads = int(os.environ.get("CIBGRAPH_SPARK_THREADS", 0) or os.cpu_count() or 1)
            master = os.environ.get("CIBGRAPH_SPARK_MASTER") or f"local[{threads}]"
            _local_dir = Path(tempfile.mkdtemp(prefix="cibgraph-spark-"))
            builder: Any = SparkSession.builder
            builder = (
                builder.appName("cibgraph-coordination")
                .master(master)
                .config("spark.driver.memory", os.environ.get("CIBGRAPH_SPARK_DRIVER_MEMORY", "1g"))
                .config(
                    "spark.sql.shuffle.partitions", os.environ.get("CIBGRAPH_SPARK_PARTITIONS", "4")
                )
                .config("spark.local.dir", str(_local_dir))
                .config("spark.ui.enabled", "false")  # no web UI port taken on a shared machine
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "UTC")
            )
            if master.startswith("local"):
                builder = builder.config("spark.driver.host", "127.0.0.1").config(
                    "spark.driver.bindAddress", "127.0.0.1"
                )
            _session = builder.getOrCreate()
            _session.sparkContext.setLogLevel("ERROR")
            atexit.register(stop_session)
            logger.info("spark: session on %s (Spark %s)", master, _session.version)
        return _session


def stop_session() -> None:
    """Stop the process's SparkSession (the next `session()` starts another)."""
    global _session, _local_dir
    with _lock:
        if _session is not None:
            _session.stop()
            _session = None
        if _local_dir is not None:
            shutil.rmtree(_local_dir, ignore_errors=True)
            _local_dir = None


def _temp_root() -> str:
    return os.environ.get("CIBGRAPH_SPARK_TABLES") or tempfile.gettempdir()


_MARKER = re.compile(r"\$(\w+)")


def spark_sql(sql: str) -> str:
    """A statement's `$name` parameters as Spark's named markers `:name`."""
    return _MARKER.sub(r":\1", sql)


class SparkEngine:
    """The coordination statements on a SparkSession (see the module docstring)."""

    name = "spark"

    def __init__(self, spark: SparkSession | None = None) -> None:
        self.spark = spark or session()
        self._dir = Path(tempfile.mkdtemp(prefix="tables-", dir=_temp_root()))
        self._views: set[str] = set()

    def _sql(self, sql: str, params: Mapping[str, Any]) -> DataFrame:
        return self.spark.sql(spark_sql(sql), args=used_params(sql, params))

    def _view(self, name: str, df: DataFrame) -> None:
        df.createOrReplaceTempView(ident(name))
        self._views.add(name)

    def register_log(self, path: Path) -> None:
        files = sorted(str(p) for p in path.glob("month=*/*.parquet"))
        schema = spark_schema(LOG_SCHEMA)
        if files:
            df = self.spark.read.schema(schema).parquet(*files).select(*LOG_SCHEMA.names)
        else:
            df = self.spark.createDataFrame([], schema)
        self._view("log", df)

    def register_rows(self, name: str, schema: pa.Schema, rows: Sequence[tuple[Any, ...]]) -> None:
        self._store(name, self.spark.createDataFrame(list(rows), spark_schema(schema)), new=True)

    def _store(self, name: str, df: DataFrame, *, new: bool) -> None:
        """Write `df` as a piece of the table `name` (its first when `new`) and view them all."""
        folder = self._dir / ident(name)
        if new:
            shutil.rmtree(folder, ignore_errors=True)
        df.write.parquet(str(folder / f"piece-{len(list(folder.glob('piece-*')))}"))
        self._view(name, self.spark.read.parquet(*sorted(str(p) for p in folder.glob("piece-*"))))

    def create(self, name: str, sql: str, params: Mapping[str, Any]) -> None:
        self._store(name, self._sql(sql, params), new=True)

    def append(self, name: str, sql: str, params: Mapping[str, Any]) -> None:
        self._store(name, self._sql(sql, params), new=False)

    def rows(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._sql(sql, params).collect()]

    def to_parquet(self, sql: str, params: Mapping[str, Any], path: Path) -> None:
        names = EDGE_SCHEMA.names
        with pq.ParquetWriter(path, EDGE_SCHEMA) as out:
            rows = self.stream(sql, params)
            while chunk := list(itertools.islice(rows, 100_000)):
                columns = list(zip(*chunk, strict=True))
                out.write_table(
                    pa.Table.from_arrays(
                        [
                            pa.array(c, type=EDGE_SCHEMA.field(n).type)
                            for c, n in zip(columns, names, strict=True)
                        ],
                        schema=EDGE_SCHEMA,
                    )
                )

    def stream(self, sql: str, params: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
        # toLocalIterator keeps an ORDER BY's order: it reads the sorted partitions in turn
        for row in self._sql(sql, params).toLocalIterator(prefetchPartitions=True):
            yield tuple(row)

    def close(self) -> None:
        for view in self._views:
            self.spark.catalog.dropTempView(view)
        self._views.clear()
        shutil.rmtree(self._dir, ignore_errors=True)
