#!/usr/bin/python3
"""Runs SQL on DuckDB's C library (the libduckdb.so Vigil uses) through ctypes, for the benchmark scripts.

    bench/duckdb_sql.py sql "SELECT 42"          prints the result rows, tab-separated
    bench/duckdb_sql.py scan FILE                 DuckDB's bare scan of FILE (count(*) and count() of every
                                                  column), as `vigil scan` does; prints rows, columns, seconds

It needs no build of Vigil and no Python duckdb package (there is none here): the library comes from
VIGIL_DUCKDB_LIB, or from tools/fetch-duckdb (which prints the cached path, fetching it once if needed).
"""
import ctypes
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _lib_path():
    p = os.environ.get("VIGIL_DUCKDB_LIB")
    if p:
        return p
    out = subprocess.run([os.path.join(ROOT, "tools", "fetch-duckdb")], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"duckdb_sql: tools/fetch-duckdb failed: {out.stderr.strip()}")
    return out.stdout.strip().splitlines()[-1]


class DuckDb:
    def __init__(self, path=None):
        lib = ctypes.CDLL(_lib_path())
        self.lib = lib
        lib.duckdb_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
        lib.duckdb_connect.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
        lib.duckdb_query.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        lib.duckdb_result_error.argtypes = [ctypes.c_void_p]
        lib.duckdb_result_error.restype = ctypes.c_char_p
        lib.duckdb_row_count.argtypes = [ctypes.c_void_p]
        lib.duckdb_row_count.restype = ctypes.c_uint64
        lib.duckdb_column_count.argtypes = [ctypes.c_void_p]
        lib.duckdb_column_count.restype = ctypes.c_uint64
        lib.duckdb_value_varchar.argtypes = [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64]
        lib.duckdb_value_varchar.restype = ctypes.c_void_p
        lib.duckdb_free.argtypes = [ctypes.c_void_p]
        lib.duckdb_destroy_result.argtypes = [ctypes.c_void_p]
        lib.duckdb_disconnect.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
        lib.duckdb_close.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
        self.db, self.con = ctypes.c_void_p(), ctypes.c_void_p()
        if lib.duckdb_open(path.encode() if path else None, ctypes.byref(self.db)) != 0:
            raise RuntimeError("duckdb_open failed")
        if lib.duckdb_connect(self.db, ctypes.byref(self.con)) != 0:
            raise RuntimeError("duckdb_connect failed")

    def query(self, sql):
        """Runs one statement; returns its rows as lists of strings (None for NULL)."""
        res = ctypes.create_string_buffer(128)  # duckdb_result is 48 bytes
        state = self.lib.duckdb_query(self.con, sql.encode(), res)
        try:
            if state != 0:
                err = self.lib.duckdb_result_error(res)
                raise RuntimeError((err or b"query failed").decode())
            rows, cols = self.lib.duckdb_row_count(res), self.lib.duckdb_column_count(res)
            out = []
            for r in range(rows):
                row = []
                for c in range(cols):
                    p = self.lib.duckdb_value_varchar(res, c, r)
                    if p:
                        row.append(ctypes.string_at(p).decode())
                        self.lib.duckdb_free(p)
                    else:
                        row.append(None)
                out.append(row)
            return out
        finally:
            self.lib.duckdb_destroy_result(res)

    def close(self):
        self.lib.duckdb_disconnect(ctypes.byref(self.con))
        self.lib.duckdb_close(ctypes.byref(self.db))


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def literal(s):
    return "'" + s.replace("'", "''") + "'"


def reader(path):
    p = literal(path)
    return f"read_parquet({p})" if path.endswith(".parquet") else f"read_csv({p})"


def scan(db, path):
    cols = [r[0] for r in db.query(f"DESCRIBE SELECT * FROM {reader(path)}")]
    counts = ", ".join(f"count({quote(c)})" for c in cols)
    rows = db.query(f"SELECT count(*), {counts} FROM {reader(path)}")
    return int(rows[0][0]), len(cols)


def main(argv):
    if len(argv) != 2 or argv[0] not in ("sql", "scan"):
        sys.exit(__doc__)
    t0 = time.perf_counter()
    db = DuckDb()
    if argv[0] == "sql":
        for row in db.query(argv[1]):
            print("\t".join("NULL" if v is None else v for v in row))
    else:
        n, c = scan(db, argv[1])
        print(f"{n} rows, {c} columns, {time.perf_counter() - t0:.3f} s")
    db.close()


if __name__ == "__main__":
    main(sys.argv[1:])
