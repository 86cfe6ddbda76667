/**
 * The agent's customer screen beyond the work routes: why an item exists (the alert rule's
 * explanation), attachment files uploaded and downloaded through the file-storage port (scoped to
 * the item's customer), the customer as the page may see it (phone numbers masked) and the dial's
 * answer without the number. The services behind them (dialer, file storage) are set up here too.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { IncomingMessage } from "node:http"
import { Effect, type Layer } from "effect"
import { z } from "zod"
import { type Customer, type DialResult, type Dialer, type FileStorage, FileStorageError, itemReasons, maskPhone, NotFound, type WorkConfig } from "@winback/core"
import { LocalFileStorage } from "@winback/adapters"
import { HttpError, type Router } from "../http"
import { localDialer } from "../localDialer"
import { type ApiContext, IdParams, IdString } from "./support"

/**
 * The file storage the attachment routes use (the core `FileStorage` port's service), with the
 * upload limit the routes read bodies up to (default 10 MiB; the storage checks its own too).
 *
 * @example
 * ```ts
 * const files: AgentFiles = { ...LocalFileStorage.make({ directory: ".data/files", maxBytes: 1 << 20 }), maxBytes: 1 << 20 }
 * ```
 */
export type AgentFiles = FileStorage["Service"] & { readonly maxBytes?: number }

/**
 * Options of the agent screen's services: the dialer (default: the recording local dialer on a demo
 * server, none otherwise), the file storage (default: `LocalFileStorage` in `filesDirectory`, else
 * in a temporary directory removed when the server closes), the upload limit in bytes (10 MiB) and
 * work settings passed to `createWinback` (e.g. the contact policy).
 *
 * @example
 * ```ts
 * await startServer({ storage, agent: { filesDirectory: ".data/winback/files", dialer: HttpDialer.layer(config) } })
 * ```
 */
export interface AgentServiceOptions {
  readonly dialer?: Layer.Layer<Dialer>
  readonly files?: AgentFiles
  readonly filesDirectory?: string
  readonly maxUploadBytes?: number
  readonly workConfig?: Partial<WorkConfig>
}

/**
 * Builds the agent screen's services from their options.
 *
 * @example
 * ```ts
 * const agent = await agentServices({ filesDirectory: "/var/lib/winback/files" }, { demo: false })
 * await agent.close()
 * ```
 */
export const agentServices = async (options: AgentServiceOptions, server: { readonly demo: boolean }) => {
  let temporary: string | undefined
  const maxBytes = options.maxUploadBytes ?? 10 * 1024 * 1024
  if (options.files === undefined && options.filesDirectory === undefined) temporary = await mkdtemp(join(tmpdir(), "winback-files-"))
  const files: AgentFiles = { ...(options.files ?? LocalFileStorage.make({ directory: options.filesDirectory ?? temporary!, maxBytes })), maxBytes }
  const dialer = options.dialer ?? (server.demo ? localDialer().layer : undefined)
  return {
    files,
    dialer,
    workConfig: options.workConfig ?? {},
    close: async () => {
      if (temporary !== undefined) await rm(temporary, { recursive: true, force: true })
    }
  }
}

/**
 * A customer as the workbench page gets it: every phone number masked (`138****5678`). Dialling
 * goes through the server from the customer id, so the page never needs the number.
 *
 * @example
 * ```ts
 * handler: async ({ principal, params }) => ({ json: pageCustomer(await actAs(ctx, principal).customers.get(params.id)) })
 * ```
 */
export const pageCustomer = (c: Customer): Customer => ({ ...c, phones: c.phones.map(maskPhone) })

/**
 * The dial's answer as the page gets it: the number masked.
 *
 * @example
 * ```ts
 * pageDial({ dialled: true, callId: "local-1", phone: "+8613812345678" }) // { dialled: true, callId: "local-1", phone: "138****5678" }
 * ```
 */
export const pageDial = (d: DialResult): DialResult => (d.dialled ? { ...d, phone: maskPhone(d.phone) } : d)

const ItemReason = z.union([
  z.object({
    kind: z.literal("rule"),
    ruleInstanceId: z.string(),
    ruleName: z.string(),
    templateId: z.string().nullable(),
    asOf: z.string(),
    matched: z.boolean(),
    summary: z.string(),
    values: z.record(z.string(), z.number().nullable())
  }),
  z.object({ kind: z.literal("import"), taskId: z.string() }),
  z.object({ kind: z.literal("group"), customerGroupId: z.string() }),
  z.object({ kind: z.literal("unavailable"), ruleInstanceId: z.string() })
])
const AttachmentKind = z.enum(["recording", "scanned-questionnaire", "other"])
const UploadQuery = z.object({ kind: AttachmentKind.default("other"), name: z.string().trim().min(1).max(200).default("attachment") }).strict()
const AttachmentParams = z.object({ id: IdString, index: z.coerce.number().int().min(0).max(1000) })

