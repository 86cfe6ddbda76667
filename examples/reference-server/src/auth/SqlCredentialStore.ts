/**
 * The credential store on the same PGlite / PostgreSQL database as the Winback stores, in the
 * server's own tables (created on start). Every statement is constant text with bound parameters
 * ($1, $2, ...), run through the storage driver (under PGlite's connection lock). The server has no
 * drizzle dependency of its own, so it uses the driver client's parameterised `query`.
 */
import type { OpenStorage } from "@winback/adapters"
import type { ApiKeyRecord, CredentialStore, PasswordRecord, SessionRecord } from "./CredentialStore"

type Row = Record<string, unknown>
type Query = (text: string, params?: ReadonlyArray<unknown>) => Promise<Array<Row>>

const ddl = [
  `CREATE TABLE IF NOT EXISTS winback_server_passwords (
    login text PRIMARY KEY, manager_id text NOT NULL, hash text NOT NULL, updated_at text NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS winback_server_sessions (
    id text PRIMARY KEY, token_hash text NOT NULL UNIQUE, manager_id text NOT NULL, created_at text NOT NULL, expires_at text NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS winback_server_sessions_expires ON winback_server_sessions (expires_at)`,
  `CREATE INDEX IF NOT EXISTS winback_server_sessions_manager ON winback_server_sessions (manager_id)`,
  `CREATE TABLE IF NOT EXISTS winback_server_api_keys (
    id text PRIMARY KEY, name text NOT NULL, key_hash text NOT NULL UNIQUE, manager_id text NOT NULL,
    created_by text NOT NULL, created_at text NOT NULL, revoked_at text)`
]

const password = (r: Row): PasswordRecord => ({ login: String(r.login), managerId: String(r.manager_id), hash: String(r.hash), updatedAt: String(r.updated_at) })
const session = (r: Row): SessionRecord => ({
  id: String(r.id),
  tokenHash: String(r.token_hash),
  managerId: String(r.manager_id),
  createdAt: String(r.created_at),
  expiresAt: String(r.expires_at)
})
const apiKey = (r: Row): ApiKeyRecord => ({
  id: String(r.id),
  name: String(r.name),
  keyHash: String(r.key_hash),
  managerId: String(r.manager_id),
  createdBy: String(r.created_by),
  createdAt: String(r.created_at),
  revokedAt: r.revoked_at === null || r.revoked_at === undefined ? null : String(r.revoked_at)
})

/**
 * The credential store over an open SQL storage.
 *
 * @example
 * ```ts
 * const storage = await PgliteStorage.open({ dataDir: ".data/winback" })
 * const credentials = sqlCredentialStore(storage)
 * await credentials.init()
 * ```
 */
export const sqlCredentialStore = (storage: Pick<OpenStorage, "run">): CredentialStore => {
  const query: Query = (text, params = []) =>
    storage.run(async (db) => {
      const client = (db as unknown as { $client: { query: (t: string, p: ReadonlyArray<unknown>) => Promise<{ rows: Array<Row> }> } }).$client
      return (await client.query(text, params)).rows
    })
  return {
    init: async () => {
      for (const statement of ddl) await query(statement)
    },
    getPassword: async (login) => (await query("SELECT * FROM winback_server_passwords WHERE login = $1", [login])).map(password)[0] ?? null,
    putPasswords: async (records) => {
      for (const r of records) {
        await query(
          `INSERT INTO winback_server_passwords (login, manager_id, hash, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (login) DO UPDATE SET manager_id = EXCLUDED.manager_id, hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at`,
          [r.login, r.managerId, r.hash, r.updatedAt]
        )
      }
    },
    countPasswords: async () => Number((await query("SELECT count(*) AS n FROM winback_server_passwords"))[0]?.n ?? 0),
    putSession: async (r) => {
      await query("INSERT INTO winback_server_sessions (id, token_hash, manager_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)", [
        r.id,
        r.tokenHash,
        r.managerId,
        r.createdAt,
        r.expiresAt
      ])
    },
    getSession: async (h) => (await query("SELECT * FROM winback_server_sessions WHERE token_hash = $1", [h])).map(session)[0] ?? null,
    deleteSession: async (h) => (await query("DELETE FROM winback_server_sessions WHERE token_hash = $1 RETURNING id", [h])).length > 0,
    deleteExpiredSessions: async (now) => (await query("DELETE FROM winback_server_sessions WHERE expires_at <= $1 RETURNING id", [now])).length,
    putApiKey: async (r) => {
      await query(
        "INSERT INTO winback_server_api_keys (id, name, key_hash, manager_id, created_by, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [r.id, r.name, r.keyHash, r.managerId, r.createdBy, r.createdAt, r.revokedAt]
      )
    },
    getApiKeyByHash: async (h) => (await query("SELECT * FROM winback_server_api_keys WHERE key_hash = $1", [h])).map(apiKey)[0] ?? null,
    getApiKey: async (id) => (await query("SELECT * FROM winback_server_api_keys WHERE id = $1", [id])).map(apiKey)[0] ?? null,
    listApiKeys: async ({ limit, cursor }) => {
      const rows = (await query("SELECT * FROM winback_server_api_keys WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2", [cursor, limit + 1])).map(apiKey)
      const items = rows.slice(0, limit)
      return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null }
    },
    revokeApiKey: async (id, at) =>
      (await query("UPDATE winback_server_api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING *", [id, at])).map(apiKey)[0] ?? null,
    loginsOf: async (managerId) => (await query("SELECT login FROM winback_server_passwords WHERE manager_id = $1 ORDER BY login", [managerId])).map((r) => String(r.login)),
    deleteSessionsOf: async (managerId, exceptId) =>
      (await query("DELETE FROM winback_server_sessions WHERE manager_id = $1 AND ($2::text IS NULL OR id <> $2) RETURNING id", [managerId, exceptId])).length,
    revokeApiKeysOf: async (managerId, at) =>
      (await query("UPDATE winback_server_api_keys SET revoked_at = $2 WHERE manager_id = $1 AND revoked_at IS NULL RETURNING *", [managerId, at])).map(apiKey)
  }
}
