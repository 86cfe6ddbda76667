import { readFileSync } from "node:fs"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { checkPeerVersions, inPeerRange, installedPeerVersions, peerRanges, PeerVersionMismatch } from "@winback/core"

const packageJson = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../${name}/package.json`, import.meta.url), "utf8")) as {
    peerDependencies?: Record<string, string>
    dependencies?: Record<string, string>
    engines?: Record<string, string>
  }

describe("the peer dependency contract (effect, zod)", () => {
  it("is what every published package declares: effect and zod as peers in the checked ranges, never as dependencies", () => {
    for (const name of ["core", "adapters", "rules", "questionnaire"]) {
      const pkg = packageJson(name)
      for (const peer of ["effect", "zod"] as const) {
        expect(pkg.dependencies?.[peer], `${name} must not bundle its own ${peer}`).toBeUndefined()
        if (pkg.peerDependencies?.[peer] !== undefined) expect(pkg.peerDependencies[peer]).toBe(peerRanges[peer].range)
      }
      // The Node lines CI runs (scripts/pack-smoke.sh on 22 and 24).
      expect(pkg.engines?.node).toBe("^22.19.0 || ^24.0.0")
    }
    expect(packageJson("core").peerDependencies).toMatchObject({ effect: peerRanges.effect.range, zod: peerRanges.zod.range })
    expect(packageJson("adapters").peerDependencies).toMatchObject({ effect: peerRanges.effect.range, zod: peerRanges.zod.range })
  })

  it("accepts the versions this workspace runs, so loading @winback/core did not throw", () => {
    const found = installedPeerVersions()
    expect(inPeerRange("effect", found.effect)).toBe(true)
    expect(inPeerRange("zod", found.zod)).toBe(true)
    expect(() => checkPeerVersions()).not.toThrow()
  })

  it("takes every 4.x from the minimum on, and refuses 3.x, 5.x and what is not a version", () => {
    const v = (major: number) => fc.tuple(fc.constant(major), fc.nat(40), fc.nat(40)).map(([a, b, c]) => `${a}.${b}.${c}`)
    fc.assert(fc.property(v(4), (version) => inPeerRange("zod", version) === true))
    fc.assert(fc.property(fc.oneof(v(3), v(5), v(0)), (version) => inPeerRange("zod", version) === false))
    fc.assert(fc.property(fc.oneof(v(3), v(5)), (version) => inPeerRange("effect", version) === false))
    expect(["4.0.17", "4.1.0", "4.1.5", "4.9.0-canary.1", "4.x"].map((x) => inPeerRange("effect", x))).toEqual([false, true, true, true, true])
    expect(["3.19.2", "3.x or older", "", "latest"].map((x) => inPeerRange("effect", x))).toEqual([false, false, false, false])
  })

  it("names the peer, the range it needs and the version found, and how to fix it", () => {
    const e = new PeerVersionMismatch("effect", peerRanges.effect.range, "3.19.2")
    expect(e).toBeInstanceOf(Error)
    expect(e.name).toBe("PeerVersionMismatch")
    expect([e.peer, e.required, e.found]).toEqual(["effect", "^4.1.0", "3.19.2"])
    expect(e.message).toContain("Winback needs effect ^4.1.0 (>=4.1.0 <5.0.0); this project has effect 3.19.2.")
    expect(e.message).toContain('npm install effect@"^4.1.0"')
  })
})
