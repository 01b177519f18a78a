/**
 * RDB value types (Redis 7.0 rdb.h RDB_TYPE_*): the byte before a value in a DUMP payload or an RDB
 * file. Persisted values: never renumbered (pinned by test/unit/rdb-value.test.ts).
 *
 * What Tessera writes is what Redis 7.0 writes: String, ListQuicklist2, Set or SetIntset, ZSet2 or
 * ZSetListpack, Hash or HashListpack. Reading also takes the older types Redis 7.0 still loads.
 */
export const enum RdbType {
  String = 0,
  List = 1,
  Set = 2,
  /** Scores as text (rdbSaveDoubleValue). */
  ZSet = 3,
  Hash = 4,
  /** Scores as binary little-endian doubles. */
  ZSet2 = 5,
  Module = 6,
  Module2 = 7,
  HashZipmap = 9,
  ListZiplist = 10,
  SetIntset = 11,
  ZSetZiplist = 12,
  HashZiplist = 13,
  /** A quicklist of ziplist nodes. */
  ListQuicklist = 14,
  StreamListpacks = 15,
  HashListpack = 16,
  ZSetListpack = 17,
  /** A quicklist of listpack (or plain) nodes, each with its container kind. */
  ListQuicklist2 = 18,
  StreamListpacks2 = 19,
}

/** Quicklist node containers in RdbType.ListQuicklist2 (quicklist.h QUICKLIST_NODE_CONTAINER_*). */
export const QUICKLIST_NODE_PLAIN = 1;
export const QUICKLIST_NODE_PACKED = 2;
