/**
 * Authentication for the reference server: password login with an atomic rate limit per login and
 * per client address (a known device, or a leader's reset, passes a locked login), opaque session
 * tokens (sent as JSON and as an HttpOnly SameSite=Strict cookie, or as `Authorization: Bearer`),
 * API keys for machine clients, logout and session expiry. Only hashes of tokens and keys are
 * stored; nothing here ever logs a password, token or key.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto"
import type { IncomingMessage } from "node:http"
import { HttpError, type Principal } from "../http"
import type { ApiKeyRecord, CredentialStore } from "./CredentialStore"
import { defaultScryptParams, hashPassword, needsRehash, type ScryptParams, verifyPassword } from "./passwords"

/** The session cookie's name. */
export const sessionCookieName = "winback_session"

/**
 * The device cookie's name: set at each successful login, it marks the browser as one that has
 * logged in as that login before, so a lockout caused by someone else's failures does not apply to it.
 */
export const deviceCookieName = "winback_device"

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
  /**
   * Failed logins allowed in the window: `maxFailures` per login (default 10 in 15 minutes) and
   * `maxFailuresPerAddress` per client address (default 10 × `maxFailures`): a call center's agents
   * often share one address behind NAT and log in together at the start of a shift, and every
   * login is counted against its address while its password is checked.
   */
  readonly rateLimit?: { readonly maxFailures: number; readonly windowMs: number; readonly maxFailuresPerAddress?: number }
  /** Add `Secure` to the cookie (when served over HTTPS). */
  readonly secureCookie?: boolean
  /** The clock (tests move it). */
  readonly now?: () => number
  /**
   * Whether a manager may log in and act (the staff directory's `active`). A deactivated manager
   * gets no token (403 `account_deactivated` for the right password), and their sessions and API
   * keys are ended in storage at their next request (see `endCredentialsOf`, which the deactivation
   * route calls at once). Default: everyone is active.
   */
  readonly isActive?: (managerId: string) => Promise<boolean>
  /**
   * How many reverse proxies in front of the server append to `X-Forwarded-For` (default 0: the
   * header is ignored and the socket peer is the client address). See {@link clientAddress}.
   */
  readonly trustProxy?: number
  /**
   * The key device cookies are signed with (default: random per process, so known devices are
   * forgotten on restart — together with every failure count, which lives in memory too).
   */
  readonly deviceKey?: Uint8Array
}

/** How long a device cookie is kept (180 days). */
const deviceTtlSeconds = 180 * 24 * 60 * 60

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

/**
 * Counts failures per key in a sliding window. An attempt is reserved (counted as a failure) before
 * its password is checked and released only when it succeeds, so N concurrent attempts cannot all
 * pass the check while the first ones are still hashing: check and reserve happen in one
 * synchronous step, with no await between them.
 */
