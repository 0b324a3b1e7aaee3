"""On-disk columns of a snapshot: numpy arrays, string tables and postings, read through mmap.

Every file is a plain `.npy` array, so any process maps it read-only and the operating system
shares the pages between all processes of a machine. A string table is a byte blob with offsets
(row i is blob[offsets[i]:offsets[i + 1]], UTF-8); a sorted table finds a string by binary search
without loading anything. Postings map a key (a sorted string table) to sorted int32 row lists in
one CSR pair (indptr, rows).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np


def save_array(path: Path, array: np.ndarray) -> None:
    """Writes an .npy file and flushes it to disk before returning."""
    with path.open("wb") as handle:
        np.save(handle, np.ascontiguousarray(array), allow_pickle=False)
        handle.flush()
        os.fsync(handle.fileno())


def load_array(path: Path) -> np.ndarray:
    """A read-only memory map of an .npy file (an empty array is read normally: mmap refuses
    zero-length files)."""
    array = np.load(path, mmap_mode="r", allow_pickle=False)
    return array


def fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


class StringTableWriter:
    """Appends strings to a blob file; `close` writes the offsets next to it."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.name = name
        self._blob = (folder / f"{name}.blob").open("wb")
        self._offsets: list[int] = [0]

    def add(self, text: str | bytes) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        self._blob.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def close(self) -> None:
        self._blob.flush()
        os.fsync(self._blob.fileno())
        self._blob.close()
        save_array(self.folder / f"{self.name}.offsets.npy", np.asarray(self._offsets, np.int64))


def write_strings(folder: Path, name: str, values: Iterable[str | bytes]) -> None:
    writer = StringTableWriter(folder, name)
    for value in values:
        writer.add(value)
    writer.close()


class StringTable:
    """Row i's string, read from the mapped blob on demand."""

    def __init__(self, folder: Path, name: str) -> None:
        self.offsets = load_array(folder / f"{name}.offsets.npy")
        blob = folder / f"{name}.blob"
        size = blob.stat().st_size
        if size != (int(self.offsets[-1]) if len(self.offsets) else 0):
            raise ValueError(f"{blob} holds {size} bytes, its offsets say {int(self.offsets[-1])}")
        self.blob = np.memmap(blob, dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def raw(self, row: int) -> bytes:
        return self.blob[int(self.offsets[row]) : int(self.offsets[row + 1])].tobytes()

    def __getitem__(self, row: int) -> str:
        return self.raw(row).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        for row in range(len(self)):
            yield self[row]

    def find_sorted(self, key: bytes, order: np.ndarray | None = None) -> int:
        """Row holding `key` in a table sorted by bytes (or sorted through `order`, a permutation
        of rows), or -1."""
        lo, hi = 0, len(self)
        while lo < hi:
            mid = (lo + hi) // 2
            row = mid if order is None else int(order[mid])
            if self.raw(row) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(self):
            return -1
        row = lo if order is None else int(order[lo])
        return row if self.raw(row) == key else -1


def write_postings(folder: Path, name: str, lists: Mapping[str, list[int]]) -> None:
    """Key -> rows, keys sorted by their UTF-8 bytes so readers can binary-search them."""
    keys = sorted(lists, key=lambda k: k.encode("utf-8"))
    indptr = np.zeros(len(keys) + 1, np.int64)
    for i, key in enumerate(keys):
        indptr[i + 1] = indptr[i] + len(lists[key])
    rows = np.zeros(int(indptr[-1]), np.int32)
    for i, key in enumerate(keys):
        rows[indptr[i] : indptr[i + 1]] = np.sort(np.asarray(lists[key], np.int32))
    write_strings(folder, f"{name}.keys", keys)
    save_array(folder / f"{name}.indptr.npy", indptr)
    save_array(folder / f"{name}.rows.npy", rows)


class Postings:
    """Sorted keys -> sorted row numbers, memory-mapped."""

    def __init__(self, folder: Path, name: str) -> None:
        self.keys = StringTable(folder, f"{name}.keys")
        self.indptr = load_array(folder / f"{name}.indptr.npy")
        self.rows = load_array(folder / f"{name}.rows.npy")

    def lookup(self, key: str) -> np.ndarray | None:
        at = self.keys.find_sorted(key.encode("utf-8"))
        if at < 0:
            return None
        return self.rows[int(self.indptr[at]) : int(self.indptr[at + 1])]

    def any_of(self, keys: Iterable[str], n: int) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        for key in keys:
            rows = self.lookup(key)
            if rows is not None:
                mask[rows] = True
        return mask

    def __iter__(self) -> Iterator[tuple[str, np.ndarray]]:
        for i, key in enumerate(self.keys):
            yield key, self.rows[int(self.indptr[i]) : int(self.indptr[i + 1])]
