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

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
