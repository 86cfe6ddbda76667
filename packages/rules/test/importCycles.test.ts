import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { importCycles } from "../../../test/importGraph"

// A cycle between modules (types included) means neither can be read, or moved, without the other;
// the ones this package had were broken by giving the shared piece its own module.
describe("the rules package's import graph", () => {
  it("has no import cycle, type-only imports included", () => {
    expect(importCycles(fileURLToPath(new URL("../src", import.meta.url)))).toEqual([])
  })
})
