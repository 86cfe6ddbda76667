import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { importCycles } from "../../../test/importGraph"

// Core is laid out one folder per aggregate; a cycle between modules (types included) would tie
// two aggregates' files together again, so the build of one could not be read without the other.
describe("core's import graph", () => {
  it("has no import cycle, type-only imports included", () => {
    expect(importCycles(fileURLToPath(new URL("../src", import.meta.url)))).toEqual([])
  })
})
