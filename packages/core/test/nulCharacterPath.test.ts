import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { loneSurrogatePath, nulCharacterPath } from "@winback/core"

const clean = fc.jsonValue().filter((v) => !JSON.stringify(v).includes("\\u0000"))

describe("nulCharacterPath", () => {
  it("finds no NUL in values without one", () => {
    fc.assert(
      fc.property(clean, (v) => {
        expect(nulCharacterPath(v)).toBeNull()
      }),
      { numRuns: 300 }
    )
  })

  it("names the path of a NUL planted in a value or a key anywhere in nested objects and arrays", () => {
    const step = fc.oneof(fc.string({ maxLength: 6 }).filter((k) => !k.includes("\u0000") && k !== "__proto__"), fc.nat({ max: 3 }))
    fc.assert(
      fc.property(fc.array(step, { maxLength: 5 }), fc.boolean(), (path, inKey) => {
        // Build { path[0]: { path[1]: ... "a\u0000b" } }, arrays where the step is a number.
        let v: unknown = inKey ? { ["k\u0000"]: 1 } : "a\u0000b"
        for (let i = path.length - 1; i >= 0; i--) {
          const s = path[i]!
          v = typeof s === "number" ? [...Array.from({ length: s }, () => "ok"), v] : { [s]: v }
        }
        expect(nulCharacterPath(v)).toEqual(inKey ? [...path, "k\u0000"] : path)
      }),
      { numRuns: 300 }
    )
  })
})

describe("loneSurrogatePath", () => {
  it("names the first value or key holding half of a surrogate pair, and passes whole pairs", () => {
    expect(loneSurrogatePath({ a: "ok", b: ["x", "y\uD800"] })).toEqual(["b", 1])
    expect(loneSurrogatePath({ ["k\uDC00"]: 1 }, ["body"])).toEqual(["body", "k\uDC00"])
    expect(loneSurrogatePath({ a: "\uDC00\uD800" })).toEqual(["a"])
    expect(loneSurrogatePath({ a: "😀 张三", b: [1, null, true] })).toBeNull()
  })
})
