/**
 * Password hashing with scrypt (node:crypto): a random salt per user, the cost parameters stored in
 * the hash string (`scrypt$N$r$p$salt$hash`) so they can be raised later, and a constant-time
 * comparison. `needsRehash` says when a stored hash is weaker than the current parameters; the
 * server rehashes on the next successful login.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto"

/** scrypt cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number
  readonly r: number
  readonly p: number
}

/**
 * The default cost: N = 2^15, r = 8, p = 1 (32 MiB, ~50–100 ms here), above OWASP's scrypt minimum.
 *
 * @example
 * ```ts
 * const hash = await hashPassword("s3cret", defaultScryptParams)
 * ```
 */
export const defaultScryptParams: ScryptParams = { N: 2 ** 15, r: 8, p: 1 }

const keyLength = 32

const derive = (password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFKC"), salt, keyLength, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 16 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key)
    )
  )

/**
 * Hashes a password with a fresh 16-byte salt.
 *
 * @example
 * ```ts
 * const stored = await hashPassword("winback-demo") // "scrypt$32768$8$1$<salt>$<hash>"
 * ```
 */
export const hashPassword = async (password: string, params: ScryptParams = defaultScryptParams): Promise<string> => {
  const salt = randomBytes(16)
  const key = await derive(password, salt, params)
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64url")}$${key.toString("base64url")}`
}

const parse = (stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null => {
  const parts = stored.split("$")
  if (parts.length !== 6 || parts[0] !== "scrypt") return null
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])]
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || (N & (N - 1)) !== 0 || N > 2 ** 20 || r > 32 || p > 16) return null
  return { params: { N, r, p }, salt: Buffer.from(parts[4]!, "base64url"), key: Buffer.from(parts[5]!, "base64url") }
}

/**
 * Checks a password against a stored hash in constant time (for equal-length keys).
 *
 * @example
 * ```ts
 * await verifyPassword("winback-demo", stored) // true
 * ```
 */
export const verifyPassword = async (password: string, stored: string): Promise<boolean> => {
  const h = parse(stored)
  if (!h) return false
  const key = await derive(password, h.salt, h.params)
  return key.length === h.key.length && timingSafeEqual(key, h.key)
}

/**
 * True when `stored` was made with weaker parameters than `current` (or cannot be read).
 *
 * @example
 * ```ts
 * if (needsRehash(stored, defaultScryptParams)) stored = await hashPassword(password)
 * ```
 */
export const needsRehash = (stored: string, current: ScryptParams = defaultScryptParams): boolean => {
  const h = parse(stored)
  return !h || h.params.N < current.N || h.params.r < current.r || h.params.p < current.p
}
