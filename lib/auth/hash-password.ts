import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from "node:crypto";

/**
 * Password hashes in the form "scrypt$N$r$p$<salt base64>$<hash base64>" (node:crypto scrypt,
 * a random 16-byte salt per password). The parameters travel with the hash, so they can be
 * raised later without invalidating stored hashes.
 */

const PREFIX = "scrypt";
// N=2^15, r=8, p=3: 32 MiB and ~200 ms per hash. OWASP's floor for scrypt is N=2^17, r=8, p=1
// (128 MiB) or an equal-cost setting; this is the one it lists for 32 MiB (p=1 was a third of it).
const DEFAULT_PARAMS = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;

type ScryptParams = { N: number; r: number; p: number };

function deriveKey(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** True when `text` looks like a hash this module wrote (BREAKWATER_USERS may hold either). */
export function isPasswordHash(text: string): boolean {
  return parsePasswordHash(text) !== undefined;
}

function parsePasswordHash(text: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | undefined {
  const parts = text.split("$");
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const isPowerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!isPowerOfTwo || !Number.isInteger(r) || r < 1 || r > 64 || !Number.isInteger(p) || p < 1 || p > 16) return undefined;
  if (N > 2 ** 20) return undefined;
  const salt = Buffer.from(parts[4], "base64");
  const hash = Buffer.from(parts[5], "base64");
  if (salt.length < 8 || hash.length < 16) return undefined;
  return { params: { N, r, p }, salt, hash };
}

/**
 * False for a hash made with other parameters than new hashes get. Such a user answers a
 * sign-in faster or slower than an unknown name (checked against a current-parameter dummy),
 * so start-up rehashes configured plaintext passwords that verify but are not current.
 */
export function hasCurrentParameters(stored: string): boolean {
  const parsed = parsePasswordHash(stored);
  if (parsed === undefined) return false;
  const { N, r, p } = parsed.params;
  return N === DEFAULT_PARAMS.N && r === DEFAULT_PARAMS.r && p === DEFAULT_PARAMS.p && parsed.hash.length === KEY_LENGTH;
}

/** A new hash of `password` with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await deriveKey(password, salt, DEFAULT_PARAMS, KEY_LENGTH);
  const { N, r, p } = DEFAULT_PARAMS;
  return [PREFIX, N, r, p, salt.toString("base64"), hash.toString("base64")].join("$");
}

/** Whether `password` matches `stored` (compared with timingSafeEqual); false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (parsed === undefined) return false;
  const candidate = await deriveKey(password, parsed.salt, parsed.params, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

/**
 * A hash to verify against when the user does not exist, so an unknown name costs as much
 * time as a wrong password and sign-in timing does not reveal which names exist.
 */
let dummyHash: Promise<string> | undefined;
export function getDummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  return dummyHash;
}
