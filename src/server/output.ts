/**
 * A connection's pending output: bytes gathered during one batch of input (or of replies from the
 * shards) and written to the socket once per batch.
 */
import type { Socket } from 'node:net';

const MIN_CHUNK = 4096;

export class OutputBuffer {
  private chunk: Buffer | null = null;
  private used = 0;
  /** Bytes handed to the socket and not yet flushed by the kernel (for CLIENT LIST omem). */
  get pendingBytes(): number {
    return this.used;
  }

  append(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n === 0) return;
    if (this.chunk === null || this.used + n > this.chunk.length) this.grow(n);
    this.chunk!.set(src.subarray(start, end), this.used);
    this.used += n;
  }

  private grow(extra: number): void {
    const size = Math.max(MIN_CHUNK, (this.used + extra) * 2);
    const next = Buffer.allocUnsafe(size);
    if (this.chunk !== null && this.used > 0) this.chunk.copy(next, 0, 0, this.used);
    this.chunk = next;
  }

  /** Writes what was gathered; the buffer belongs to the socket afterwards. */
  flush(socket: Socket): void {
    if (this.used === 0 || this.chunk === null) return;
    const out = this.chunk.subarray(0, this.used);
    this.chunk = null;
    this.used = 0;
    socket.write(out);
  }

  discard(): void {
    this.chunk = null;
    this.used = 0;
  }
}
