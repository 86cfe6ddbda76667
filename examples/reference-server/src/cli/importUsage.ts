/**
 * `winback import-usage`: streams the customers, daily and monthly CSV files from disk into ONE
 * usage-feed import (customers first, so the usage files may name customers the same import
 * brings). On any bad line, every problem is printed as `file:line [column]: reason` and nothing is
 * written.
 */
import { createReadStream } from "node:fs"
import { stat } from "node:fs/promises"
import { basename } from "node:path"
import { Effect } from "effect"
import { type CsvEncoding, UsageFeed, type UsageFeedFile, type UsageFeedKind, type UsageFeedReport, ValidationError } from "@winback/core"
import { duration, type Progress } from "./progress"
import type { CommandRuntime } from "./runtime"

/** The files to import, by kind. */
export interface ImportOptions {
  readonly customers?: string | undefined
  readonly daily?: string | undefined
  readonly monthly?: string | undefined
  readonly dryRun: boolean
  readonly encoding?: CsvEncoding | undefined
  readonly actorId?: string | undefined
}

/** A file that cannot be opened: exit 1 before anything is read. */
export class UnreadableFile extends Error {}

/** Checks the files exist and are files; answers their sizes. */
export const checkFiles = async (options: ImportOptions): Promise<Array<{ kind: UsageFeedKind; path: string; size: number }>> => {
  const out: Array<{ kind: UsageFeedKind; path: string; size: number }> = []
  for (const kind of ["customers", "daily", "monthly"] as const) {
    const path = options[kind]
    if (path === undefined) continue
    const s = await stat(path).catch(() => undefined)
    if (!s || !s.isFile()) throw new UnreadableFile(`--${kind} ${path}: no such file`)
    out.push({ kind, path, size: s.size })
  }
  return out
}

/** The result of an import: the reports, or the problems. */
export type ImportOutcome =
  | { readonly ok: true; readonly reports: ReadonlyArray<UsageFeedReport>; readonly ms: number }
  | { readonly ok: false; readonly problems: ReadonlyArray<string>; readonly total: number; readonly ms: number }

/** Runs the import. */
export const importUsage = async (command: CommandRuntime, options: ImportOptions, progress: Progress): Promise<ImportOutcome> => {
  const started = performance.now()
  const files = await checkFiles(options)
  const actor = await command.actor(options.actorId, "import-usage")
  const total = files.reduce((n, f) => n + f.size, 0)
  let read = 0
  async function* stream(path: string): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
      read += (chunk as Buffer).length
      progress.advance(read, total)
      yield chunk as Uint8Array
    }
  }
  const feed: Array<UsageFeedFile> = files.map((f) => ({ kind: f.kind, name: basename(f.path), source: stream(f.path) }))
  progress.step(1, 1, `Import ${files.map((f) => basename(f.path)).join(", ")}${options.dryRun ? " (dry run)" : ""}`)
  const result = await command.runtime.runPromise(Effect.result(Effect.flatMap(UsageFeed, (s) => s.importFiles(actor, feed, { dryRun: options.dryRun, ...(options.encoding ? { encoding: options.encoding } : {}) }))))
  const ms = performance.now() - started
  if (result._tag === "Success") {
    const rows = result.success.reduce((n, r) => n + r.rows, 0)
    progress.end("ok", `${rows} row(s)${options.dryRun ? " checked, nothing written (dry run)" : " imported"}`, ms)
    return { ok: true, reports: result.success, ms }
  }
  const e = result.failure
  if (!(e instanceof ValidationError)) {
    progress.end("failed", `${(e as { _tag?: string })._tag ?? "Error"}: ${e.message}`, ms)
    throw e
  }
  const nameOf = new Map(files.map((f) => [f.kind as string, basename(f.path)]))
  const problems = e.issues.map((i) => {
    const [kind, , line, column] = i.path
    const reason = i.message.replace(/^line \d+(, column [^:]+)?: /, "")
    if (kind === undefined) return reason
    return `${nameOf.get(String(kind)) ?? String(kind)}${line !== undefined ? `:${line}` : ""}${column !== undefined ? ` [${column}]` : ""}: ${reason}`
  })
  const total_ = Number(/\((\d+) problem/.exec(e.subject ?? "")?.[1] ?? problems.length)
  progress.end("failed", `${total_} problem(s), nothing imported`, ms)
  return { ok: false, problems, total: total_, ms }
}

/** The per-file lines printed after a successful import. */
export const formatReports = (reports: ReadonlyArray<UsageFeedReport>, ms: number): string =>
  [
    ...reports.map((r) =>
      r.kind === "customers"
        ? `  ${r.name ?? r.kind}: ${r.lines} line(s), ${r.rows} customer(s): ${r.inserted} new, ${r.updated} changed, ${r.unchanged} unchanged`
        : `  ${r.name ?? r.kind}: ${r.lines} line(s), ${r.rows} ${r.kind} usage row(s) upserted`
    ),
    `Total ${duration(ms)}${reports[0]?.dryRun ? " (dry run: nothing written)" : ""}`
  ].join("\n")
