/**
 * Connection reads and writes straight on the socket's libuv handle, below net.Socket's stream
 * machinery, as Node's own stream_base_commons does it: a write is a WriteWrap request handed to
 * `handle.writeBuffer`, a read is the handle's `onread` call with the byte count in
 * `streamBaseState`. Measured with a minimal server answering PING (bench/README.md): the Writable
 * path (write -> writeOrBuffer -> writeGeneric -> afterWrite tick) costs ~1.5 us of a ~17 us
 * unpipelined request. Only the common cases take the short path: data reads (EOF and errors go to
 * Node's handler, which closes the socket as before) and writes while the stream itself has
 * nothing queued (so the two paths never reorder bytes; libuv keeps its own writes in order).
 *
 * These are Node internals (process.binding('stream_wrap'), Node 20): when they are missing or
 * look different, `directIo` is null and connections use the public stream API.
 */
import type { Socket } from 'node:net';

interface StreamWrapBinding {
  WriteWrap: new () => WriteReq;
  streamBaseState: Int32Array;
  kReadBytesOrError: number;
  kBytesWritten: number;
  kLastWriteWasAsync: number;
}

interface WriteReq {
  handle: unknown;
  oncomplete: (this: WriteReq, status: number) => void;
  async: boolean;
  bytes: number;
  buffer: Uint8Array | null;
  /** Ours: told when an asynchronous write completes. */
  owner: AsyncWriteOwner | null;
}

interface StreamHandle {
  writeBuffer(req: WriteReq, data: Uint8Array): number;
  onread: (this: StreamHandle, arrayBuffer: unknown) => unknown;
}

/** Whoever issued a write that libuv finishes later (the connection's output buffer). */
export interface AsyncWriteOwner {
  writeDone(bytes: number, status: number): void;
}

function loadBinding(): StreamWrapBinding | null {
  try {
    const binding = (process as unknown as { binding(name: string): Partial<StreamWrapBinding> }).binding('stream_wrap');
    const ok =
      typeof binding.WriteWrap === 'function' &&
      binding.streamBaseState instanceof Int32Array &&
      typeof binding.kReadBytesOrError === 'number' &&
      typeof binding.kBytesWritten === 'number' &&
      typeof binding.kLastWriteWasAsync === 'number';
    return ok ? (binding as StreamWrapBinding) : null;
  } catch {
    return null;
  }
}

function onWriteComplete(this: WriteReq, status: number): void {
  const owner = this.owner;
  this.owner = null;
  this.buffer = null;
  if (owner !== null) owner.writeDone(this.bytes, status);
}

export class DirectIo {
  private readonly state: Int32Array;
  private readonly readBytes: number;
  private readonly bytesWritten: number;
  private readonly lastWasAsync: number;
  private readonly WriteWrap: new () => WriteReq;

  constructor(binding: StreamWrapBinding) {
    this.state = binding.streamBaseState;
    this.readBytes = binding.kReadBytesOrError;
    this.bytesWritten = binding.kBytesWritten;
    this.lastWasAsync = binding.kLastWriteWasAsync;
    this.WriteWrap = binding.WriteWrap;
  }

  /**
   * Routes the handle's data reads to `onData(n)` (the bytes are in the socket's onread buffer);
   * EOF and errors keep Node's handling. False when the handle is not one we recognise.
   */
  hookReads(handle: unknown, onData: (n: number) => void): boolean {
    const h = handle as StreamHandle | null;
    if (h === null || typeof h !== 'object' || typeof h.onread !== 'function') return false;
    const nodeOnRead = h.onread;
    const state = this.state;
    const at = this.readBytes;
    h.onread = function (this: StreamHandle, arrayBuffer: unknown): unknown {
      const n = state[at];
      if (n > 0) {
        onData(n);
        return undefined;
      }
      return nodeOnRead.call(this, arrayBuffer);
    };
    return true;
  }

  /**
   * Writes `data` on the socket's handle. Returns 0 when the kernel took it all at once, 1 when
   * libuv finishes it later (it keeps `data` alive and calls `owner.writeDone`), -1 when this path
   * cannot be used now (the caller writes through the stream) and -2 on a write error.
   */
  write(socket: Socket, data: Uint8Array, owner: AsyncWriteOwner): number {
    const handle = (socket as unknown as { _handle: StreamHandle | null })._handle;
    if (handle === null || handle === undefined || socket.writableLength !== 0 || socket.destroyed) return -1;
    const req = new this.WriteWrap();
    req.handle = handle;
    req.oncomplete = onWriteComplete;
    req.async = false;
    req.bytes = 0;
    req.buffer = null;
    req.owner = null;
    const err = handle.writeBuffer(req, data);
    if (err !== 0) return -2;
    if (this.state[this.lastWasAsync] === 0) return 0;
    req.async = true;
    req.bytes = this.state[this.bytesWritten];
    req.buffer = data;
    req.owner = owner;
    return 1;
  }
}

const binding = loadBinding();
/** The direct path, or null where Node's internals differ (then sockets use the stream API). */
export const directIo: DirectIo | null = binding === null ? null : new DirectIo(binding);
