/**
 * Docs are part of the feature: every symbol a package entry exports has a doc comment, and every
 * exported value (function, class, constant, schema) shows an `@example` — its own, or, for a type
 * named like a schema, the schema's.
 */
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..")
const entries = [
  "packages/core/src/index.ts",
  "packages/core/src/demo/index.ts",
  "packages/rules/src/index.ts",
  "packages/questionnaire/src/index.ts",
  "packages/adapters/src/index.ts",
  "packages/adapters/src/testing/index.ts"
]

const program = ts.createProgram(
  entries.map((e) => join(root, e)),
  {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ["@winback/source"],
    strict: true,
    skipLibCheck: true,
    noEmit: true
  }
)
const checker = program.getTypeChecker()

const docsOf = (symbol: ts.Symbol): { text: string; example: boolean } => {
  const s = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
  const text = ts.displayPartsToString(s.getDocumentationComment(checker)).trim()
  const tags = s.getJsDocTags(checker)
  return { text: text || tags.map((t) => t.name).join(" "), example: tags.some((t) => t.name === "example") }
}

describe.each(entries)("exports of %s", (entry) => {
  const source = program.getSourceFile(join(root, entry))!
  const moduleSymbol = checker.getSymbolAtLocation(source)!
  const exports = checker.getExportsOfModule(moduleSymbol)

  it("has exports", () => {
    expect(exports.length).toBeGreaterThan(0)
  })

  it("documents every export, with an example for every value", () => {
    const byName = new Map(exports.map((e) => [e.getName(), e]))
    const missing: Array<string> = []
    for (const e of exports) {
      const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e
      const { text, example } = docsOf(e)
      if (target.flags & ts.SymbolFlags.Module) continue // namespace re-exports (`export * as x`) document their members
      if (!text) {
        missing.push(`${e.getName()}: no doc comment`)
        continue
      }
      const isValue = (target.flags & ts.SymbolFlags.Value) !== 0
      if (isValue && !example) missing.push(`${e.getName()}: no @example`)
      if (!isValue && !example) {
        // A type named like a documented schema shares the schema's example; other types need a comment only.
        const twin = byName.get(e.getName())
        if (twin && twin !== e && !docsOf(twin).example) missing.push(`${e.getName()}: no @example on its schema`)
      }
    }
    expect(missing).toEqual([])
  })
})
