import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { importCycles, importGraph } from "../../../test/importGraph"

describe("import cycles", () => {
  it("packages/adapters/src has none", () => {
    expect(importCycles(fileURLToPath(new URL("../src", import.meta.url)))).toEqual([])
  })

  describe("the check itself, on a made-up source folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "wb-import-graph-"))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const write = (files: Record<string, string>) => {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true })
        writeFileSync(join(dir, path), text)
      }
    }
    write({
      "a.ts": `import { b } from "./b"\nexport const a = 1`,
      "b.ts": `import type { C } from "./c.js"\nexport const b = 2`,
      "c.ts": `export * from "./a"\nexport type C = number`,
      "d/index.ts": `import { effect } from "effect"\nexport { e } from "../e"`,
      "e.ts": `export const e = import("./d")`,
      "f.ts": `import { a } from "./a"\nimport { d } from "./d"`,
      "self.ts": `import { x } from "./self"\nexport const x = 1`,
      "types.d.ts": `import "./a"`
    })

    it("reads relative imports, type-only imports, re-exports, .js specifiers and folder indexes, not packages", () => {
      const g = importGraph(dir)
      expect(g.files).toEqual(["a.ts", "b.ts", "c.ts", "d/index.ts", "e.ts", "f.ts", "self.ts"])
      expect(Object.fromEntries(g.imports)).toEqual({
        "a.ts": ["b.ts"],
        "b.ts": ["c.ts"],
        "c.ts": ["a.ts"],
        "d/index.ts": ["e.ts"],
        "e.ts": ["d/index.ts"],
        "f.ts": ["a.ts", "d/index.ts"],
        "self.ts": ["self.ts"]
      })
    })

    it("names every cycle as the way round from its first file, and only cycles", () => {
      expect(importCycles(dir)).toEqual(["a.ts → b.ts → c.ts → a.ts", "d/index.ts → e.ts → d/index.ts", "self.ts → self.ts"])
    })
  })
})
