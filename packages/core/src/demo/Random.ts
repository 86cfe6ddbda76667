/**
 * The seeded pseudo-random source behind the demo data: sfc32 (Chris Doty-Humphrey's small fast
 * chaotic generator) seeded through a murmur3-style hash of the seed and a path of labels, so every
 * customer has its own independent stream and the output depends on nothing but the options.
 * Only 32-bit integer arithmetic: the same seed gives the same numbers on every JavaScript engine.
 */

/**
 * A deterministic stream of pseudo-random numbers (methods: call them on the object, do not
 * destructure them).
 *
 * @example
 * ```ts
 * const rng = makeRandom(42, "customer", 7)
 * rng.int(1, 6) // a die roll, the same on every machine
 * ```
 */
export interface Random {
  /** A float in `[0, 1)`. */
  next(): number
  /** An integer in `[min, max]` (both inclusive). */
  int(min: number, max: number): number
  /** A float in `[min, max)`. */
  float(min: number, max: number): number
  /** `true` with probability `p`. */
  chance(p: number): boolean
  /** One element of a non-empty array. */
  pick<A>(items: ReadonlyArray<A>): A
  /** One value of `[value, weight]` pairs, chosen in proportion to the weights. */
  weighted<A>(entries: ReadonlyArray<readonly [A, number]>): A
}

const fmix = (h0: number): number => {
  let h = h0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * Hashes a seed and a path of labels into a 32-bit unsigned integer (stable across engines).
 *
 * @example
 * ```ts
 * hashSeed(42, "customer", 7) === hashSeed(42, "customer", 7) // true
 * ```
 */
export const hashSeed = (...parts: ReadonlyArray<string | number>): number => {
  let h = 0x9e3779b9
  for (const part of parts) {
    const s = typeof part === "number" ? `#${part}` : `$${part}`
    for (let i = 0; i < s.length; i++) {
      h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
      h = (h << 13) | (h >>> 19)
    }
    h = fmix(h ^ s.length)
  }
  return fmix(h)
}

class Sfc32 implements Random {
  private a: number
  private b: number
  private c: number
  private d: number
  constructor(seed: number) {
    this.a = fmix(seed ^ 0x243f6a88)
    this.b = fmix(seed ^ 0x85a308d3)
    this.c = fmix(seed ^ 0x13198a2e)
    this.d = 1
    for (let i = 0; i < 12; i++) this.u32()
  }
  private u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }
  next(): number {
    return this.u32() / 4294967296
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  float(min: number, max: number): number {
    return min + this.next() * (max - min)
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<A>(items: ReadonlyArray<A>): A {
    if (items.length === 0) throw new RangeError("pick from an empty array")
    return items[Math.floor(this.next() * items.length)]!
  }
  weighted<A>(entries: ReadonlyArray<readonly [A, number]>): A {
    let total = 0
    for (const [, w] of entries) total += w
    let r = this.next() * total
    for (const [v, w] of entries) {
      if (r < w) return v
      r -= w
    }
    const last = entries[entries.length - 1]
    if (last === undefined) throw new RangeError("weighted pick from no entries")
    return last[0]
  }
}

/**
 * A new seeded stream for `seed` and an optional path of labels (independent streams per label).
 *
 * @example
 * ```ts
 * const a = makeRandom("demo", "org")
 * const b = makeRandom("demo", "customer", 1)
 * a.next() !== b.next() // independent streams
 * ```
 */
export const makeRandom = (seed: string | number, ...path: ReadonlyArray<string | number>): Random => new Sfc32(hashSeed(seed, ...path))
