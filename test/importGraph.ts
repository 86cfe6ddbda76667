/**
 * The import graph of one package's source folder, read from the source with the TypeScript
 * compiler API (`ts.preProcessFile`: no program, no type check, so it is fast), and the cycles in it.
 * Each package's `test/importCycles.test.ts` points it at its own `src` to prove it has none.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"
import ts from "typescript"

/** The files of a source folder (paths relative to it, `/`-separated) and, per file, the files it imports. */
export interface ImportGraph {
  readonly files: ReadonlyArray<string>
  readonly imports: ReadonlyMap<string, ReadonlyArray<string>>
}

const sourceFile = /\.(ts|tsx|mts|cts)$/
const isSource = (name: string) => sourceFile.test(name) && !name.endsWith(".d.ts")

const walk = (dir: string): Array<string> =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? walk(path) : isSource(name) ? [path] : []
    })

/** The file a relative specifier names: as written, with a TypeScript extension, or its folder's index. */
const resolveRelative = (fromFile: string, specifier: string): string | undefined => {
  const base = resolve(dirname(fromFile), specifier)
  const stem = base.replace(/\.(js|mjs|cjs|jsx)$/, "")
  const candidates = [base, ...[".ts", ".tsx", ".mts", ".cts"].map((ext) => stem + ext), ...["index.ts", "index.tsx"].map((i) => join(base, i))]
  return candidates.find((c) => isSource(c) && existsSync(c) && statSync(c).isFile())
}

/**
 * Reads every TypeScript file under `srcDir` and the relative imports and re-exports between them
 * (type-only ones included: a type cycle is a reading cycle too). Package imports are left out.
 *
 * @example
 * ```ts
 * const graph = importGraph("packages/adapters/src")
 * graph.imports.get("pg/PgStores.ts") // ["pg/Driver.ts", "pg/stores/customer.ts", ...]
 * ```
 */
export const importGraph = (srcDir: string): ImportGraph => {
  const root = resolve(srcDir)
  const name = (path: string) => relative(root, path).split(sep).join("/")
  const paths = walk(root)
  const imports = new Map<string, ReadonlyArray<string>>()
  for (const path of paths) {
    const found = ts.preProcessFile(readFileSync(path, "utf8"), true, true).importedFiles
    const targets = found
      .filter((f) => f.fileName.startsWith("./") || f.fileName.startsWith("../"))
      .flatMap((f) => {
        const target = resolveRelative(path, f.fileName)
        return target === undefined || !target.startsWith(root + sep) ? [] : [name(target)]
      })
    imports.set(name(path), [...new Set(targets)].sort())
  }
  return { files: paths.map(name), imports }
}

/**
 * The import cycles of a graph: one per strongly connected group of files, each written as the
 * path that leaves its first file (in name order) and comes back to it.
 *
 * @example
 * ```ts
 * findImportCycles(importGraph("packages/adapters/src"))
 * // [] — or e.g. [["testing/a.ts", "testing/b.ts", "testing/a.ts"]]
 * ```
 */
export const findImportCycles = (graph: ImportGraph): ReadonlyArray<ReadonlyArray<string>> => {
  // Tarjan's strongly connected components (recursion depth is at most the package's file count).
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: Array<string> = []
  const groups: Array<Array<string>> = []
  let next = 0
  const connect = (v: string): void => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.imports.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const group: Array<string> = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        group.push(w)
      } while (w !== v)
      const selfImport = (graph.imports.get(v) ?? []).includes(v)
      if (group.length > 1 || selfImport) groups.push(group.sort())
    }
  }
  for (const f of graph.files) if (!index.has(f)) connect(f)
  return groups
    .map((group) => {
      // A shortest way round inside the group, from its first file back to it (breadth first).
      const members = new Set(group)
      const start = group[0]!
      const cameFrom = new Map<string, string>()
      const queue = [start]
      for (let i = 0; i < queue.length; i++) {
        const v = queue[i]!
        for (const w of graph.imports.get(v) ?? []) {
          if (!members.has(w)) continue
          if (w === start) {
            const path = [v]
            while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!)
            return [...path, start]
          }
          if (!cameFrom.has(w)) {
            cameFrom.set(w, v)
            queue.push(w)
          }
        }
      }
      return group
    })
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1))
}

/**
 * The import cycles under a package's source folder, each as `a.ts → b.ts → a.ts`.
 *
 * @example
 * ```ts
 * expect(importCycles(fileURLToPath(new URL("../src", import.meta.url)))).toEqual([])
 * ```
 */
export const importCycles = (srcDir: string): ReadonlyArray<string> => findImportCycles(importGraph(srcDir)).map((c) => c.join(" → "))
