/**
 * Client connections served by the addon (native/src/netio.rs) instead of Node's streams. Node
 * still listens and accepts; each accepted connection's descriptor is duplicated into the addon,
 * which watches it with a libuv poll handle of its own, and Node's handle is closed. When sockets are ready the addon reads them into
 * one shared buffer and calls `onRecords` once for all of them, so a loop turn costs one entry into
 * JavaScript instead of one per socket read (measured, minimal PING servers at -P 1: ~12 us of CPU
 * per request against ~16 us through net.Socket; bench/README.md). Writes are write(2) calls; what
 * the kernel does not take waits in the socket's queue until its poll handle reports it writable.
 *
 * NativeSocket offers the part of net.Socket the server uses (write, end, destroy, writableLength,
 * addresses, 'close' events), so a Client holds either kind.
 */
import { EventEmitter } from 'node:events';
import { loadNative } from '../native/loader.js';

interface IoAddon {
  ioStart(callback: (count: number) => void, inBuf: Uint8Array, records: Int32Array): boolean;
  ioAdopt(fd: number): number;
  ioWatch(fd: number, reads: number, writes: number): number;
  ioWrite(fd: number, buf: Uint8Array, start: number, end: number): number;
  ioClose(fd: number): void;
}

/** The TCP handle net.Server passes to `onconnection` (Node's TCPWrap), the part used here. */
export interface AcceptedHandle {
  fd?: number;
  getpeername?(out: Record<string, unknown>): number;
  getsockname?(out: Record<string, unknown>): number;
  setNoDelay?(on: boolean): number;
  setKeepAlive?(on: boolean, delaySeconds: number): number;
  close(callback?: () => void): void;
}

const KIND_DATA = 0;
const KIND_EOF = 1;
const KIND_ERROR = 2;
const KIND_WRITABLE = 3;
const EAGAIN = -11;
/** The most one read takes (netio.rs READ_CHUNK): a client's own input buffer holds a tail plus this. */
export const NATIVE_READ_CHUNK = 64 * 1024;

/** Receives a connection's reads: `buf[start, end)` is valid only during the call. */
export type ReadHandler = (buf: Buffer, start: number, end: number) => void;

export class NativeSocket extends EventEmitter {
  readonly fd: number;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly remoteFamily: string | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  destroyed = false;
  /** Bytes written that the kernel has not taken yet. */
  writableLength = 0;
  onRead: ReadHandler | null = null;
  private readonly io: NativeIo;
  /** Node's handle, open until the server has set its options (`release`). */
  private handle: AcceptedHandle | null;
  private readonly queue: Uint8Array[] = [];
  /** Bytes of queue[0] already written. */
  private queueStart = 0;
  private ending = false;
  /** The peer's end of the connection was read: no more reads are asked for. */
  private peerEnded = false;

  constructor(io: NativeIo, fd: number, handle: AcceptedHandle) {
    super();
    this.io = io;
    this.fd = fd;
    this.handle = handle;
    const peer: Record<string, unknown> = {};
    const local: Record<string, unknown> = {};
    if (handle.getpeername?.(peer) === 0) {
      this.remoteAddress = peer.address as string;
      this.remotePort = peer.port as number;
      this.remoteFamily = peer.family as string;
    }
    if (handle.getsockname?.(local) === 0) {
      this.localAddress = local.address as string;
      this.localPort = local.port as number;
    }
  }

  setNoDelay(on = true): this {
    this.handle?.setNoDelay?.(on);
    return this;
  }

  setKeepAlive(on = false, delayMs = 0): this {
    this.handle?.setKeepAlive?.(on, Math.floor(delayMs / 1000));
    return this;
  }

  /** Closes Node's copy of the descriptor once the socket options are set (ours stays open). */
  release(): void {
    const handle = this.handle;
    this.handle = null;
    handle?.close();
  }

  /** Writes `data`; true when the kernel took all of it (else the socket keeps `data` until it does). */
  write(data: Uint8Array | string): boolean {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    return this.writeRange(bytes, 0, bytes.length);
  }

  /**
   * Writes `buf[start, end)`; true when the kernel took all of it. Otherwise the socket keeps a view
   * of the rest of `buf` until it is written (the caller must not reuse `buf`).
   */
  writeRange(buf: Uint8Array, start: number, end: number): boolean {
    if (this.destroyed || this.ending) return false;
    if (start === end) return this.writableLength === 0;
    if (this.writableLength !== 0) {
      this.queue.push(buf.subarray(start, end));
      this.writableLength += end - start;
      return false;
    }
    const n = this.io.addon.ioWrite(this.fd, buf, start, end);
    if (n === end - start) return true;
    if (n < 0 && n !== EAGAIN) {
      this.destroy();
      return false;
    }
    this.queue.push(buf.subarray(start, end));
    this.queueStart = n > 0 ? n : 0;
    this.writableLength = end - start - this.queueStart;
    this.watch(true);
    return false;
  }

  private watch(writes: boolean): void {
    this.io.addon.ioWatch(this.fd, this.peerEnded ? 0 : 1, writes ? 1 : 0);
  }

