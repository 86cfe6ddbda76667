// The workbench's only way to the server: JSON over fetch, same origin, with the session cookie the
// login sets, and the X-Winback-Csrf header the server demands of every cookie-authenticated write
// (no other site can send it). Every non-2xx answer becomes an ApiError carrying the server's stable error code,
// message and details, so views can show exactly what the API said.

import { callWith, pathOf, queryString } from "./client.js"
import { t } from "./i18n.js"

/** An error answer of the API (or a network failure, code "network"). */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message)
    this.name = "ApiError"
    this.status = status
    this.code = code
    this.details = details
    /** Set on a 401: the session ended (the login screen says so once). */
    this.sessionEnded = false
  }
}

/** @type {(e: ApiError) => void} */
let onUnauthenticated = () => {}
/** Called when any request answers 401 (the session ended): the app shows the login screen. */
export const setUnauthenticatedHandler = (f) => {
  onUnauthenticated = f
}

/** Sends one request; resolves with the parsed JSON body (or null for 204). */
export async function request(method, path, body) {
  let res
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      // A Blob (a file to upload) goes as its own bytes and type; anything else as JSON.
      headers:
        body === undefined
          ? { accept: "application/json", "x-winback-csrf": "1" }
          : { accept: "application/json", "content-type": body instanceof Blob ? body.type || "application/octet-stream" : "application/json", "x-winback-csrf": "1" },
      body: body === undefined ? undefined : body instanceof Blob ? body : JSON.stringify(body)
    })
  } catch (e) {
    throw new ApiError(0, "network", t("net.unreachable", { reason: e instanceof Error ? e.message : String(e) }))
  }
  const type = res.headers.get("content-type") ?? ""
  const data = res.status === 204 ? null : type.includes("json") ? await res.json().catch(() => null) : await res.text()
  if (!res.ok) {
    const err = data && typeof data === "object" && data.error ? data.error : { code: `http_${res.status}`, message: typeof data === "string" && data ? data.slice(0, 300) : res.statusText }
    const e = new ApiError(res.status, err.code ?? `http_${res.status}`, err.message ?? res.statusText, err.details)
    if (res.status === 401 && path !== pathOf("postApiLogin")) {
      e.sessionEnded = true // the login screen says so once; views need not repeat it
      onUnauthenticated(e)
    }
    throw e
  }
  return data
}

/** Query string from an object (e.g. for the page's own hash links); arrays repeat the key, null/undefined/"" are left out. */
export const qs = (params) => queryString(params)

/**
 * Calls an API operation by its OpenAPI operation id (the generated client's route table gives the
 * method and path): `call("getApiCustomersById", { params: { id } })`,
 * `call("postApiCalls", { body })`. Typed by client.d.ts (generated from the route schemas): a
 * wrong operation id, a missing path parameter or a wrong body field fails `pnpm typecheck`. A POST
 * without a body sends `{}`, as `post` does.
 */
export const call = callWith((method, path, body) => request(method, path, body === undefined && method === "POST" ? {} : body))

/** The items of a page answer, whatever the list's envelope ({ items } or a bare array). */
export const itemsOf = (page) => (Array.isArray(page) ? page : (page?.items ?? []))
