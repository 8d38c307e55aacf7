"""`enchanted_dataset.parquet`, written with pyarrow one row group at a time.

A Parquet file is readable only once its footer is written, so the campaign writes
`enchanted_dataset.parquet.partial` and renames it at the end; the CSV and `runs.h5`
are the files to watch while it runs. The campaign metadata (config, version, user,
host, levels) travels in the schema's `enchanted` key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from enchanted_surrogates.storage.column_kinds import BOOL, FLOAT, INT, NULL, STR, logical
from enchanted_surrogates.storage.table_writer import TableWriter, require

PARQUET_FILE = "enchanted_dataset.parquet"


class ParquetDataset(TableWriter):
    def __init__(
        self, path: str | Path, *args: Any, metadata: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(path, *args, **kwargs)
        self._pa = require("pyarrow", "parquet", "Parquet output")
        require("pyarrow.parquet", "parquet", "Parquet output")
        self.metadata = dict(metadata or {})
        self._partial = self.path.with_name(self.path.name + ".partial")
        self._writer: Any = None

    def layout(self) -> dict[str, Any]:
        pa = self._pa
        types = {
            NULL: pa.null(),
            BOOL: pa.bool_(),
            INT: pa.int64(),
            FLOAT: pa.float64(),
            STR: pa.string(),
        }
        return {column: types[self.kinds.kind(column)] for column in self.order.columns()}

    def _schema(self, layout: dict[str, Any]) -> Any:
        metadata = {"enchanted": json.dumps(self.metadata)} if self.metadata else None
        return self._pa.schema(list(layout.items()), metadata=metadata)

    def _create(self, layout: dict[str, Any]) -> None:
        self._writer = self._pa.parquet.ParquetWriter(self._partial, self._schema(layout))

    def _table(self, columns: dict[str, list], layout: dict[str, Any]) -> Any:
        arrays = [
            self._pa.array(
                [logical(v, self.kinds.kind(name)) for v in columns[name]], type=arrow_type
            )
            for name, arrow_type in layout.items()
        ]
        return self._pa.Table.from_arrays(arrays, schema=self._schema(layout))

    def _append(self, rows: list[dict[str, Any]], layout: dict[str, Any]) -> None:
        columns = {name: [row.get(name) for row in rows] for name in layout}
        self._writer.write_table(self._table(columns, layout))

    def _rewrite(self, layout: dict[str, Any]) -> None:
        self._writer.close()
        old = self._partial.with_name(self._partial.name + ".old")
        self._partial.replace(old)
        self._create(layout)
        source = self._pa.parquet.ParquetFile(old)
        for index in range(source.num_row_groups):
            group = source.read_row_group(index)
            known = set(group.column_names)
            columns = {
                name: group.column(name).to_pylist() if name in known else [None] * len(group)
                for name in layout
            }
            self._writer.write_table(self._table(columns, layout))
        source.close()
        old.unlink()

    def _discard(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._partial.unlink(missing_ok=True)

    def _finish(self) -> None:
        self._writer.close()
        self._partial.replace(self.path)
