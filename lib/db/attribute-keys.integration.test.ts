import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { AttributeKeyDictionary } from "./attribute-keys";
import { createPool } from "./pool";

describe("AttributeKeyDictionary.resolve", () => {
  let db: TestDatabase;
  let other: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    // A second pool on the same schema stands for another writer process.
    other = createPool(db.url, { max: 4 });
  });
  afterAll(async () => {
    await other?.end();
    await db?.close();
  });

  it("gives two writers racing on the same new keys the same ids", async () => {
    for (let round = 0; round < 5; round++) {
      const keys = Array.from({ length: 200 }, (_, i) => `race.${round}.${i}`);
      const first = new AttributeKeyDictionary();
      const second = new AttributeKeyDictionary();
      const third = new AttributeKeyDictionary();
      await Promise.all([
        first.resolve(db.pool, keys),
        second.resolve(other, [...keys].reverse()),
        third.resolve(
          other,
          keys.filter((_, i) => i % 2 === 0),
        ),
      ]);
      const { rows } = await db.pool.query<{ id: number; key: string }>("SELECT id, key FROM attribute_keys WHERE key LIKE $1", [
        `race.${round}.%`,
      ]);
      expect(rows).toHaveLength(keys.length);
      const idByKey = new Map(rows.map((row) => [row.key, String(row.id)]));
      for (const [i, key] of keys.entries()) {
        expect(first.storedKey(key)).toBe(idByKey.get(key));
        expect(second.storedKey(key)).toBe(idByKey.get(key));
        if (i % 2 === 0) expect(third.storedKey(key)).toBe(idByKey.get(key));
      }
    }
  });

  it("stores keys with NUL or lone surrogates under their cleaned text", async () => {
    const dictionary = new AttributeKeyDictionary();
    const nasty = "a\0b\uD800c";
    await dictionary.resolve(db.pool, [nasty]);
    const id = dictionary.storedKey(nasty);
    expect(id).toMatch(/^\d+$/);
    const { rows } = await db.pool.query<{ key: string }>("SELECT key FROM attribute_keys WHERE id = $1", [Number(id)]);
    expect(rows[0].key).toBe("a\uFFFDb\uFFFDc");
  });

  it("falls back to literals once the dictionary is full, and never grows past the cap", async () => {
    const { rows: before } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM attribute_keys");
    const cap = before[0].n + 3;
    const dictionary = new AttributeKeyDictionary(cap);
    // "race.0.0" is already in the dictionary: it keeps its id and takes no room.
    await dictionary.resolve(db.pool, ["cap.e", "cap.d", "race.0.0", "cap.c", "cap.b", "cap.a"]);
    // Room for three: the first three new keys in sorted order get ids.
    for (const key of ["cap.a", "cap.b", "cap.c", "race.0.0"]) expect(dictionary.storedKey(key)).toMatch(/^\d+$/);
    expect(dictionary.storedKey("cap.d")).toBe("~cap.d");
    expect(dictionary.storedKey("cap.e")).toBe("~cap.e");
    const { rows: after } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM attribute_keys");
    expect(after[0].n).toBe(cap);

    // Another writer with the same cap: known keys still resolve to ids, new ones are literals.
    const late = new AttributeKeyDictionary(cap);
    await late.resolve(other, ["cap.a", "7", "~x"]);
    expect(late.storedKey("cap.a")).toBe(dictionary.storedKey("cap.a"));
    expect(late.storedKey("7")).toBe("~7");
    expect(late.storedKey("~x")).toBe("~~x");
    const { rows: last } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM attribute_keys");
    expect(last[0].n).toBe(cap);
  });
});
