import { describe, it, expect } from "vitest"
import { sha256Hex } from "../src/internal/Sha256"
import { canonicalJson } from "../src/internal/Canonical"

describe("sha256Hex", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
    ["你好", "670d9743542cae3ea7ebe36af56bd53648b0a1126162e78d81a32934a711302e"]
  ])("hashes %j like FIPS 180-4", (input, hex) => {
    expect(sha256Hex(input)).toBe(hex)
  })

  it("handles a million a's (multi-block)", () => {
    expect(sha256Hex("a".repeat(1_000_000))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  })
})

describe("canonicalJson", () => {
  it("sorts keys, drops undefined members, keeps array order", () => {
    expect(canonicalJson({ b: 1, a: [3, { d: undefined, c: "x" }], e: null })).toBe('{"a":[3,{"c":"x"}],"b":1,"e":null}')
  })
  it("refuses non-finite numbers", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError)
  })
})
