/**
 * Where the server keeps credentials: password hashes, sessions (only the SHA-256 of each token) and
 * API keys (only the SHA-256 of each key). Server-owned storage, apart from the Winback stores: the
 * packages know managers, not how they log in. One in-memory implementation here; the SQL one
 * (same database as the Winback stores) is in SqlCredentialStore.ts.
 */
import type { Page } from "@winback/core"

/** A login's password hash. */
export interface PasswordRecord {
  readonly login: string
  readonly managerId: string
  /** `scrypt$N$r$p$salt$hash` (see passwords.ts). */
  readonly hash: string
  readonly updatedAt: string
}

/** A login session; the token itself is never stored. */
export interface SessionRecord {
  readonly id: string
  readonly tokenHash: string
  readonly managerId: string
  readonly createdAt: string
  readonly expiresAt: string
}

/** An API key for a machine client, acting with its manager's scope; the key itself is never stored. */
export interface ApiKeyRecord {
  readonly id: string
  readonly name: string
  readonly keyHash: string
  readonly managerId: string
  readonly createdBy: string
  readonly createdAt: string
  readonly revokedAt: string | null
}

/**
 * The credential storage port. Implementations MUST make `putSession` / `putApiKey` with an
 * existing hash fail rather than overwrite, and `revokeApiKey` idempotent (the first revocation
 * time stays).
 *
 * @example
 * ```ts
 * const store: CredentialStore = memoryCredentialStore()
 * await store.putPassword({ login: "m-1", managerId: "m-1", hash, updatedAt: new Date().toISOString() })
 * ```
 */
export interface CredentialStore {
  /** Creates the storage it needs (idempotent). */
  readonly init: () => Promise<void>
  readonly getPassword: (login: string) => Promise<PasswordRecord | null>
  /** Inserts or replaces the passwords of these logins. */
  readonly putPasswords: (records: ReadonlyArray<PasswordRecord>) => Promise<void>
  readonly countPasswords: () => Promise<number>
  readonly putSession: (record: SessionRecord) => Promise<void>
  readonly getSession: (tokenHash: string) => Promise<SessionRecord | null>
  /** True when a session was deleted. */
  readonly deleteSession: (tokenHash: string) => Promise<boolean>
  /** Deletes sessions expired at `now`; answers how many. */
  readonly deleteExpiredSessions: (now: string) => Promise<number>
  readonly putApiKey: (record: ApiKeyRecord) => Promise<void>
  readonly getApiKeyByHash: (keyHash: string) => Promise<ApiKeyRecord | null>
  readonly getApiKey: (id: string) => Promise<ApiKeyRecord | null>
  /** Keys by id. */
  readonly listApiKeys: (page: { readonly limit: number; readonly cursor: string | null }) => Promise<Page<ApiKeyRecord>>
  /** Marks the key revoked at `at` (keeps an earlier revocation); `null` when there is no such key. */
  readonly revokeApiKey: (id: string, at: string) => Promise<ApiKeyRecord | null>
  /** The logins that belong to `managerId`. */
  readonly loginsOf: (managerId: string) => Promise<ReadonlyArray<string>>
  /** Deletes every session of `managerId` but the one with id `exceptId`; answers how many. */
  readonly deleteSessionsOf: (managerId: string, exceptId: string | null) => Promise<number>
  /** Revokes every unrevoked key bound to `managerId` at `at`; answers the keys it revoked. */
  readonly revokeApiKeysOf: (managerId: string, at: string) => Promise<ReadonlyArray<ApiKeyRecord>>
}

/**
 * Credentials in process memory (tests, the memory storage).
 *
 * @example
 * ```ts
 * const store = memoryCredentialStore()
 * await store.init()
 * ```
 */
export const memoryCredentialStore = (): CredentialStore => {
  const passwords = new Map<string, PasswordRecord>()
  const sessions = new Map<string, SessionRecord>()
  const keys = new Map<string, ApiKeyRecord>()
  return {
    init: async () => {},
    getPassword: async (login) => passwords.get(login) ?? null,
    putPasswords: async (records) => {
      for (const r of records) passwords.set(r.login, r)
    },
    countPasswords: async () => passwords.size,
    putSession: async (r) => {
      if (sessions.has(r.tokenHash)) throw new Error("duplicate session")
      sessions.set(r.tokenHash, r)
    },
    getSession: async (h) => sessions.get(h) ?? null,
    deleteSession: async (h) => sessions.delete(h),
    deleteExpiredSessions: async (now) => {
      let n = 0
      for (const [h, s] of sessions) if (s.expiresAt <= now) n += sessions.delete(h) ? 1 : 0
      return n
    },
    putApiKey: async (r) => {
      if (keys.has(r.id) || [...keys.values()].some((k) => k.keyHash === r.keyHash)) throw new Error("duplicate api key")
      keys.set(r.id, r)
    },
    getApiKeyByHash: async (h) => [...keys.values()].find((k) => k.keyHash === h) ?? null,
    getApiKey: async (id) => keys.get(id) ?? null,
    listApiKeys: async ({ limit, cursor }) => {
      const all = [...keys.values()].filter((k) => cursor === null || k.id > cursor).sort((a, b) => (a.id < b.id ? -1 : 1))
      const items = all.slice(0, limit)
      return { items, nextCursor: all.length > limit ? items[items.length - 1]!.id : null }
    },
    revokeApiKey: async (id, at) => {
      const k = keys.get(id)
      if (!k) return null
      const next = k.revokedAt ? k : { ...k, revokedAt: at }
      keys.set(id, next)
      return next
    },
    loginsOf: async (managerId) => [...passwords.values()].filter((p) => p.managerId === managerId).map((p) => p.login),
    deleteSessionsOf: async (managerId, exceptId) => {
      let n = 0
      for (const [h, s] of sessions) if (s.managerId === managerId && s.id !== exceptId) n += sessions.delete(h) ? 1 : 0
      return n
    },
    revokeApiKeysOf: async (managerId, at) => {
      const revoked: Array<ApiKeyRecord> = []
      for (const k of keys.values()) {
        if (k.managerId !== managerId || k.revokedAt !== null) continue
        const next = { ...k, revokedAt: at }
        keys.set(k.id, next)
        revoked.push(next)
      }
      return revoked
    }
  }
}
