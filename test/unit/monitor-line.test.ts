import { describe, it, expect } from 'vitest';
import { argsOf } from './args-of.js';
import { reprBytes } from '../../src/protocol/repr.js';
import { monitorLine } from '../../src/server/monitor.js';

describe('reprBytes quotes as sdscatrepr does', () => {
  it('escapes quotes, backslashes and C control characters, and hex-escapes the rest', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = reprBytes(all);
    expect(text.startsWith('"\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\a\\b\\t\\n\\x0b\\x0c\\r\\x0e')).toBe(true);
    expect(text).toContain(' !\\"#$%&');
    expect(text).toContain('[\\\\]^_`');
    expect(text).toContain('}~\\x7f\\x80\\x81');
    expect(text.endsWith('\\xfe\\xff"')).toBe(true);
  });

  it('quotes a range of a buffer', () => {
    expect(reprBytes(Buffer.from('xxabcxx'), 2, 5)).toBe('"abc"');
    expect(reprBytes(new Uint8Array(0))).toBe('""');
  });
});

describe('monitor lines', () => {
  it('carry seconds, six digits of microseconds, the database and the source', () => {
    expect(monitorLine('127.0.0.1:5000', 3, argsOf('get', 'k'), 1_700_000_000_000_042)).toBe('+1700000000.000042 [3 127.0.0.1:5000] "get" "k"\r\n');
    expect(monitorLine('lua', 0, argsOf('SET', 'a b', ''), 5_123_456)).toBe('+5.123456 [0 lua] "SET" "a b" ""\r\n');
  });

  it('redact every AUTH argument and the credentials after HELLO AUTH', () => {
    expect(monitorLine('c', 0, argsOf('auth', 'pw'), 0)).toBe('+0.000000 [0 c] "auth" "(redacted)"\r\n');
    expect(monitorLine('c', 0, argsOf('AUTH', 'u', 'pw'), 0)).toBe('+0.000000 [0 c] "AUTH" "(redacted)" "(redacted)"\r\n');
    expect(monitorLine('c', 0, argsOf('hello', '3', 'setname', 'n', 'AUTH', 'u', 'pw'), 0)).toBe('+0.000000 [0 c] "hello" "3" "setname" "n" "AUTH" "(redacted)" "(redacted)"\r\n');
    // AUTH without both credentials is a syntax error in HELLO: Redis redacts nothing then.
    expect(monitorLine('c', 0, argsOf('hello', '3', 'auth', 'u'), 0)).toBe('+0.000000 [0 c] "hello" "3" "auth" "u"\r\n');
    expect(monitorLine('c', 0, argsOf('hello', '3', 'setname', 'auth'), 0)).toBe('+0.000000 [0 c] "hello" "3" "setname" "auth"\r\n');
  });
});
