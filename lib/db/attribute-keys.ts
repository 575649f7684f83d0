import type pg from "pg";
import type { AttributeValue, Attributes } from "@/lib/otlp/model";
import { toStorableString } from "@/lib/otlp/sanitize-string";

/**
 * Dictionary encoding of span attribute keys. Keys are low-cardinality and repeated in every
 * span row, so `spans.attributes` (and the attributes inside `events` and `links`) store the
 * id of the key in the `attribute_keys` table as a decimal string: {"http.request.method":
 * "GET"} is stored as {"7":"GET"}. A key that is not in the dictionary (the dictionary is
 * full, or the key is too long for its unique index) is stored literally behind a "~":
 * {"~user.123.flag":true}. Every stored key is therefore either all digits or starts with
 * "~", so a key that itself looks like a number ("7") or starts with "~" is never ambiguous.
 * Resource and scope attributes are stored once per resource and stay plain.
 *
 * Ids are assigned once and never change or go away, so both directions are cached per
 * database for the life of the process.
 */

/** Most keys the dictionary takes; later keys are stored literally. */
export const ATTRIBUTE_KEY_DICTIONARY_MAX = 50_000;
/** Longer keys are stored literally: 3 bytes per UTF-16 unit stays below btree's ~2.7 kB limit. */
export const ATTRIBUTE_KEY_MAX_LENGTH = 512;
/** Prefix of a key stored literally. */
export const LITERAL_KEY_PREFIX = "~";

/** The stored key of a literal: "~" + key. */
export function literalStoredKey(key: string): string {
  return LITERAL_KEY_PREFIX + key;
}

/** Code-unit order (what `<` does), as a sort comparator. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Writer side: key → stored key, as the JSON string token (with quotes) that goes into the
 * row text. One per database (see CatalogCache). `token` is a Map lookup; unseen keys are
 * resolved by `resolve` with two short autocommit statements before the span transaction, so
 * a span never references an id that is not committed.
 */
export class AttributeKeyDictionary {
  private readonly tokens = new Map<string, string>();
  /** Keys stored literally because the dictionary was full; bounded, cleared when it fills. */
  private literalCount = 0;
  private full = false;

  constructor(
    readonly maxKeys = ATTRIBUTE_KEY_DICTIONARY_MAX,
    private readonly maxLiterals = 100_000,
  ) {}

  /** `"7"` (with quotes) for a known key, the literal's JSON token for a long key, else undefined. */
  token(key: string): string | undefined {
    const token = this.tokens.get(key);
    if (token !== undefined) return token;
    if (key.length > ATTRIBUTE_KEY_MAX_LENGTH) return JSON.stringify(literalStoredKey(key));
    return undefined;
  }

  /** The stored form of a key the dictionary knows (see `token`), or undefined. */
  storedKey(key: string): string | undefined {
    const token = this.token(key);
    if (token === undefined) return undefined;
    return token.charCodeAt(1) === 0x7e /* ~ */ ? (JSON.parse(token) as string) : token.slice(1, -1);
  }

  /**
   * Looks up (and inserts, while there is room) the given keys so `token` knows all of them.
   * Runs outside any transaction on `client`: the INSERT commits on its own, so the ids are
   * visible to every connection before a span that uses them is written. Concurrent writers
   * (other connections or processes) inserting the same key end up with the same id: the
   * unique index makes the loser wait and do nothing, and both then read the winner's row.
   */
  async resolve(client: pg.Pool | pg.PoolClient, keys: Iterable<string>): Promise<void> {
    // Keys as stored (NUL/lone surrogates replaced) → the raw keys that map to them.
    const byStored = new Map<string, string[]>();
    for (const key of keys) {
      if (this.token(key) !== undefined) continue;
      const stored = toStorableString(key);
      const raws = byStored.get(stored);
      if (raws === undefined) byStored.set(stored, [key]);
      else if (!raws.includes(key)) raws.push(key);
    }
    if (byStored.size === 0) return;
    // A stable order, so two writers inserting overlapping keys take index locks in the same order.
    const wanted = [...byStored.keys()].sort(compareStrings);
    if (!this.full) {
      // Only keys not there yet are numbered, so the ids of existing keys do not use up room.
      // The room check can let concurrent writers overshoot the cap by a batch; that is fine.
      await client.query(
        `INSERT INTO attribute_keys (key)
         SELECT m.k FROM (
           SELECT u.k, row_number() OVER (ORDER BY u.i) AS n
             FROM unnest($1::text[]) WITH ORDINALITY AS u(k, i)
            WHERE NOT EXISTS (SELECT 1 FROM attribute_keys a WHERE a.key = u.k)) m
          WHERE m.n <= $2::bigint - (SELECT count(*) FROM attribute_keys)
          ORDER BY m.n
         ON CONFLICT (key) DO NOTHING`,
        [wanted, this.maxKeys],
      );
    }
    const { rows } = await client.query<{ id: number; key: string }>(
      "SELECT id, key FROM attribute_keys WHERE key = ANY($1::text[])",
      [wanted],
    );
    for (const row of rows) {
      const token = `"${row.id}"`;
      for (const raw of byStored.get(row.key) ?? []) this.tokens.set(raw, token);
      byStored.delete(row.key);
    }
    if (byStored.size === 0) return;
    // Whatever is left did not fit: the dictionary is full, and stays so (keys are never removed).
    this.full = true;
    for (const raws of byStored.values()) {
      for (const raw of raws) {
        if (this.literalCount >= this.maxLiterals) this.forgetLiterals();
        this.tokens.set(raw, JSON.stringify(literalStoredKey(raw)));
        this.literalCount++;
      }
    }
  }

