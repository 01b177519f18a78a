/**
 * A connection's pending output: bytes gathered during one batch of input (or of replies from the
 * shards) and written to the socket once per batch.
 */
import type { Socket } from 'node:net';
import { directIo, type AsyncWriteOwner } from './socket-io.js';
import { NativeSocket } from './native-io.js';

const MIN_CHUNK = 4096;
/**
 * A connection keeps its output chunk between batches up to this size, so a client whose batches
 * answer big replies (LRANGE, pipelined GETs of big values) does not regrow a chunk from 4 KiB and
 * copy it on every batch; the server's cron drops a chunk above SHRINK_ABOVE that its recent batches
 * no longer need (Redis resizes its per-client reply buffer the same way, clientsCronResizeOutputBuffer).
 */
const MAX_KEPT = 256 * 1024;
const SHRINK_ABOVE = 16 * 1024;
/** Replies up to this many bytes are copied by a loop (measured: faster than subarray + set below ~64). */
const SHORT_COPY = 64;

export class OutputBuffer implements AsyncWriteOwner {
  private chunk: Buffer | null = null;
  private used = 0;
  /** Bytes handed to libuv that it has not finished writing (direct writes only). */
  private queued = 0;
  /** A direct write failed: the connection is broken (its close event follows). */
  writeFailed = false;
  /** The largest batch written since the last `shrink` check. */
  private peak = 0;

  /** Bytes gathered and not yet handed to the socket (for CLIENT LIST omem). */
  get pendingBytes(): number {
    return this.used;
  }

  /** Bytes written to the socket that the kernel has not taken yet, on either write path. */
  queuedBytes(socket: Socket | NativeSocket): number {
    return this.queued + socket.writableLength;
  }

  append(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n === 0) return;
    if (this.chunk === null || this.used + n > this.chunk.length) this.grow(n);
    const chunk = this.chunk!;
    if (n <= SHORT_COPY) {
      // Most replies are a few bytes: a loop beats making a subarray for `set`.
      let at = this.used;
      for (let i = start; i < end; i++) chunk[at++] = src[i];
    } else chunk.set(src.subarray(start, end), this.used);
    this.used += n;
  }

  private grow(extra: number): void {
    const size = Math.max(MIN_CHUNK, (this.used + extra) * 2);
    const next = Buffer.allocUnsafe(size);
    if (this.chunk !== null && this.used > 0) this.chunk.copy(next, 0, 0, this.used);
    this.chunk = next;
  }

  /**
   * Writes what was gathered. When the kernel took every byte at once (the usual case: libuv tries the
   * write synchronously and the socket had nothing queued), the chunk is ours again and is reused for
   * the next batch; otherwise the socket keeps it until written and the next batch starts a new one.
   * Returns false when the write failed (the caller drops the connection).
   */
  flush(socket: Socket | NativeSocket): boolean {
    if (this.used === 0 || this.chunk === null) return true;
    const chunk = this.chunk;
    const used = this.used;
    if (used > this.peak) this.peak = used;
    this.used = 0;
    if (socket instanceof NativeSocket) {
      // A socket that could not write everything keeps the rest of the chunk queued.
      if (!socket.writeRange(chunk, 0, used) || chunk.length > MAX_KEPT) this.chunk = null;
      return !socket.destroyed;
    }
    const data = chunk.subarray(0, used);
    const direct = directIo === null ? -1 : directIo.write(socket, data, this);
    if (direct === 0) {
      if (chunk.length > MAX_KEPT) this.chunk = null;
      return true;
    }
    if (direct === 1) {
      this.queued += data.length;
      this.chunk = null;
      return true;
    }
    if (direct === -2) {
      this.writeFailed = true;
      this.chunk = null;
      return false;
    }
    const queued = socket.writableLength;
    socket.write(data);
    if (queued !== 0 || socket.writableLength !== 0 || chunk.length > MAX_KEPT) this.chunk = null;
    return true;
  }

  writeDone(bytes: number, status: number): void {
    this.queued -= bytes;
    if (status < 0) this.writeFailed = true;
  }

  /**
   * Called by the cron: drops a kept chunk above SHRINK_ABOVE when no batch since the last call used
   * more than a quarter of it (the next batch allocates what it needs).
   */
  shrink(): void {
    const chunk = this.chunk;
    if (chunk !== null && this.used === 0 && chunk.length > SHRINK_ABOVE && this.peak <= chunk.length >>> 2) this.chunk = null;
    this.peak = 0;
  }

  discard(): void {
    this.chunk = null;
    this.used = 0;
  }
}
