import { readFileSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { docsDir, renderTemplatePages } from "../scripts/gen-docs"

describe("generated template docs", () => {
  it("match the template metadata (run scripts/gen-docs.ts after changing a template)", () => {
    const pages = renderTemplatePages()
    expect(readdirSync(docsDir).sort()).toEqual([...pages.keys()].sort())
    for (const [name, content] of pages) expect(readFileSync(join(docsDir, name), "utf8"), name).toBe(content)
  })
})
