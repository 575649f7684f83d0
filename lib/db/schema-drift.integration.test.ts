import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSpanPartitions } from "@/lib/db/partitions";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { diffSchema, loadDatamodel, SCHEMA_PATH } from "@/lib/test/schema-diff";

function report(diffs: string[]): string {
  return `prisma/schema.prisma and prisma/migrations disagree (${diffs.length}):\n  - ${diffs.join("\n  - ")}\n`;
}

describe("schema drift", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("a database migrated from scratch matches schema.prisma exactly", async () => {
    // Span partitions are not part of the model and must not count as extra tables.
    await ensureSpanPartitions(db.pool, [Date.now()]);
    const datamodel = await loadDatamodel();
    expect(datamodel.models.length).toBeGreaterThan(0);
    const diffs = await diffSchema(db.pool, db.schema, datamodel);
    expect(diffs, report(diffs)).toEqual([]);
  });
});

describe("schema drift detection", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("reports type, nullability, default, column, index and table differences", async () => {
    await db.pool.query(`
      ALTER TABLE spans ALTER COLUMN flags TYPE bigint;
      ALTER TABLE services ALTER COLUMN last_seen DROP NOT NULL;
      ALTER TABLE resources ALTER COLUMN dropped_attributes_count SET DEFAULT 7;
      ALTER TABLE scopes ALTER COLUMN dropped_attributes_count DROP DEFAULT;
      ALTER TABLE operations ADD COLUMN extra text;
      ALTER TABLE scopes DROP COLUMN schema_url;
      DROP INDEX spans_service_name_start_time_idx;
      CREATE INDEX spans_service_name_start_time_idx ON spans (service_name, start_time);
      CREATE UNIQUE INDEX services_span_count_key ON services (span_count);
      CREATE TABLE stray (id int);
    `);
    const diffs = await diffSchema(db.pool, db.schema);
    expect(diffs.sort()).toEqual(
      [
        "column spans.flags (Span.flags): type is bigint, schema says integer",
        "column services.last_seen (Service.lastSeen): is nullable, schema says required",
        "column resources.dropped_attributes_count (Resource.droppedAttributesCount): default is 7, schema says 0",
        "column scopes.dropped_attributes_count (Scope.droppedAttributesCount): has no default, schema says 0",
        "column operations.extra exists but model Operation has no field for it",
        "column scopes.schema_url (Scope.schemaUrl) is missing",
        "spans: index spans_service_name_start_time_idx is index spans_service_name_start_time_idx btree (service_name, start_time), schema says index spans_service_name_start_time_idx btree (service_name, start_time DESC)",
        "services: unique services_span_count_key btree (span_count) exists but the schema does not declare it",
        'table "stray" exists but no model maps to it',
      ].sort(),
    );
  });

  it("reports a missing table and a changed primary key", async () => {
    await db.pool.query(`
      DROP TABLE operations;
      ALTER TABLE resources DROP CONSTRAINT resources_pkey;
      ALTER TABLE resources ADD CONSTRAINT resources_pkey PRIMARY KEY (id, service_name);
    `);
    const diffs = await diffSchema(db.pool, db.schema);
    expect(diffs).toContain('table "operations" (model Operation) is missing');
    expect(diffs).toContain(
      "resources: index resources_pkey is primary resources_pkey btree (id, service_name), schema says primary resources_pkey btree (id)",
    );
  });
});

describe("schema drift detection, schema side", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), "breakwater-schema-"));
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reports a schema.prisma edit that has no migration", async () => {
    const original = await readFile(SCHEMA_PATH, "utf8");
    const edited = original
      .replace(/flags( +)Int\?/, "flags$1BigInt?")
      .replace(/(model Service \{[^}]*?)(\n  @@map\("services"\))/, "$1\n  region String?\n  @@index([lastSeen])$2");
    expect(edited).not.toBe(original);
    const file = path.join(dir, "schema.prisma");
    await writeFile(file, edited);
    const diffs = await diffSchema(db.pool, db.schema, await loadDatamodel(file));
    expect(diffs.sort()).toEqual(
      [
        "column spans.flags (Span.flags): type is integer, schema says bigint",
        "column services.region (Service.region) is missing",
        "services: index services_last_seen_idx btree (last_seen) is missing",
      ].sort(),
    );
  });
});
