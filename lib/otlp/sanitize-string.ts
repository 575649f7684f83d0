// ES2024 string methods (Node ≥ 20); tsconfig's lib stops at ES2023.
declare global {
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

const NUL = "\u0000";

/**
 * Makes a string storable in PostgreSQL text/jsonb: NUL bytes removed, lone UTF-16
 * surrogates replaced by U+FFFD (jsonb rejects both).
 */
export function sanitizeString(text: string): string {
  if (text.indexOf(NUL) !== -1) text = text.replaceAll(NUL, "");
  return text.isWellFormed() ? text : text.toWellFormed();
}

/**
 * A string as PostgreSQL text/jsonb stores it, keeping its length: NUL and lone UTF-16
 * surrogates each replaced by U+FFFD (for values that were not sanitized on the way in).
 */
export function toStorableString(text: string): string {
  return text.toWellFormed().replaceAll(NUL, "\uFFFD");
}

/**
 * sanitizeString plus a length cap in UTF-16 code units; a surrogate pair straddling the cut
 * is dropped whole rather than split.
 */
export function sanitizeValueString(text: string, maxLength: number): string {
  if (text.indexOf(NUL) !== -1) text = text.replaceAll(NUL, "");
  if (text.length > maxLength) {
    let cut = maxLength;
    if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1)) && isLowSurrogate(text.charCodeAt(cut))) cut -= 1;
    text = text.slice(0, cut);
  }
  return text.isWellFormed() ? text : text.toWellFormed();
}

/**
 * sanitizeString plus a cap of `maxBytes` UTF-8 bytes (so also at most `maxBytes` characters),
 * cut with sanitizeValueString at a character boundary. For strings that are index keys in
 * PostgreSQL, whose btree rows are limited in bytes (2704), not in characters.
 */
export function sanitizeNameString(text: string, maxBytes: number): string {
  const clean = sanitizeString(text);
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings need no counting.
  if (clean.length * 3 <= maxBytes) return clean;
  return sanitizeValueString(clean, utf8CutIndex(clean, maxBytes));
}

/** The longest prefix of well-formed `text` (in code units) that fits in `maxBytes` UTF-8 bytes. */
function utf8CutIndex(text: string, maxBytes: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A surrogate pair (one character, 4 bytes) is counted at its high half and skipped whole.
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : isHighSurrogate(code) ? 4 : 3;
    if (bytes + size > maxBytes) return i;
    bytes += size;
    if (size === 4) i++;
  }
  return text.length;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
