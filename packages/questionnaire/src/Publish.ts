/**
 * Publishing: a definition that passes analysis becomes a frozen version identified by the
 * SHA-256 of its canonical JSON. Responses pin that hash. Hashing is synchronous and pure JS
 * (no `node:crypto`, no async WebCrypto), so it runs identically in browsers and servers.
 */
import { analyzeParsed, type AnalysisReport } from "./Analysis"
import { ValidationError } from "./Errors"
import { formatExpression, type ExpressionNode } from "./Expression"
import { parseDefinition, type QuestionnaireDefinition } from "./Questionnaire"
import { canonicalJson, deepFreeze } from "./internal/Canonical"
import { buildPlan, type Plan } from "./internal/Plan"
import { sha256Hex } from "./internal/Sha256"

/**
 * A published, frozen questionnaire version. Plain data: store it as JSON and bring it back with
 * {@link loadPublished}, which re-checks the hash.
 *
 * @example
 * ```ts
 * const v = publish(definition)
 * v.hash // "sha256:9f2c…"
 * Object.isFrozen(v.definition) // true
 * ```
 */
export interface PublishedQuestionnaire {
  readonly id: string
  /** `sha256:` + hex digest of the canonical definition. */
  readonly hash: string
  /** An optional human label ("2026-11 v3"); not part of the hash. */
  readonly label?: string | undefined
  /** The parsed definition, conditions as ASTs, deep-frozen. */
  readonly definition: QuestionnaireDefinition
}

/**
 * Options of {@link publish}.
 *
 * @example
 * ```ts
 * publish(def, { label: "v2", allowWarnings: true })
 * ```
 */
export interface PublishOptions {
  readonly label?: string
  /** When false, warnings block publishing too. Default true (only errors block). */
  readonly allowWarnings?: boolean
}

const plans = new WeakMap<PublishedQuestionnaire, Plan>()

/** @internal The compiled plan of a version (built once, cached). */
export function planOf(version: PublishedQuestionnaire): Plan {
  let p = plans.get(version)
  if (p === undefined) {
    p = buildPlan(version.definition)
    plans.set(version, p)
  }
  return p
}

function hashInput(def: QuestionnaireDefinition): unknown {
  // Conditions are hashed as canonical text, so `q1=="a"` and the equivalent AST hash alike.
  return {
    ...def,
    questions: def.questions.map((q) => ({
      ...q,
      showIf: q.showIf === undefined ? undefined : formatExpression(q.showIf as ExpressionNode),
      requiredIf: q.requiredIf === undefined ? undefined : formatExpression(q.requiredIf as ExpressionNode),
      jumps: q.jumps?.map((j) => ({ when: formatExpression(j.when as ExpressionNode), to: j.to }))
    }))
  }
}

/**
 * The content hash of a definition (`sha256:<hex>`): stable across key order, whitespace and
 * text-vs-AST spelling of conditions.
 *
 * @example
 * ```ts
 * contentHash(parseDefinition(a)) === contentHash(parseDefinition(reorderedKeysOfA)) // true
 * ```
 */
export function contentHash(definition: QuestionnaireDefinition): string {
  return `sha256:${sha256Hex(canonicalJson(hashInput(definition)))}`
}

/**
 * Parses, analyzes and freezes a definition. Throws {@link ValidationError} with every structural
 * issue, or with every analysis error (code and path of each finding) — nothing half-valid is
 * ever published.
 *
 * @example
 * ```ts
 * const version = publish({
 *   id: "csat", title: "Satisfaction callback",
 *   questions: [{ id: "score", type: "rating", text: "How satisfied are you?", required: true }]
 * })
 * ```
 */
export function publish(input: unknown, options: PublishOptions = {}): PublishedQuestionnaire {
  const def = parseDefinition(input)
  const report: AnalysisReport = analyzeParsed(def, { pathSpace: false })
  const blocking = report.findings.filter((f) => f.severity === "error" || (options.allowWarnings === false && f.severity === "warning"))
  if (blocking.length > 0) {
    throw new ValidationError({ issues: blocking.map((f) => ({ path: f.path, message: f.message, code: f.code })), subject: "questionnaire" })
  }
  const version: PublishedQuestionnaire = deepFreeze({
    id: def.id,
    hash: contentHash(def),
    ...(options.label !== undefined ? { label: options.label } : {}),
    definition: def
  })
  plans.set(version, buildPlan(def))
  return version
}

/**
 * Brings back a stored version (e.g. from JSON in a database): re-parses the definition and
 * checks that it still hashes to the recorded hash. Throws {@link ValidationError} otherwise.
 * The analysis is deliberately not re-run: a version published under older rules must stay
 * loadable so that its responses can still be resumed, validated and counted.
 *
 * @example
 * ```ts
 * const again = loadPublished(JSON.parse(JSON.stringify(version)))
 * again.hash === version.hash // true
 * ```
 */
export function loadPublished(data: unknown): PublishedQuestionnaire {
  const d = data as Partial<PublishedQuestionnaire> | null
  if (d === null || typeof d !== "object" || typeof d.hash !== "string") {
    throw new ValidationError({ issues: [{ path: ["hash"], code: "invalid_type", message: "A published version needs a hash" }], subject: "published questionnaire" })
  }
  const def = parseDefinition(d.definition)
  const hash = contentHash(def)
  if (hash !== d.hash) {
    throw new ValidationError({ issues: [{ path: ["hash"], code: "hash_mismatch", message: `The definition hashes to ${hash}, not ${d.hash}` }], subject: "published questionnaire" })
  }
  const version: PublishedQuestionnaire = deepFreeze({ id: def.id, hash, ...(typeof d.label === "string" ? { label: d.label } : {}), definition: def })
  plans.set(version, buildPlan(def))
  return version
}
