/**
 * Authentication for the reference server: password login with a rate limit per login and per
 * client address, opaque session tokens (sent as JSON and as an HttpOnly SameSite=Strict cookie, or
 * as `Authorization: Bearer`), API keys for machine clients, logout and session expiry. Only hashes
 * of tokens and keys are stored; nothing here ever logs a password, token or key.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto"
import type { IncomingMessage } from "node:http"
import { HttpError, type Principal } from "../http"
import type { ApiKeyRecord, CredentialStore } from "./CredentialStore"
import { defaultScryptParams, hashPassword, needsRehash, type ScryptParams, verifyPassword } from "./passwords"

/** The session cookie's name. */
export const sessionCookieName = "winback_session"

const sessionPrefix = "wbs_"
const keyPrefix = "wbk_"

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex")

/** Options of {@link createAuth}. */
export interface AuthOptions {
  readonly store: CredentialStore
  /** Session lifetime (default 12 hours). */
  readonly sessionTtlMs?: number
  /** Cost of new password hashes (default {@link defaultScryptParams}); weaker stored hashes are upgraded on login. */
  readonly scrypt?: ScryptParams
  /** Failed logins allowed per login and per address in the window (default 10 in 15 minutes). */
  readonly rateLimit?: { readonly maxFailures: number; readonly windowMs: number }
  /** Add `Secure` to the cookie (when served over HTTPS). */
  readonly secureCookie?: boolean
  /** The clock (tests move it). */
  readonly now?: () => number
}

/** A fresh login: the token (shown once) and when it expires. */
export interface LoginResult {
  readonly token: string
  readonly managerId: string
  readonly expiresAt: string
  /** The `Set-Cookie` header value carrying the token. */
  readonly cookie: string
}

/** An API key as listed (never the key itself). */
export type ApiKeyInfo = Omit<ApiKeyRecord, "keyHash">

/** Counts failures per key in a sliding window. */
class FailureWindow {
  private readonly failures = new Map<string, Array<number>>()
  constructor(
    private readonly max: number,
    private readonly windowMs: number
  ) {}
  private recent(key: string, now: number): Array<number> {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs)
    if (list.length === 0) this.failures.delete(key)
    else this.failures.set(key, list)
    return list
  }
  /** Seconds until `key` may try again, or 0. */
  retryAfter(key: string, now: number): number {
    const list = this.recent(key, now)
    return list.length >= this.max ? Math.max(1, Math.ceil((list[list.length - this.max]! + this.windowMs - now) / 1000)) : 0
  }
  fail(key: string, now: number): void {
    // Bounded memory: forget the oldest key when too many addresses are tracked.
    if (!this.failures.has(key) && this.failures.size >= 100_000) this.failures.delete(this.failures.keys().next().value!)
    this.failures.set(key, [...this.recent(key, now), now].slice(-this.max))
  }
  clear(key: string): void {
    this.failures.delete(key)
  }
}

const parseCookies = (header: string | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=")
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim()
  }
  return out
}

/** The caller's address (the socket peer; the server does not trust forwarded headers). */
export const clientAddress = (req: IncomingMessage): string => req.socket.remoteAddress ?? "unknown"

/**
 * The authentication service.
 *
 * @example
 * ```ts
 * const auth = await createAuth({ store: memoryCredentialStore() })
 * await auth.setPasswords([{ login: "m-1", managerId: "m-1", password: "winback-demo" }])
 * const { token } = await auth.login("m-1", "winback-demo", "127.0.0.1")
 * ```
 */