class FailureWindow {
  private readonly failures = new Map<string, Array<{ readonly at: number }>>()
  constructor(
    /** The allowance of a bucket, by its key (`ip:…` buckets are larger than `login:…` ones). */
    private readonly maxOf: (key: string) => number,
    private readonly windowMs: number
  ) {}
  private recent(key: string, now: number): Array<{ readonly at: number }> {
    const list = (this.failures.get(key) ?? []).filter((f) => f.at > now - this.windowMs)
    if (list.length === 0) this.failures.delete(key)
    else this.failures.set(key, list)
    return list
  }
  /** Seconds until `key` may try again, or 0. */
  retryAfter(key: string, now: number): number {
    const list = this.recent(key, now)
    const max = this.maxOf(key)
    return list.length >= max ? Math.max(1, Math.ceil((list[list.length - max]!.at + this.windowMs - now) / 1000)) : 0
  }
  /**
   * Reserves one attempt on every key at once, or none: answers the seconds to wait when any key
   * is exhausted, otherwise a function that releases the reservation (call it on success).
   */
  reserve(keys: ReadonlyArray<string>, now: number): { readonly wait: number; readonly release: () => void } {
    const wait = Math.max(0, ...keys.map((k) => this.retryAfter(k, now)))
    if (wait > 0) return { wait, release: () => undefined }
    const entry = { at: now }
    for (const key of keys) {
      // Bounded memory: forget the oldest key when too many addresses are tracked.
      if (!this.failures.has(key) && this.failures.size >= 100_000) this.failures.delete(this.failures.keys().next().value!)
      this.failures.set(key, [...this.recent(key, now), entry])
    }
    return {
      wait: 0,
      release: () => {
        for (const key of keys) {
          const list = this.failures.get(key)?.filter((f) => f !== entry)
          if (list === undefined || list.length === 0) this.failures.delete(key)
          else this.failures.set(key, list)
        }
      }
    }
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

/**
 * The caller's address: the socket peer, or — when the server runs behind `trustProxy` proxies
 * that each append the address they saw — the entry of `X-Forwarded-For` that many places from
 * its end (entries further left are whatever the client claimed, and never trusted).
 *
 * @example
 * ```ts
 * clientAddress(req)    // the socket peer
 * clientAddress(req, 1) // behind one reverse proxy: the address that proxy saw
 * ```
 */
export const clientAddress = (req: IncomingMessage, trustProxy = 0): string => {
  const peer = req.socket.remoteAddress ?? "unknown"
  if (trustProxy <= 0) return peer
  const header = req.headers["x-forwarded-for"]
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  if (hops.length === 0) return peer
  return hops[Math.max(0, hops.length - trustProxy)]!
}

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
  const isActive = options.isActive ?? (async () => true)
  const deviceKey = options.deviceKey ?? randomBytes(32)
  const perAddress = limit.maxFailuresPerAddress ?? limit.maxFailures * 10
  const failures = new FailureWindow((key) => (key.startsWith("ip:") ? perAddress : limit.maxFailures), limit.windowMs)
  await store.init()
  // Unknown logins verify against a hash at the current cost, so timing does not tell which logins exist.
  const dummyHash = await hashPassword(randomBytes(16).toString("hex"), params)
  const iso = (ms: number) => new Date(ms).toISOString()
  const secure = options.secureCookie ? "; Secure" : ""

  const cookie = (token: string, maxAgeSeconds: number) => `${sessionCookieName}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`

  const deviceMac = (login: string, id: string) => createHmac("sha256", deviceKey).update(`${login}\n${id}`).digest("base64url")
  /** The id of the device cookie in `req` when it was issued for `login`, else null. */
  const knownDevice = (req: IncomingMessage | undefined, login: string): string | null => {
    const value = req ? parseCookies(req.headers.cookie)[deviceCookieName] : undefined
    const m = value === undefined ? null : /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value)
    if (!m) return null
    const [expected, given] = [Buffer.from(deviceMac(login, m[1]!)), Buffer.from(m[2]!)]
    return expected.length === given.length && timingSafeEqual(expected, given) ? m[1]! : null
  }
  const deviceCookie = (login: string, id: string) =>
    `${deviceCookieName}=${id}.${deviceMac(login, id)}; Path=/api; HttpOnly; SameSite=Strict; Max-Age=${deviceTtlSeconds}${secure}`

