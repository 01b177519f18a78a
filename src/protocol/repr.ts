/**
 * Redis's sdscatrepr: bytes as a double-quoted C string. `\` and `"` are escaped, \n \r \t \a \b
 * get their C escapes, printable ASCII (isprint in the C locale: 32-126) stays, every other byte is
 * \xHH with lowercase hex. Used by MONITOR lines and CONFIG REWRITE.
 */
export function reprBytes(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '"';
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c >= 32 && c <= 126) out += String.fromCharCode(c);
    else out += '\\x' + (c < 16 ? '0' : '') + c.toString(16);
  }
  return out + '"';
}