  private forgetLiterals(): void {
    for (const [key, token] of this.tokens) if (token.charCodeAt(1) === 0x7e /* ~ */) this.tokens.delete(key);
    this.literalCount = 0;
  }
}

/**
 * `attributes` as JSON text with dictionary-encoded keys, built directly (no copy of the
 * object). Keys the dictionary does not know are added to `missing` and written as "?": the
 * caller must resolve them and encode again. `undefined` values are skipped like
 * JSON.stringify does.
 */
export function encodeAttributesJson(dictionary: AttributeKeyDictionary, attributes: Attributes, missing: Set<string>): string {
  let json = "{";
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value === undefined) continue;
    let token = dictionary.token(key);
    if (token === undefined) {
      missing.add(key);
      token = '"?"';
    }
    json += (json.length === 1 ? "" : ",") + token + ":" + JSON.stringify(value);
  }
  return json + "}";
}

/** A copy of `attributes` with dictionary-encoded keys (for events and links); see encodeAttributesJson. */
export function encodeAttributeKeys(
  dictionary: AttributeKeyDictionary,
  attributes: Attributes,
  missing: Set<string>,
): Attributes {
  const out: Attributes = {};
  for (const key of Object.keys(attributes)) {
    const stored = dictionary.storedKey(key);
    if (stored === undefined) missing.add(key);
    out[stored ?? "?"] = attributes[key];
  }
  return out;
}

/** The dictionary id of a stored key, or undefined for a literal (or a plain key). */
export function storedKeyId(stored: string): number | undefined {
  if (stored.length === 0 || stored.length > 10) return undefined;
  for (let i = 0; i < stored.length; i++) {
    const c = stored.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return Number(stored);
}

const ASCII = /^[\x00-\x7f]*$/;

/** jsonb's key order (shorter UTF-8 first, then bytewise), so decoded objects keep the order readers always saw. */
export function compareJsonbKeys(a: string, b: string): number {
  if (ASCII.test(a) && ASCII.test(b)) return a.length - b.length || compareStrings(a, b);
  const bytesA = Buffer.from(a, "utf8");
  const bytesB = Buffer.from(b, "utf8");
  return bytesA.length - bytesB.length || Buffer.compare(bytesA, bytesB);
}

/**
 * Stored attributes → attributes with their original keys, in jsonb key order. `names` maps
 * ids to keys; an id it lacks (never expected) and a plain key are kept as they are.
 */
export function decodeAttributeKeys(stored: Record<string, AttributeValue>, names: ReadonlyMap<number, string>): Attributes {
  const keys: string[] = [];
  const values = new Map<string, AttributeValue>();
  for (const storedKey of Object.keys(stored)) {
    const id = storedKeyId(storedKey);
    const key = storedKey.startsWith(LITERAL_KEY_PREFIX)
      ? storedKey.slice(LITERAL_KEY_PREFIX.length)
      : id === undefined
        ? storedKey
        : (names.get(id) ?? storedKey);
    if (!values.has(key)) keys.push(key);
    values.set(key, stored[storedKey]);
  }
  keys.sort(compareJsonbKeys);
  const out: Attributes = {};
  for (const key of keys) out[key] = values.get(key)!;
  return out;
}

/** Adds the dictionary ids used as keys of `stored` (a JSON object, or anything else) to `ids`. */
export function collectStoredKeyIds(stored: unknown, ids: Set<number>): void {
  if (stored === null || typeof stored !== "object" || Array.isArray(stored)) return;
  for (const key of Object.keys(stored)) {
    const id = storedKeyId(key);
    if (id !== undefined) ids.add(id);
  }
}

/**
 * Reader side: id → key for one database. Ids never change, so entries are kept forever
 * (at most the dictionary's size). `load` fetches the ids not cached yet in one query.
 */
export class AttributeKeyNames {
  private readonly names = new Map<number, string>();

  get map(): ReadonlyMap<number, string> {
    return this.names;
  }

  async load(pool: pg.Pool | pg.PoolClient, ids: Iterable<number>): Promise<ReadonlyMap<number, string>> {
    const missing: number[] = [];
    for (const id of ids) if (!this.names.has(id)) missing.push(id);
    if (missing.length > 0) {
      const { rows } = await pool.query<{ id: number; key: string }>(
        "SELECT id, key FROM attribute_keys WHERE id = ANY($1::int[])",
        [missing],
      );
      for (const row of rows) this.names.set(row.id, row.key);
    }
    return this.names;
  }

  /** The stored forms of `key` on a span: its id (when it has one) and its literal. One query when not cached. */
  async storedForms(pool: pg.Pool, key: string): Promise<string[]> {
    const forms = [literalStoredKey(key)];
    if (key.length > ATTRIBUTE_KEY_MAX_LENGTH) return forms;
    const { rows } = await pool.query<{ id: number }>("SELECT id FROM attribute_keys WHERE key = $1", [toStorableString(key)]);
    if (rows.length > 0) {
      this.names.set(rows[0].id, toStorableString(key));
      forms.unshift(String(rows[0].id));
    }
    return forms;
  }
}

const namesByPool = new WeakMap<pg.Pool, AttributeKeyNames>();

/** The reader cache for the database behind `pool`. */
export function attributeKeyNamesFor(pool: pg.Pool): AttributeKeyNames {
  let names = namesByPool.get(pool);
  if (names === undefined) {
    names = new AttributeKeyNames();
    namesByPool.set(pool, names);
  }
  return names;
}