  /**
   * The peer closed its side. With an 'end' listener (the server's: it may still owe replies that
   * workers are computing) the socket stops reading and the listener decides when to close, as a
   * net.Socket with allowHalfOpen; without one it closes now.
   */
  ended(): void {
    if (this.destroyed || this.peerEnded) return;
    if (this.listenerCount('end') === 0) {
      this.destroy();
      return;
    }
    this.peerEnded = true;
    this.watch(this.writableLength !== 0);
    this.emit('end');
  }

  /** Epoll reports room: writes what is queued. */
  writable(): void {
    const addon = this.io.addon;
    while (this.queue.length !== 0) {
      const head = this.queue[0];
      const n = addon.ioWrite(this.fd, head, this.queueStart, head.length);
      if (n === EAGAIN) return;
      if (n < 0) {
        this.destroy();
        return;
      }
      this.writableLength -= n;
      this.queueStart += n;
      if (this.queueStart < head.length) return;
      this.queue.shift();
      this.queueStart = 0;
    }
    if (this.destroyed) return;
    this.watch(false);
    if (this.ending) this.destroy();
  }

  /** Writes `data` (if any) and closes once everything queued is written. */
  end(data?: Uint8Array | string): this {
    if (data !== undefined) this.write(data);
    this.ending = true;
    if (this.writableLength === 0) this.destroy();
    return this;
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.queue.length = 0;
    this.writableLength = 0;
    this.release();
    this.io.forget(this);
    process.nextTick(() => this.emit('close', false));
    return this;
  }
}

let started = false;
let instance: NativeIo | null = null;

/**
 * How much of `buf` a connection's input may be said to own (CLIENT LIST qbuf-free, tot-mem): the
 * shared read buffer counts as one read's worth from `start`, as Node's 64 KiB read buffer does.
 */
export function inputCapacity(buf: Uint8Array, start: number): number {
  return instance !== null && buf === instance.inBuf ? Math.min(buf.length, start + NATIVE_READ_CHUNK) : buf.length;
}

/** The process's native I/O set. */
export class NativeIo {
  readonly addon: IoAddon;
  readonly inBuf = Buffer.allocUnsafe(1 << 20);
  private readonly records = new Int32Array(4 * 1024);
  /** Sockets by descriptor. */
  private readonly sockets: Array<NativeSocket | undefined> = [];
  /** Told after each turn's records (servers end their batch of commands there). */
  private readonly turnListeners: Array<() => void> = [];

  private constructor(addon: IoAddon) {
    this.addon = addon;
  }

  /**
   * The process's I/O set (started on first use, shared by every server in the process), or null
   * when the addon lacks it or it cannot start: then Node's streams serve.
   */
  static shared(): NativeIo | null {
    if (started) return instance;
    started = true;
    const addon = loadNative() as unknown as Partial<IoAddon> | null;
    if (addon === null || typeof addon.ioStart !== 'function' || typeof addon.ioAdopt !== 'function') return null;
    const io = new NativeIo(addon as IoAddon);
    if (io.addon.ioStart((count) => io.onRecords(count), io.inBuf, io.records)) instance = io;
    return instance;
  }

  /**
   * Takes over an accepted connection: returns its socket (Node's handle stays open until
   * `release`), or null when the handle has no descriptor or the addon refused it (the caller
   * serves it through Node).
   */
  adopt(handle: AcceptedHandle): NativeSocket | null {
    if (typeof handle.fd !== 'number' || handle.fd < 0) return null;
    const fd = this.addon.ioAdopt(handle.fd);
    if (fd < 0) return null;
    const socket = new NativeSocket(this, fd, handle);
    this.sockets[fd] = socket;
    return socket;
  }

  /** Calls `listener` after every turn's records (once per server). */
  onTurnEnd(listener: () => void): void {
    if (!this.turnListeners.includes(listener)) this.turnListeners.push(listener);
  }

  /** Stops calling `listener` (a server that closed). */
  offTurnEnd(listener: () => void): void {
    const at = this.turnListeners.indexOf(listener);
    if (at >= 0) this.turnListeners.splice(at, 1);
  }

  forget(socket: NativeSocket): void {
    if (this.sockets[socket.fd] === socket) {
      this.sockets[socket.fd] = undefined;
      this.addon.ioClose(socket.fd);
    }
  }

  private onRecords(count: number): void {
    const r = this.records;
    const buf = this.inBuf;
    for (let i = 0; i < count * 4; i += 4) {
      const socket = this.sockets[r[i]];
      if (socket === undefined) continue;
      const kind = r[i + 1];
      if (kind === KIND_DATA) {
        if (socket.onRead !== null) socket.onRead(buf, r[i + 2], r[i + 2] + r[i + 3]);
      } else if (kind === KIND_WRITABLE) {
        socket.writable();
      } else if (kind === KIND_EOF) {
        socket.ended();
      } else if (kind === KIND_ERROR) {
        socket.destroy();
      }
    }
    const listeners = this.turnListeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]();
  }
}
