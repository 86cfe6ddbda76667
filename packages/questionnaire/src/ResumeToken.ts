/**
 * Resume and hand-off: an opaque token that restores a call exactly (answers, remembered hidden
 * answers, cursor, finished flag, the whole log), pinned to the version hash. A second agent, or
 * a callback days later, continues where the first stopped. The token is integrity-checked, not
 * encrypted: it carries the call's context and answers, so store it like the response itself.
 */
import { ResumeTokenError } from "./Errors"
import { planOf, type PublishedQuestionnaire } from "./Publish"
import { stateFromAnswers, type AnswerLogEntry, type AnswerMeta, type QuestionnaireState } from "./Runtime"
import { sha256Hex } from "./internal/Sha256"
import { checkValue, type StoredValue } from "./internal/Values"

const PREFIX = "wbq1"

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let bin = ""
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

function fromBase64Url(s: string): string {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)
  const bin = atob(b64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
}

interface Payload {
  h: string
  c: Record<string, unknown>
  a: Record<string, StoredValue>
  k: string | null
  f: boolean
  l: AnswerLogEntry[]
}

/**
 * Serializes a call into an opaque resume token.
 *
 * @example
 * ```ts
 * const token = resumeToken(state)
 * // ... later, possibly another agent, another process:
 * const again = resume(version, token)
 * again.currentQuestion === state.currentQuestion // true
 * ```
 */
export function resumeToken(state: QuestionnaireState): string {
  const { plan, answers, cursor, finished } = state.core
  const a: Record<string, StoredValue> = {}
  for (let i = 0; i < plan.n; i++) if (answers[i] !== undefined) a[plan.ids[i]!] = answers[i]!
  const payload: Payload = {
    h: state.versionHash,
    c: { ...state.context },
    a,
    k: cursor < plan.n ? plan.ids[cursor]! : null,
    f: finished,
    l: [...state.log]
  }
  const body = toBase64Url(JSON.stringify(payload))
  return `${PREFIX}.${body}.${sha256Hex(`${PREFIX}.${body}`).slice(0, 24)}`
}

/**
 * Reads the version hash a token is pinned to, without restoring it (to pick the right version
 * from storage first). Throws {@link ResumeTokenError} on a malformed or tampered token.
 *
 * @example
 * ```ts
 * const version = await store.versionByHash(resumeTokenVersion(token))
 * ```
 */
export function resumeTokenVersion(token: string): string {
  return decode(token).h
}

function decode(token: string): Payload {
  const parts = token.split(".")
  if (parts.length !== 3 || parts[0] !== PREFIX) throw new ResumeTokenError("Malformed", "Not a questionnaire resume token")
  const [, body, sum] = parts as [string, string, string]
  if (sha256Hex(`${PREFIX}.${body}`).slice(0, 24) !== sum) throw new ResumeTokenError("Tampered", "The resume token was altered or truncated")
  let p: unknown
  try {
    p = JSON.parse(fromBase64Url(body))
  } catch {
    throw new ResumeTokenError("Malformed", "The resume token does not decode")
  }
  const o = p as Partial<Payload> | null
  if (o === null || typeof o !== "object" || typeof o.h !== "string" || typeof o.a !== "object" || o.a === null || !Array.isArray(o.l))
    throw new ResumeTokenError("Malformed", "The resume token has an unexpected shape")
  return o as Payload
}

/**
 * Restores the exact state a token was made from. Throws {@link ResumeTokenError} when the token is
 * malformed, tampered with, or pinned to another version than `version`. An optional `meta`
 * appends a `resume` entry (who took over, when, on which channel) to the log.
 *
 * @example
 * ```ts
 * const s = resume(version, token, { at: "2026-11-23T10:00:00Z", by: "agent-22", channel: "phone" })
 * s.log.at(-1)?.kind // "resume"
 * ```
 */
export function resume(version: PublishedQuestionnaire, token: string, meta?: AnswerMeta): QuestionnaireState {
  const p = decode(token)
  if (p.h !== version.hash) throw new ResumeTokenError("VersionMismatch", `The call was started on ${p.h}, not ${version.hash}`, p.h)
  const plan = planOf(version)
  const answers = new Array<StoredValue | undefined>(plan.n).fill(undefined)
  for (const [id, v] of Object.entries(p.a)) {
    const i = plan.index.get(id)
    const c = i === undefined ? undefined : checkValue(plan.questions[i]!, v, plan.patterns)
    if (i === undefined || c === undefined || !c.ok) throw new ResumeTokenError("Malformed", `The token holds an invalid answer for "${id}"`)
    answers[i] = c.value ?? undefined
  }
  const cursor = p.k === null ? plan.n : plan.index.get(p.k)
  if (cursor === undefined) throw new ResumeTokenError("Malformed", `The token's cursor "${p.k}" is not a question`)
  const log = [...p.l]
  if (meta !== undefined) {
    const e: Record<string, unknown> = { seq: log.length + 1, kind: "resume" }
    if (meta.at !== undefined) e.at = meta.at
    if (meta.by !== undefined) e.by = meta.by
    if (meta.channel !== undefined) e.channel = meta.channel
    log.push(e as unknown as AnswerLogEntry)
  }
  return stateFromAnswers(version, p.c ?? {}, answers, { cursor, finished: p.f === true, log })
}
