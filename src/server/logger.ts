/**
 * The server log in Redis's format (`pid:M 24 Nov 2026 22:12:06.123 * message`), honouring `loglevel`
 * and `logfile` (empty = standard output).
 */
import fs from 'node:fs';
import type { Config } from '../config/config.js';

const LEVELS = ['debug', 'verbose', 'notice', 'warning', 'nothing'];
const MARKS = ['.', '-', '*', '#'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  private fd: number | null = null;

  constructor(private readonly config: Config) {
    const file = config.string('logfile');
    if (file !== '') this.fd = fs.openSync(file, 'a');
  }

  private write(level: number, message: string): void {
    const configured = LEVELS.indexOf(this.config.string('loglevel'));
    if (level < configured) return;
    const d = new Date();
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const stamp = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    const line = `${process.pid}:M ${stamp} ${MARKS[level]} ${message}\n`;
    if (this.fd !== null) fs.writeSync(this.fd, line);
    else process.stdout.write(line);
  }

  debug(message: string): void {
    this.write(0, message);
  }

  verbose(message: string): void {
    this.write(1, message);
  }

  notice(message: string): void {
    this.write(2, message);
  }

  warning(message: string): void {
    this.write(3, message);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