/** Reads the raw body, refusing more than `limit` bytes with 413 (the rest is drained, then the connection closed). */
const readUpload = async (req: IncomingMessage, limit: number): Promise<Uint8Array> => {
  const declared = Number(req.headers["content-length"] ?? NaN)
  const chunks: Array<Buffer> = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size <= limit) chunks.push(chunk)
  }
  if (size > limit || declared > limit) throw new HttpError(413, "payload_too_large", `the file exceeds ${limit} bytes`, { connection: "close" })
  return new Uint8Array(Buffer.concat(chunks))
}

/** The file storage's refusals as HTTP answers (a URI it does not know is a missing attachment). */
const fileError = (e: unknown): never => {
  if (!(e instanceof FileStorageError)) throw e
  if (e.reason === "too-large") throw new HttpError(413, "payload_too_large", e.detail)
  if (e.reason === "content-type") throw new HttpError(415, "unsupported_media_type", e.detail)
  if (e.reason === "io") throw e
  throw new NotFound({ entity: "Attachment", id: "of this item" })
}

/** `attachment; filename*=UTF-8''…`: the stored name, quoted so no header can be injected. */
const disposition = (name: string): string => `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`

/**
 * Registers the agent screen's routes: an item's reasons, attachment upload and download.
 *
 * @example
 * ```ts
 * agentRoutes(router, ctx, LocalFileStorage.make({ directory: ".data/files" }))
 * ```
 */
export const agentRoutes = (r: Router, ctx: ApiContext, files: AgentFiles | undefined): void => {
  const maxUploadBytes = files?.maxBytes ?? 10 * 1024 * 1024
  r.route({
    method: "GET",
    path: "/api/work-items/:id/reasons",
    tag: "work",
    summary: "Why the item exists: an alert item's rules explained with their numbers as of the item's period, a manual item's import, a campaign item's customer group (404 out of scope)",
    params: IdParams,
    responses: { 200: { description: "The reasons", schema: z.object({ items: z.array(ItemReason) }) } },
    handler: async ({ principal, params }) => ({ json: { items: await ctx.winback.runAs(principal.managerId, (actor) => itemReasons(actor, params.id)) } })
  })
  r.route({
    method: "POST",
    path: "/api/work-items/:id/attachments/upload",
    tag: "work",
    summary: "Upload a file (the raw request body, its Content-Type) and attach it to an item in scope",
    description:
      "The body is the file's bytes; `Content-Type` says what it is (PDF, PNG, JPEG, WAV, MP3 or plain text, checked against the bytes), `kind` and `name` go in the query. " +
      "Over the size limit (10 MiB by default) 413, another type 415, an item out of scope 404; the attachment is audited with the item.",
    params: IdParams,
    query: UploadQuery,
    responses: { 200: { description: "The item with its new attachment", schema: z.object({ item: z.object({ id: z.string() }).loose(), index: z.number() }) } },
    handler: async ({ principal, params, query, raw }) => {
      const me = ctx.winback.as(principal.managerId)
      // The item first: nothing is stored for an item the caller may not open.
      const item = await me.workItems.get(params.id)
      if (files === undefined) throw new HttpError(503, "not_configured", "no file storage is configured")
      const bytes = await readUpload(raw, maxUploadBytes)
      const uri = await Effect.runPromise(files.put(bytes, { contentType: raw.headers["content-type"] ?? "", name: query.name, customerId: item.customerId })).catch(fileError)
      const updated = await me.execution.attach(item.id, { kind: query.kind, uri })
      return { json: { item: updated, index: updated.attachments.length - 1 } }
    }
  })
  r.route({
    method: "GET",
    path: "/api/work-items/:id/attachments/:index",
    tag: "work",
    summary: "Download an uploaded attachment of an item in scope (404 out of scope, or when the file is not this item's customer's)",
    params: AttachmentParams,
    responses: { 200: { description: "The file", contentType: "application/octet-stream" } },
    handler: async ({ principal, params }) => {
      const item = await ctx.winback.as(principal.managerId).workItems.get(params.id)
      const attachment = item.attachments[params.index]
      if (attachment === undefined || files === undefined) throw new NotFound({ entity: "Attachment", id: `${params.index} of this item` })
      const file = await Effect.runPromise(files.get(attachment.uri)).catch(fileError)
      // A file stored for another customer is never served through this item.
      if (file.meta.customerId !== item.customerId) throw new NotFound({ entity: "Attachment", id: `${params.index} of this item` })
      return {
        bytes: file.bytes,
        contentType: file.meta.contentType,
        headers: { "content-disposition": disposition(file.meta.name), "x-content-type-options": "nosniff", "cache-control": "private, no-store" }
      }
    }
  })
}
