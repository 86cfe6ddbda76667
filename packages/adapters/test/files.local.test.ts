/**
 * The local-directory file storage: what goes in comes back, limits and content types are
 * enforced, and no URI reaches outside the directory.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { FileStorage, FileStorageError } from "@winback/core"
import { LocalFileStorage } from "../src/index"

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wb-files-"))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj\n")
const meta = { contentType: "application/pdf", name: "../../scan.pdf", customerId: "cust-42" }
const failure = <A>(e: Effect.Effect<A, FileStorageError>) => Effect.runPromise(Effect.flip(e))

describe("LocalFileStorage", () => {
  it("answers the same bytes and meta for the URI it issued, under a name it invented", async () => {
    const files = LocalFileStorage.make({ directory: dir })
    const uri = await Effect.runPromise(files.put(pdf, meta))
    expect(uri).toMatch(/^local-file:[0-9a-f-]{36}$/)
    const back = await Effect.runPromise(files.get(uri))
    expect([...back.bytes]).toEqual([...pdf])
    expect(back).toMatchObject({ size: pdf.byteLength, meta: { contentType: "application/pdf", name: "../../scan.pdf", customerId: "cust-42" } })
    // The caller's name is kept as data only: nothing was written outside the directory.
    expect(readdirSync(dir).sort()).toEqual([`${uri.slice("local-file:".length)}.bin`, `${uri.slice("local-file:".length)}.json`].sort())
  })

  it("refuses a file over the size limit and a type outside the list, or bytes that are not the type claimed", async () => {
    const files = LocalFileStorage.make({ directory: dir, maxBytes: 8 })
    expect(await failure(files.put(pdf, meta))).toMatchObject({ _tag: "FileStorageError", reason: "too-large" })
    const roomy = LocalFileStorage.make({ directory: dir })
    expect(await failure(roomy.put(pdf, { ...meta, contentType: "application/x-msdownload" }))).toMatchObject({ reason: "content-type" })
    expect(await failure(roomy.put(new TextEncoder().encode("MZ not a pdf"), meta))).toMatchObject({ reason: "content-type" })
    expect(await failure(roomy.put(new Uint8Array([0x61, 0, 0x62]), { ...meta, contentType: "text/plain" }))).toMatchObject({ reason: "content-type" })
    expect(readdirSync(dir)).toEqual([])
  })

  it("never reads outside the directory: any URI it did not issue is bad-uri or not-found", async () => {
    writeFileSync(join(dir, "..", "wb-secret.json"), "{}")
    const files = LocalFileStorage.make({ directory: dir })
    for (const uri of ["../wb-secret", "local-file:../wb-secret", "/etc/passwd", "local-file:/etc/passwd", "file:///etc/passwd", "local-file:00000000-0000-0000-0000-000000000000/../x"]) {
      expect(await failure(files.get(uri))).toMatchObject({ reason: "bad-uri" })
    }
    expect(await failure(files.get("local-file:00000000-0000-4000-8000-000000000000"))).toMatchObject({ reason: "not-found" })
    rmSync(join(dir, "..", "wb-secret.json"))
  })

  it("is provided as the core FileStorage port", async () => {
    const uri = await Effect.runPromise(
      Effect.flatMap(FileStorage, (f) => f.put(new TextEncoder().encode("call notes"), { contentType: "text/plain; charset=utf-8", name: "notes.txt", customerId: "c-1" })).pipe(
        Effect.provide(LocalFileStorage.layer({ directory: dir }))
      )
    )
    const back = await Effect.runPromise(Effect.flatMap(FileStorage, (f) => f.get(uri)).pipe(Effect.provide(LocalFileStorage.layer({ directory: dir }))))
    expect(new TextDecoder().decode(back.bytes)).toBe("call notes")
    expect(back.meta.contentType).toBe("text/plain")
  })
})
