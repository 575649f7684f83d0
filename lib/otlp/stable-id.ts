import { createHash } from "node:crypto";
import type { AttributeValue } from "./model";

/**
 * JSON with object keys sorted at every level: the same value always gives the same text,
 * whatever order the sender used.
 */
export function canonicalJson(value: AttributeValue | undefined): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
}

/**
 * A stable 63-bit id for a canonical text: the first 8 bytes of its SHA-1, top bit cleared
 * (fits a PostgreSQL bigint), as a decimal string. Deterministic across processes and restarts.
 */
export function stableId(canonicalText: string): string {
  const digest = createHash("sha1").update(canonicalText).digest();
  return (digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn).toString();
}
