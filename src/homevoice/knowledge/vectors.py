"""Passage vectors in Milvus: Milvus Lite in a local folder by default, or a Milvus server.

Each row is a passage id (the primary key), its source's key (so a source's rows can be dropped
whatever ids they had), its script (the ranking searches each script on its own) and its unit
vector; the metric is cosine.
Milvus Lite serves its folder from this process and locks it (``LOCK`` inside): a second process
gets a ``ConnectionConfigException`` ("Open local milvus failed") from pymilvus, which is
reported as ``index_busy``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
from pymilvus import DataType, MilvusClient, MilvusException  # type: ignore[import-untyped, unused-ignore]
from pymilvus.exceptions import ConnectionConfigException  # type: ignore[import-untyped, unused-ignore]

from homevoice.engines.embed.base import Vectors
from homevoice.knowledge.model import KnowledgeError
from homevoice.knowledge.process_lock import busy_error, locked_elsewhere

logger = logging.getLogger(__name__)

COLLECTION: Final = "homevoice_passages"
_ID_CHARS: Final = 64
_INSERT_ROWS: Final = 512


class VectorStore:
    def __init__(self, uri: str, token: str | None = None) -> None:
        self.uri = uri
        self._lite = uri.endswith(".db") and "://" not in uri
        if self._lite and locked_elsewhere(Path(uri) / "LOCK"):
            raise busy_error(str(Path(uri).parent))
        try:
            # Milvus Lite's in-process server refuses pings between calls ("too_many_pings" on
            # stderr after every idle minute, such as a long embedding), so none are sent to it.
            options = {"grpc.keepalive_permit_without_calls": 0} if self._lite else {}
            self._client = MilvusClient(uri=uri, token=token or "", grpc_options=options)
        except ConnectionConfigException as error:
            if self._lite and locked_elsewhere(Path(uri) / "LOCK"):
                raise busy_error(str(Path(uri).parent)) from None
            raise KnowledgeError(
                f"Cannot open the vector store at {uri}: {error.message}. "
                + (
                    "Check that the data dir is writable."
                    if self._lite
                    else "Check HOMEVOICE_RAG__MILVUS_URI, HOMEVOICE_RAG__MILVUS_TOKEN and that Milvus is running."
                ),
                code="index_unavailable",
            ) from None
        self.dimension: int | None = None
        if self._client.has_collection(COLLECTION):
            self.dimension = self._collection_dimension()
            self._client.load_collection(COLLECTION)  # a reopened Milvus Lite collection starts released

    def _collection_dimension(self) -> int | None:
        for field in self._client.describe_collection(COLLECTION).get("fields", []):
            if field.get("name") == "vector":
                return int(field.get("params", {}).get("dim", 0)) or None
        return None

    def close(self) -> None:
        self._client.close()
        if self._lite:
            # pymilvus keeps the Milvus Lite server (and its lock) until exit; another process may want it.
            from milvus_lite.server_manager import (  # type: ignore[import-untyped, unused-ignore]
                server_manager_instance,
            )

            server_manager_instance.release_server(self.uri)

    def create(self, dimension: int) -> None:
        """A fresh, empty collection for vectors of ``dimension`` (an old one is dropped)."""
        self.drop()
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=_ID_CHARS)
        schema.add_field("source", DataType.VARCHAR, max_length=_ID_CHARS)
        schema.add_field("script", DataType.VARCHAR, max_length=16)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
        index = self._client.prepare_index_params()
        # Exact search: a vault's tens of thousands of passages take milliseconds; a server may choose.
        index.add_index(
            field_name="vector", index_type="FLAT" if self._lite else "AUTOINDEX", metric_type="COSINE"
        )
        self._client.create_collection(COLLECTION, schema=schema)
        # sync=False: waiting polls a call Milvus Lite lacks (an ERROR in the log) and sleeps 0.5 s.
        self._client.create_index(COLLECTION, index, sync=False)
        self._client.load_collection(COLLECTION)
        self.dimension = dimension

    def drop(self) -> None:
        if self._client.has_collection(COLLECTION):
            self._client.drop_collection(COLLECTION)
        self.dimension = None

    def delete_sources(self, keys: Sequence[str]) -> None:
        if self.dimension is None or not keys:
            return
        for start in range(0, len(keys), 256):
            quoted = ", ".join(f'"{key}"' for key in keys[start : start + 256])  # keys are hex digests
            self._client.delete(COLLECTION, filter=f"source in [{quoted}]")

    def insert(
        self, ids: Sequence[str], keys: Sequence[str], scripts: Sequence[str], vectors: Vectors
    ) -> None:
        if not ids:
            return
        if self.dimension != vectors.shape[1]:
            raise KnowledgeError(
                f"Vectors of {vectors.shape[1]} dimensions do not fit the index ({self.dimension}).",
                code="index_unavailable",
            )
        rows: list[dict[str, Any]] = [
            {"id": item, "source": key, "script": script, "vector": vector.tolist()}
            for item, key, script, vector in zip(ids, keys, scripts, vectors, strict=True)
        ]
        for start in range(0, len(rows), _INSERT_ROWS):
            self._client.insert(COLLECTION, rows[start : start + _INSERT_ROWS])

    def flush(self) -> None:
        """Seal what was written: Milvus Lite searches freshly inserted rows far more slowly."""
        if self.dimension is not None:
            self._client.flush(COLLECTION)

    def search(self, vector: Vectors, limit: int, script: str | None = None) -> list[tuple[str, float]]:
        """Passage ids by cosine similarity, best first; only passages in ``script`` when given."""
        if self.dimension is None or limit <= 0:
            return []
        if vector.shape[0] != self.dimension:
            raise KnowledgeError(
                f"The question's vector has {vector.shape[0]} dimensions, the index {self.dimension}; "
                "run a refresh to rebuild it for the configured embedder.",
                code="index_unavailable",
            )
        try:
            hits = self._client.search(
                COLLECTION,
                data=[np.asarray(vector, dtype=np.float32).tolist()],
                limit=limit,
                output_fields=["id"],
                filter=f'script == "{script}"' if script else "",  # scripts are our own names
            )
        except MilvusException as error:
            raise KnowledgeError(f"Vector search failed: {error.message}", code="index_unavailable") from None
        return [(str(hit["id"]), float(hit["distance"])) for hit in hits[0]]

    def vectors(self, ids: Sequence[str]) -> dict[str, tuple[str, Vectors]]:
        """The script and stored vector of these passages (those still present)."""
        if self.dimension is None or not ids:
            return {}
        quoted = ", ".join(f'"{item}"' for item in ids)  # ids are hex digests and ordinals
        rows = self._client.query(
            COLLECTION, filter=f"id in [{quoted}]", output_fields=["id", "script", "vector"]
        )
        return {
            str(row["id"]): (str(row["script"]), np.asarray(row["vector"], dtype=np.float32)) for row in rows
        }

    def count(self) -> int:
        if self.dimension is None:
            return 0
        return int(self._client.get_collection_stats(COLLECTION).get("row_count", 0))
