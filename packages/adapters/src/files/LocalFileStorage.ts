/**
 * The default file storage: attachment files in one local directory, each under a random name the
 * storage invents (bytes in `<id>.bin`, meta in `<id>.json`), so no caller's file name ever becomes
 * a path. It refuses files over its size limit and content types outside its list, and checks that
 * the bytes look like the type claimed (a "PDF" must start like one).
 */
import { randomUUID } from "node:crypto"
import { mkdir, readFile, rename, writeFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import { Effect, Layer } from "effect"
import { type FileMeta, FileStorage, FileStorageError } from "@winback/core"

/**
 * Options of {@link LocalFileStorage}: the directory (created when missing), the size limit
 * (default 10 MiB) and the allowed content types (default {@link defaultAttachmentTypes}).
 *
 * @example
 * ```ts
 * const options: LocalFileStorageOptions = { directory: ".data/files", maxBytes: 5 * 1024 * 1024 }
 * ```
 */
export interface LocalFileStorageOptions {
  readonly directory: string
  readonly maxBytes?: number
  readonly contentTypes?: ReadonlyArray<string>
}

const startsWith = (bytes: Uint8Array, ...sig: ReadonlyArray<number>): boolean => sig.every((b, i) => bytes[i] === b)
const isUtf8Text = (bytes: Uint8Array): boolean => {
  if (bytes.includes(0)) return false
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}

/** What the bytes of each known type start with (a type not listed here is taken as claimed). */
const looksLike: Readonly<Record<string, (bytes: Uint8Array) => boolean>> = {
  "application/pdf": (b) => startsWith(b, 0x25, 0x50, 0x44, 0x46), // %PDF
  "image/png": (b) => startsWith(b, 0x89, 0x50, 0x4e, 0x47),
  "image/jpeg": (b) => startsWith(b, 0xff, 0xd8, 0xff),
  "audio/wav": (b) => startsWith(b, 0x52, 0x49, 0x46, 0x46), // RIFF
  "audio/mpeg": (b) => startsWith(b, 0x49, 0x44, 0x33) || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0), // ID3 or a frame sync
  "text/plain": isUtf8Text
}

/**
 * The content types attachments may have by default: scans (PDF, PNG, JPEG), recordings (WAV,
 * MP3) and plain text notes.
 *
 * @example
 * ```ts
 * LocalFileStorage.layer({ directory, contentTypes: [...defaultAttachmentTypes, "audio/ogg"] })
 * ```
 */
export const defaultAttachmentTypes: ReadonlyArray<string> = ["application/pdf", "image/png", "image/jpeg", "audio/wav", "audio/mpeg", "text/plain"]

const scheme = "local-file:"
const uriPattern = /^local-file:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/

const io = (detail: string) => (e: unknown) => new FileStorageError({ reason: "io", detail: `${detail}: ${e instanceof Error ? e.message : String(e)}` })

/**
 * The local-directory {@link FileStorage}: `make` builds the service, `layer` provides it. URIs
 * look like `local-file:<uuid>`; anything else (`../etc/passwd`, an absolute path) is `bad-uri`.
 *
 * @example
 * ```ts
 * const files = LocalFileStorage.make({ directory: ".data/files" })
 * const uri = await Effect.runPromise(files.put(pdfBytes, { contentType: "application/pdf", name: "scan.pdf", customerId: "cust-42" }))
 * ```
 */
export const LocalFileStorage = {
  make: (options: LocalFileStorageOptions): FileStorage["Service"] => {
    const dir = resolve(options.directory)
    const maxBytes = options.maxBytes ?? 10 * 1024 * 1024
    const allowed = new Set(options.contentTypes ?? defaultAttachmentTypes)
    const ready = Effect.tryPromise({ try: () => mkdir(dir, { recursive: true }), catch: io("cannot create the directory") })
    const put = (bytes: Uint8Array, meta: FileMeta) =>
      Effect.gen(function* () {
        if (bytes.byteLength > maxBytes) return yield* new FileStorageError({ reason: "too-large", detail: `the file exceeds ${maxBytes} bytes` })
        const type = meta.contentType.split(";")[0]!.trim().toLowerCase()
        if (!allowed.has(type)) return yield* new FileStorageError({ reason: "content-type", detail: `${type || "(none)"} is not an allowed type` })
        const check = looksLike[type]
        if (check !== undefined && !check(bytes)) return yield* new FileStorageError({ reason: "content-type", detail: `the bytes are not ${type}` })
        yield* ready
        const id = randomUUID()
        const stored: FileMeta = { contentType: type, name: meta.name.slice(0, 200), customerId: meta.customerId }
        // Bytes first, meta last through a rename: a file is there once its meta is.
        yield* Effect.tryPromise({ try: () => writeFile(join(dir, `${id}.bin`), bytes, { flag: "wx" }), catch: io("cannot write the file") })
        yield* Effect.tryPromise({
          try: async () => {
            await writeFile(join(dir, `${id}.json.tmp`), JSON.stringify(stored), { flag: "wx" })
            await rename(join(dir, `${id}.json.tmp`), join(dir, `${id}.json`))
          },
          catch: io("cannot write the file's meta")
        })
        return `${scheme}${id}`
      })
    const get = (uri: string) =>
      Effect.gen(function* () {
        const m = uriPattern.exec(uri)
        if (m === null) return yield* new FileStorageError({ reason: "bad-uri", detail: "not a URI of this storage" })
        const id = m[1]!
        const missing = (e: unknown) => ((e as { code?: string }).code === "ENOENT" ? new FileStorageError({ reason: "not-found", detail: uri }) : io("cannot read the file")(e))
        const meta = JSON.parse(yield* Effect.tryPromise({ try: () => readFile(join(dir, `${id}.json`), "utf8"), catch: missing })) as FileMeta
        const bytes = new Uint8Array(yield* Effect.tryPromise({ try: () => readFile(join(dir, `${id}.bin`)), catch: missing }))
        return { bytes, meta, size: bytes.byteLength }
      })
    return FileStorage.of({ put, get })
  },
  layer: (options: LocalFileStorageOptions): Layer.Layer<FileStorage> => Layer.sync(FileStorage, () => LocalFileStorage.make(options))
}
