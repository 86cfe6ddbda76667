/**
 * Synchronous hashes that run wherever JavaScript runs (Node, browsers, workers): SHA-256 and MD5
 * from `@noble/hashes`, so core's main entry needs no `node:crypto`. The digests are the standard
 * ones (the same hex `node:crypto` and PostgreSQL's `md5()` give).
 */
import { md5 } from "@noble/hashes/legacy.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"

/**
 * The SHA-256 hex digest of the UTF-8 encoding of `parts`, concatenated.
 *
 * @example
 * ```ts
 * sha256Hex("abc") // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export const sha256Hex = (...parts: ReadonlyArray<string>): string => {
  const h = sha256.create()
  for (const p of parts) h.update(utf8ToBytes(p))
  return bytesToHex(h.digest())
}

/**
 * The MD5 hex digest of the UTF-8 encoding of `text` (not for security: partition keys and short
 * stable names, matching PostgreSQL's `md5()`).
 *
 * @example
 * ```ts
 * md5Hex("abc") // "900150983cd24fb0d6963f7d28e17f72"
 * ```
 */
export const md5Hex = (text: string): string => bytesToHex(md5(utf8ToBytes(text)))
