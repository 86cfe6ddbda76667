/**
 * The dependency contract, checked when Winback loads: `effect` and `zod` are peer dependencies
 * (the host's own copies are used), so a host on a version Winback was not built for gets one
 * clear error naming what it needs and what it has — not `TypeError: Context.Service is not a
 * function` from deep inside a module.
 *
 * This module imports `effect` and `zod` as namespaces only, never by name, so it links against
 * any version and can run before the first Effect 4 or zod 4 call does.
 */
import * as effect from "effect"
import * as zod from "zod"

/**
 * The peer dependency ranges Winback is tested with (the `peerDependencies` of the published
 * packages): `min` inclusive, `below` exclusive.
 *
 * @example
 * ```ts
 * import { peerRanges } from "@winback/core"
 * peerRanges.effect // { range: "^4.1.0", min: "4.1.0", below: "5.0.0" }
 * ```
 */
export const peerRanges = {
  effect: { range: "^4.1.0", min: "4.1.0", below: "5.0.0" },
  zod: { range: "^4.0.0", min: "4.0.0", below: "5.0.0" }
} as const

/** The name of a peer dependency of Winback. */
export type PeerName = keyof typeof peerRanges

/**
 * A peer dependency (`effect` or `zod`) at a version outside the range Winback supports. Thrown
 * when `@winback/core` loads and by `createWinback`; the message says which version to install.
 *
 * @example
 * ```ts
 * try {
 *   await import("@winback/core")
 * } catch (e) {
 *   if (e instanceof Error && e.name === "PeerVersionMismatch") console.error(e.message)
 *   // Winback needs effect ^4.1.0 (>=4.1.0 <5.0.0); this project has effect 3.19.2. ...
 * }
 * ```
 */
export class PeerVersionMismatch extends Error {
  override readonly name = "PeerVersionMismatch"
  constructor(
    readonly peer: PeerName,
    readonly required: string,
    readonly found: string
  ) {
    super(
      `Winback needs ${peer} ${required} (>=${peerRanges[peer].min} <${peerRanges[peer].below}); this project has ${peer} ${found}. ` +
        `Install a supported version next to @winback/* (npm install ${peer}@"${required}"); ` +
        `Winback uses the project's own ${peer} (a peer dependency), so one copy serves both.`
    )
  }
}

const parseVersion = (v: string): ReadonlyArray<number> | undefined => {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v)
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined
}

const compare = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => {
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! - b[i]!
  return 0
}

/**
 * Whether `version` lies in the supported range of `peer` (pre-releases of a supported version
 * count as that version).
 *
 * @example
 * ```ts
 * inPeerRange("effect", "4.1.5") // true
 * inPeerRange("effect", "3.19.2") // false
 * inPeerRange("effect", "4.x") // true (a major line, as told in a browser)
 * ```
 */
export const inPeerRange = (peer: PeerName, version: string): boolean => {
  const majorOnly = /^(\d+)\.x$/.exec(version)
  if (majorOnly) return Number(majorOnly[1]) === parseVersion(peerRanges[peer].min)![0]
  const v = parseVersion(version)
  if (v === undefined) return false
  return compare(v, parseVersion(peerRanges[peer].min)!) >= 0 && compare(v, parseVersion(peerRanges[peer].below)!) < 0
}

/** The installed version from the package's package.json where Node can resolve it (undefined elsewhere). */
const packageVersion = (name: string): string | undefined => {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    const mod = proc?.getBuiltinModule?.("node:module") as
      | { createRequire: (from: string) => (id: string) => { version?: unknown } }
      | undefined
    const version = mod?.createRequire(import.meta.url)(`${name}/package.json`).version
    return typeof version === "string" ? version : undefined
  } catch {
    return undefined
  }
}

/**
 * The versions of `effect` and `zod` this Winback runs with: from their package.json under Node;
 * in a browser bundle from the libraries themselves (`zod` reports its version; for `effect` only
 * the major line can be told: "4.x" or "3.x or older").
 *
 * @example
 * ```ts
 * installedPeerVersions() // { effect: "4.1.5", zod: "4.6.7" }
 * ```
 */
export const installedPeerVersions = (): { readonly effect: string; readonly zod: string } => {
  const zodCore = (zod as unknown as { core?: { version?: { major: number; minor: number; patch: number } } }).core
  const zodRuntime = zodCore?.version ? `${zodCore.version.major}.${zodCore.version.minor}.${zodCore.version.patch}` : "3.x or older"
  const effectContext = (effect as unknown as { Context?: Record<string, unknown> }).Context
  const effectRuntime = effectContext !== undefined && typeof effectContext["Service"] === "function" ? "4.x" : "3.x or older"
  return { effect: packageVersion("effect") ?? effectRuntime, zod: packageVersion("zod") ?? zodRuntime }
}

let checked = false

/**
 * Throws a {@link PeerVersionMismatch} when `effect` or `zod` is outside the supported range.
 * Runs once when `@winback/core` loads and again (cheaply) in `createWinback`.
 *
 * @example
 * ```ts
 * import { checkPeerVersions } from "@winback/core"
 * checkPeerVersions() // throws: Winback needs effect ^4.1.0 (...); this project has effect 3.19.2. ...
 * ```
 */
export const checkPeerVersions = (): void => {
  if (checked) return
  const found = installedPeerVersions()
  for (const peer of ["effect", "zod"] as const) {
    if (!inPeerRange(peer, found[peer])) throw new PeerVersionMismatch(peer, peerRanges[peer].range, found[peer])
  }
  checked = true
}

// At load: before any Effect 4 or zod 4 call in the modules that follow.
checkPeerVersions()