  const tokenOf = (req: IncomingMessage): string | null => {
    const header = req.headers.authorization
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header)
      return m ? m[1]! : null
    }
    return parseCookies(req.headers.cookie)[sessionCookieName] ?? null
  }

  const keyInfo = ({ keyHash: _h, ...info }: ApiKeyRecord): ApiKeyInfo => info

  const rateLimited = (wait: number, what: string) =>
    new HttpError(429, "rate_limited", `too many failed ${what}; try again later`, { "retry-after": String(wait) }, { retryAfterSeconds: wait })

  /**
   * Checks `password` for `login` with the same work whatever the outcome: one verification at the
   * current cost for unknown logins, and for a stored hash weaker than the current cost (the demo's
   * cheap first hashes) a second one at the current cost, so neither an unknown login nor a
   * cheaply hashed one answers faster than a real one.
   */
  const check = async (login: string, password: string) => {
    const record = await store.getPassword(login)
    const ok = await verifyPassword(password, record?.hash ?? dummyHash)
    const weak = record !== null && needsRehash(record.hash, params)
    if (record === null || !ok) {
      if (weak) await verifyPassword(password, dummyHash)
      return null
    }
    return { record, weak }
  }

  /**
   * Runs `attempt` holding one reservation on the rate-limit buckets `keys`: refused at once with
   * 429 when a bucket is exhausted; the reservation stays as a failure when `attempt` throws an
   * {@link HttpError} (a refused password), and is released on success or on any other error.
   */
  const limited = async <A>(keys: ReadonlyArray<string>, what: string, attempt: () => Promise<A>): Promise<A> => {
    const slot = failures.reserve(keys, now())
    if (slot.wait > 0) throw rateLimited(slot.wait, what)
    try {
      const out = await attempt()
      slot.release()
      return out
    } catch (e) {
      if (!(e instanceof HttpError)) slot.release()
      throw e
    }
  }

  const invalid = () => new HttpError(401, "invalid_credentials", "wrong login or password")
  const deactivated = () => new HttpError(403, "account_deactivated", "this account is deactivated: ask an administrator to reactivate it")

  const endCredentialsOf = async (managerId: string): Promise<{ readonly sessionsEnded: number; readonly apiKeysRevoked: ReadonlyArray<ApiKeyInfo> }> => {
    const sessionsEnded = await store.deleteSessionsOf(managerId, null)
    const revoked = await store.revokeApiKeysOf(managerId, iso(now()))
    return { sessionsEnded, apiKeysRevoked: revoked.map(keyInfo) }
  }

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

    /** The client address of a request (honouring {@link AuthOptions.trustProxy}). */
    addressOf: (req: IncomingMessage): string => clientAddress(req, options.trustProxy ?? 0),

    /**
     * Checks a login's password and opens a session. Fails with 429 (`rate_limited`, Retry-After)
     * after too many failures for the login or the address — a device that logged in as this login
     * before (its device cookie, in `req`) is counted on its own instead — and 401
     * (`invalid_credentials`) on a wrong login or password (the same answer for both); the right
     * password of a deactivated manager gets 403 (`account_deactivated`), which tells only someone
     * who already knows the password. Every attempt is counted before its password is checked.
     */
    login: async (login: string, password: string, address: string, req?: IncomingMessage): Promise<LoginResult & { readonly deviceCookie: string }> => {
      const device = knownDevice(req, login)
      const keys = device !== null ? [`device:${login}:${device}`] : [`login:${login}`, `ip:${address}`]
      const { record, weak } = await limited(keys, "logins", async () => {
        const found = await check(login, password)
        if (found === null) throw invalid()
        // Only someone who knows the password learns that the account is deactivated.
        if (!(await isActive(found.record.managerId))) throw deactivated()
        return found
      })
      const t = now()
      // Only the bucket this attempt was counted on starts afresh: a known device's success does not
      // lift the lockout others' failures put on the login for unknown devices.
      failures.clear(keys[0]!)
      if (weak) await store.putPasswords([{ ...record, hash: await hashPassword(password, params), updatedAt: iso(t) }])
      const token = sessionPrefix + randomBytes(32).toString("base64url")
      const expiresAt = iso(t + ttl)
      await store.putSession({ id: randomUUID(), tokenHash: sha256(token), managerId: record.managerId, createdAt: iso(t), expiresAt })
      return {
        token,
        managerId: record.managerId,
        expiresAt,
        cookie: cookie(token, Math.floor(ttl / 1000)),
        deviceCookie: deviceCookie(login, device ?? randomBytes(16).toString("base64url"))
      }
    },

    /**
     * Changes a login's password after checking the current one (counted against the same rate
     * limit as logins); the new one is hashed at the current cost. Every other session of the
     * manager (all but `keepSessionId`) ends and every API key bound to them is revoked, at once.
     */
    changePassword: async (
      login: string,
      current: string,
      next: string,
      address: string,
      keepSessionId: string | null
    ): Promise<{ readonly sessionsEnded: number; readonly apiKeysRevoked: ReadonlyArray<ApiKeyInfo> }> => {
      const { record } = await limited([`login:${login}`, `ip:${address}`], "attempts", async () => {
        const found = await check(login, current)
        if (found === null) throw new HttpError(403, "forbidden", "the current password is wrong")
        return found
      })
      const at = iso(now())
      await store.putPasswords([{ ...record, hash: await hashPassword(next, params), updatedAt: at }])
      const sessionsEnded = await store.deleteSessionsOf(record.managerId, keepSessionId)
      const revoked = await store.revokeApiKeysOf(record.managerId, at)
      return { sessionsEnded, apiKeysRevoked: revoked.map(keyInfo) }
    },

    /**
     * Lifts the lockout of every login of `managerId` (a leader's or admin's reset): their next
     * attempt from any device is checked again. Answers the logins reset.
     */
    resetLockout: async (managerId: string): Promise<ReadonlyArray<string>> => {
      const logins = await store.loginsOf(managerId)
      for (const login of logins) failures.clear(`login:${login}`)
      return logins
    },

    /**
     * The caller of a request, from `Authorization: Bearer` (session token or API key) or the
     * session cookie. A deactivated manager's sessions are deleted here, and their keys refused.
     */
    authenticate: async (req: IncomingMessage): Promise<Principal | null> => {
      const token = tokenOf(req)
      if (token === null || token.length > 200) return null
      let principal: Principal | null = null
      if (token.startsWith(keyPrefix)) {
        const key = await store.getApiKeyByHash(sha256(token))
        if (key && key.revokedAt === null) principal = { managerId: key.managerId, via: "api-key", credentialId: key.id }
      } else if (token.startsWith(sessionPrefix)) {
        const session = await store.getSession(sha256(token))
        if (session && session.expiresAt <= iso(now())) await store.deleteSession(session.tokenHash)
        else if (session) principal = { managerId: session.managerId, via: "session", credentialId: session.id }
      }
      if (principal === null) return null
      if (!(await isActive(principal.managerId))) {
        // Deactivated around the server (a host's own write, another process): end everything now,
        // in storage, so a later reactivation revives none of it.
        await endCredentialsOf(principal.managerId)
        return null
      }
      return principal
    },

    /**
     * Ends every session of `managerId` and revokes every API key bound to them, in storage (so every
     * process sharing it refuses them on their next request). Called when a manager is
     * deactivated: reactivating them later revives nothing, they log in afresh.
     */
    endCredentialsOf,

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
