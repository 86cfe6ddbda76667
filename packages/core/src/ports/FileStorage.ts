/**
 * The file-storage port: where attachment files (call recordings, scanned paper questionnaires)
 * are kept. A work item stores only the `uri` an adapter answered; `@winback/adapters` ships a
 * local-directory adapter, a host may put S3 or its document store behind the same two methods.
 */
import { Context, Data, type Effect } from "effect"

/**
 * What is stored with a file: its content type, a display name and the customer it belongs to
 * (so a download can be checked against the reader's scope).
 *
 * @example
 * ```ts
 * const meta: FileMeta = { contentType: "application/pdf", name: "questionnaire-scan.pdf", customerId: "cust-42" }
 * ```
 */
export interface FileMeta {
  readonly contentType: string
  readonly name: string
  readonly customerId: string
}

/**
 * A stored file as `get` answers it.
 *
 * @example
 * ```ts
 * const f: StoredFile = { bytes: new Uint8Array([37, 80, 68, 70]), meta: { contentType: "application/pdf", name: "scan.pdf", customerId: "cust-42" }, size: 4 }
 * ```
 */
export interface StoredFile {
  readonly bytes: Uint8Array
  readonly meta: FileMeta
  readonly size: number
}

/**
 * Why a file was refused or not found: `too-large` (over the adapter's limit), `content-type`
 * (not an allowed type, or the bytes do not look like it), `bad-uri` (not a URI this storage
 * issued: a traversal attempt lands here), `not-found`, `io` (the medium failed).
 *
 * @example
 * ```ts
 * yield* new FileStorageError({ reason: "too-large", detail: "the file exceeds 10485760 bytes" })
 * ```
 */
export class FileStorageError extends Data.TaggedError("FileStorageError")<{
  readonly reason: "too-large" | "content-type" | "bad-uri" | "not-found" | "io"
  readonly detail: string
}> {
  override get message(): string {
    return `file storage: ${this.reason}: ${this.detail}`
  }
}

/**
 * Keeps attachment files.
 *
 * Contract: `put` stores the bytes under a new URI it invents (never derived from the caller's
 * file name, so a name cannot reach outside the storage) and answers it; `get` of that URI answers
 * the same bytes and meta; `get` of any string `put` did not answer fails with `bad-uri` or
 * `not-found`, never reads elsewhere. An adapter enforces its size limit and allowed content types
 * in `put`.
 *
 * @example
 * ```ts
 * const files = yield* FileStorage
 * const uri = yield* files.put(bytes, { contentType: "application/pdf", name: "scan.pdf", customerId: "cust-42" })
 * const back = yield* files.get(uri)
 * ```
 */
export class FileStorage extends Context.Service<
  FileStorage,
  {
    readonly put: (bytes: Uint8Array, meta: FileMeta) => Effect.Effect<string, FileStorageError>
    readonly get: (uri: string) => Effect.Effect<StoredFile, FileStorageError>
  }
>()("@winback/core/FileStorage") {}