export const createAuth = async (options: AuthOptions) => {
  const store = options.store
  const now = options.now ?? Date.now
  const ttl = options.sessionTtlMs ?? 12 * 60 * 60 * 1000
  const params = options.scrypt ?? defaultScryptParams
  const limit = options.rateLimit ?? { maxFailures: 10, windowMs: 15 * 60 * 1000 }
  const failures = new FailureWindow(limit.maxFailures, limit.windowMs)
  await store.init()
  // Unknown logins still pay one hash, so timing does not tell which logins exist.
  const dummyHash = await hashPassword(randomBytes(16).toString("hex"), params)
  const iso = (ms: number) => new Date(ms).toISOString()

  const cookie = (token: string, maxAgeSeconds: number) =>
    `${sessionCookieName}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${options.secureCookie ? "; Secure" : ""}`

  const tokenOf = (req: IncomingMessage): string | null => {
    const header = req.headers.authorization
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header)
      return m ? m[1]! : null
    }
    return parseCookies(req.headers.cookie)[sessionCookieName] ?? null
  }

  const keyInfo = ({ keyHash: _h, ...info }: ApiKeyRecord): ApiKeyInfo => info

  return {
    /**
     * Sets (or replaces) passwords; hashes with the current parameters, or with `cost` (the demo
     * seeds many at a low cost: each is upgraded to the current cost at its first login).
     */
    setPasswords: async (entries: ReadonlyArray<{ readonly login: string; readonly managerId: string; readonly password: string }>, cost: ScryptParams = params): Promise<void> => {
      const at = iso(now())
      const records = await Promise.all(entries.map(async (e) => ({ login: e.login, managerId: e.managerId, hash: await hashPassword(e.password, cost), updatedAt: at })))
      await store.putPasswords(records)
    },

    /** How many logins have a password. */
    countPasswords: () => store.countPasswords(),

    /**
     * Checks a login's password and opens a session. Fails with 429 (`rate_limited`, Retry-After)
     * after too many failures for the login or the address, and 401 (`invalid_credentials`) on a
     * wrong login or password (the same answer for both).
     */
    login: async (login: string, password: string, address: string): Promise<LoginResult> => {
      const t = now()
      const wait = Math.max(failures.retryAfter(`login:${login}`, t), failures.retryAfter(`ip:${address}`, t))
      if (wait > 0) throw new HttpError(429, "rate_limited", "too many failed logins; try again later", { "retry-after": String(wait) }, { retryAfterSeconds: wait })
      const record = await store.getPassword(login)
      const ok = await verifyPassword(password, record?.hash ?? dummyHash)
      if (!record || !ok) {
        failures.fail(`login:${login}`, t)
        failures.fail(`ip:${address}`, t)
        throw new HttpError(401, "invalid_credentials", "wrong login or password")
      }
      failures.clear(`login:${login}`)
      if (needsRehash(record.hash, params)) {
        await store.putPasswords([{ ...record, hash: await hashPassword(password, params), updatedAt: iso(t) }])
      }
      const token = sessionPrefix + randomBytes(32).toString("base64url")
      const expiresAt = iso(t + ttl)
      await store.putSession({ id: randomUUID(), tokenHash: sha256(token), managerId: record.managerId, createdAt: iso(t), expiresAt })
      return { token, managerId: record.managerId, expiresAt, cookie: cookie(token, Math.floor(ttl / 1000)) }
    },

    /**
     * Changes a login's password after checking the current one (counted against the same rate
     * limit as logins); the new one is hashed at the current cost.
     */
    changePassword: async (login: string, current: string, next: string, address: string): Promise<void> => {
      const t = now()
      const wait = Math.max(failures.retryAfter(`login:${login}`, t), failures.retryAfter(`ip:${address}`, t))
      if (wait > 0) throw new HttpError(429, "rate_limited", "too many failed attempts; try again later", { "retry-after": String(wait) }, { retryAfterSeconds: wait })
      const record = await store.getPassword(login)
      if (!record || !(await verifyPassword(current, record.hash))) {
        failures.fail(`login:${login}`, t)
        failures.fail(`ip:${address}`, t)
        throw new HttpError(403, "forbidden", "the current password is wrong")
      }
      await store.putPasswords([{ ...record, hash: await hashPassword(next, params), updatedAt: iso(t) }])
    },

    /** The caller of a request, from `Authorization: Bearer` (session token or API key) or the session cookie. */
    authenticate: async (req: IncomingMessage): Promise<Principal | null> => {
      const token = tokenOf(req)
      if (token === null || token.length > 200) return null
      if (token.startsWith(keyPrefix)) {
        const key = await store.getApiKeyByHash(sha256(token))
        return key && key.revokedAt === null ? { managerId: key.managerId, via: "api-key", credentialId: key.id } : null
      }
      if (!token.startsWith(sessionPrefix)) return null
      const session = await store.getSession(sha256(token))
      if (!session) return null
      if (session.expiresAt <= iso(now())) {
        await store.deleteSession(session.tokenHash)
        return null
      }
      return { managerId: session.managerId, via: "session", credentialId: session.id }
    },

    /** Ends the request's session (no-op for API keys); answers the cookie header that clears it. */
    logout: async (req: IncomingMessage): Promise<string> => {
      const token = tokenOf(req)
      if (token !== null && token.startsWith(sessionPrefix)) await store.deleteSession(sha256(token))
      return cookie("", 0)
    },

    /** Deletes expired sessions; answers how many. */
    sweep: () => store.deleteExpiredSessions(iso(now())),

    /** Creates an API key bound to `managerId`; the key is in the answer only. */
    createApiKey: async (input: { readonly name: string; readonly managerId: string }, createdBy: string): Promise<{ readonly key: string; readonly info: ApiKeyInfo }> => {
      const key = keyPrefix + randomBytes(32).toString("base64url")
      const record: ApiKeyRecord = { id: `key-${randomUUID()}`, name: input.name, keyHash: sha256(key), managerId: input.managerId, createdBy, createdAt: iso(now()), revokedAt: null }
      await store.putApiKey(record)
      return { key, info: keyInfo(record) }
    },

    listApiKeys: async (page: { readonly limit: number; readonly cursor: string | null }) => {
      const p = await store.listApiKeys(page)
      return { items: p.items.map(keyInfo), nextCursor: p.nextCursor }
    },

    getApiKey: async (id: string): Promise<ApiKeyInfo | null> => {
      const k = await store.getApiKey(id)
      return k ? keyInfo(k) : null
    },

    /** Revokes a key; `null` when there is no such key. */
    revokeApiKey: async (id: string): Promise<ApiKeyInfo | null> => {
      const k = await store.revokeApiKey(id, iso(now()))
      return k ? keyInfo(k) : null
    }
  }
}

/** The authentication service {@link createAuth} builds. */
export type Auth = Awaited<ReturnType<typeof createAuth>>
