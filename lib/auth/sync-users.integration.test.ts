import { randomBytes, scrypt } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConfiguredUser } from "@/lib/env";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { authenticateUser } from "./authenticate-user";
import { hashPassword, hasCurrentParameters } from "./hash-password";
import { formatUserSyncNotice, GENERATED_ADMIN, syncUsers } from "./sync-users";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE users, sessions");
});

async function users(): Promise<Array<{ username: string; role: string; source: string; password_hash: string }>> {
  const { rows } = await db.pool.query("SELECT username, role, source, password_hash FROM users ORDER BY username");
  return rows;
}

async function addSession(username: string): Promise<void> {
  await db.pool.query(
    `INSERT INTO sessions (token_hash, username, role, created_at, expires_at, last_seen_at, source)
     VALUES (md5(random()::text), $1, 'operator', now(), now() + interval '1 hour', now(), 'test')`,
    [username],
  );
}

const sessionsOf = async (username: string) =>
  (await db.pool.query("SELECT 1 FROM sessions WHERE username = $1", [username])).rowCount;

describe("syncUsers", () => {
  it("with no operator configured, generates an admin once: the password is returned only on creation, only its hash stored", async () => {
    const first = await syncUsers([], db.pool);
    expect(first.admin).toBe("created");
    expect(first.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const [admin] = await users();
    expect(admin).toMatchObject({ username: GENERATED_ADMIN, role: "operator", source: "generated" });
    expect(admin.password_hash).toMatch(/^scrypt\$/);
    expect(admin.password_hash).not.toContain(first.password);
    expect(await authenticateUser(GENERATED_ADMIN, first.password!, db.pool)).toEqual({ username: "admin", role: "operator" });

    const notice = formatUserSyncNotice(first)!;
    expect(notice).toContain(`password:  ${first.password}`);
    expect(notice).toContain("shown only now");

    const second = await syncUsers([], db.pool);
    expect(second.admin).toBe("existing");
    expect(second.password).toBeUndefined();
    expect((await users())[0].password_hash).toBe(admin.password_hash);
    const reminder = formatUserSyncNotice(second)!;
    expect(reminder).toContain("printed on first start; set BREAKWATER_USERS to choose your own");
    expect(reminder).not.toContain(first.password);
  });

  it("a configured viewer alone still gets a generated operator", async () => {
    const result = await syncUsers([{ username: "vera", role: "viewer", secret: "vera-pw" }], db.pool);
    expect(result.admin).toBe("created");
    expect((await users()).map((user) => `${user.username}:${user.role}:${user.source}`)).toEqual([
      "admin:operator:generated",
      "vera:viewer:config",
    ]);
  });

  it("stores configured users hashed (plaintext) or as given (scrypt$), and drops the generated admin once an operator is configured", async () => {
    await syncUsers([], db.pool);
    await addSession(GENERATED_ADMIN);
    const stored = await hashPassword("bob-pw");
    const config: ConfiguredUser[] = [
      { username: "alice", role: "operator", secret: "alice-pw" },
      { username: "bob", role: "viewer", secret: stored },
    ];
    const result = await syncUsers(config, db.pool);
    expect(result).toMatchObject({ admin: "none", changed: ["alice", "bob"], removed: [GENERATED_ADMIN] });
    expect(formatUserSyncNotice(result)).toBeUndefined();
    const rows = await users();
    expect(rows.map((user) => user.username)).toEqual(["alice", "bob"]);
    expect(rows[0].password_hash).not.toContain("alice-pw");
    expect(rows[1].password_hash).toBe(stored);
    expect(await sessionsOf(GENERATED_ADMIN)).toBe(0);
    expect(await authenticateUser("alice", "alice-pw", db.pool)).toEqual({ username: "alice", role: "operator" });
    expect(await authenticateUser("bob", "bob-pw", db.pool)).toEqual({ username: "bob", role: "viewer" });
    expect(await authenticateUser("alice", "wrong", db.pool)).toBeUndefined();
    expect(await authenticateUser("nobody", "alice-pw", db.pool)).toBeUndefined();

    // Unchanged configuration: nothing rewritten, sessions kept.
    await addSession("alice");
    const again = await syncUsers(config, db.pool);
    expect(again).toMatchObject({ changed: [], removed: [] });
    expect((await users())[0].password_hash).toBe(rows[0].password_hash);
    expect(await sessionsOf("alice")).toBe(1);
  });

  it("a changed password or role ends that user's sessions; a user dropped from the configuration is deleted", async () => {
    await syncUsers(
      [
        { username: "alice", role: "operator", secret: "one" },
        { username: "bob", role: "operator", secret: "bob" },
      ],
      db.pool,
    );
    await addSession("alice");
    await addSession("bob");
    const result = await syncUsers([{ username: "alice", role: "viewer", secret: "two" }], db.pool);
    expect(result).toMatchObject({ changed: ["alice"], removed: ["bob"], admin: "created" });
    expect(await sessionsOf("alice")).toBe(0);
    expect(await sessionsOf("bob")).toBe(0);
    expect(await authenticateUser("alice", "two", db.pool)).toEqual({ username: "alice", role: "viewer" });
    expect(await authenticateUser("bob", "bob", db.pool)).toBeUndefined();
  });

  it("two processes starting at once generate one admin", async () => {
    const results = await Promise.all([syncUsers([], db.pool), syncUsers([], db.pool)]);
    expect(results.map((result) => result.admin).sort()).toEqual(["created", "existing"]);
    expect(await users()).toHaveLength(1);
  });

  it("rehashes an unchanged plaintext password stored with older parameters, keeping its sessions", async () => {
    const config: ConfiguredUser[] = [{ username: "alice", role: "operator", secret: "alice-pw" }];
    await syncUsers(config, db.pool);
    // As stored before the parameters were raised (p=1).
    const old = await hashWithParams("alice-pw", { N: 2 ** 15, r: 8, p: 1 });
    await db.pool.query("UPDATE users SET password_hash = $1 WHERE username = 'alice'", [old]);
    await addSession("alice");
    const result = await syncUsers(config, db.pool);
    expect(result).toMatchObject({ changed: [], removed: [], rehashed: ["alice"] });
    const [row] = await users();
    expect(row.password_hash).not.toBe(old);
    expect(hasCurrentParameters(row.password_hash)).toBe(true);
    expect(await sessionsOf("alice")).toBe(1);
    expect(await authenticateUser("alice", "alice-pw", db.pool)).toEqual({ username: "alice", role: "operator" });
    expect((await syncUsers(config, db.pool)).rehashed).toEqual([]);
  });
});

/** A hash in hashPassword's format with the given scrypt parameters. */
function hashWithParams(password: string, params: { N: number; r: number; p: number }): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, { ...params, maxmem: 256 * params.N * params.r }, (error, key) =>
      error
        ? reject(error)
        : resolve(["scrypt", params.N, params.r, params.p, salt.toString("base64"), key.toString("base64")].join("$")),
    ),
  );
}
