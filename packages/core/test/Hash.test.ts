import { createHash } from "node:crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { md5Hex, sha256Hex } from "../src/shared/Hash"

// Core's hashes run without node:crypto (browser-safe); they must give the digests node:crypto and
// PostgreSQL's md5() give, or audit chains and partition keys written before would no longer verify.
describe("browser-safe hashes", () => {
  it("match the published test vectors", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    expect(md5Hex("abc")).toBe("900150983cd24fb0d6963f7d28e17f72")
    expect(md5Hex("")).toBe("d41d8cd98f00b204e9800998ecf8427e")
  })

  it("hash the concatenation of their parts, as node:crypto does for any text", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme" }), { maxLength: 4 }), (parts) => {
        const node = createHash("sha256")
        for (const p of parts) node.update(p)
        expect(sha256Hex(...parts)).toBe(node.digest("hex"))
        expect(md5Hex(parts.join(""))).toBe(createHash("md5").update(parts.join("")).digest("hex"))
      })
    )
  })
})
