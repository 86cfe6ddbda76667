/**
 * A readable preview of a questionnaire as markdown: sections, numbered questions with their type
 * and choices, and the branching (show-if, required-if, jumps) written next to each question, plus
 * an optional mermaid flowchart of the paths.
 */
import { analyzeParsed } from "./Analysis"
import { formatExpression, type ExpressionNode } from "./Expression"
import type { PublishedQuestionnaire } from "./Publish"
import { localize, parseDefinition, type Question, type QuestionnaireDefinition } from "./Questionnaire"

/**
 * Options of {@link outline}.
 *
 * @example
 * ```ts
 * outline(version, { locale: "zh-CN", mermaid: true, pathSpace: true })
 * ```
 */
export interface OutlineOptions {
  readonly locale?: string
  /** Append a mermaid flowchart of jumps and conditions (default false). */
  readonly mermaid?: boolean
  /** Add the path-space figures from the analysis (default true). */
  readonly pathSpace?: boolean
}

const TYPE_LABEL: Record<Question["type"], string> = {
  text: "text",
  multilineText: "long text",
  singleChoice: "single choice",
  multipleChoice: "multiple choice",
  number: "number",
  date: "date",
  rating: "rating"
}

function details(q: Question): string {
  switch (q.type) {
    case "rating":
      return `${q.min}–${q.max}`
    case "number":
      return [q.min !== undefined ? `≥ ${q.min}` : "", q.max !== undefined ? `≤ ${q.max}` : "", q.integer ? "whole" : ""].filter(Boolean).join(", ")
    case "multipleChoice":
      return [q.minSelected !== undefined ? `at least ${q.minSelected}` : "", q.maxSelected !== undefined ? `at most ${q.maxSelected}` : ""].filter(Boolean).join(", ")
    case "date":
      return [q.min !== undefined ? `from ${q.min}` : "", q.max !== undefined ? `to ${q.max}` : ""].filter(Boolean).join(", ")
    default:
      return ""
  }
}

const cond = (c: unknown): string => "`" + formatExpression(c as ExpressionNode) + "`"

/**
 * Renders a published version (or a definition) as a markdown outline showing the branching.
 *
 * @example
 * ```ts
 * console.log(outline(publish(def)))
 * // # Retention callback
 * // 1. **reason** — Why do you consider leaving? _(single choice, required)_
 * //    - `price` Price
 * //    …
 * // 2. **competitor** — Which competitor offer? _(text)_
 * //    - shown if `reason == "price"`
 * ```
 */
export function outline(source: PublishedQuestionnaire | QuestionnaireDefinition | unknown, options: OutlineOptions = {}): string {
  const published = source !== null && typeof source === "object" && "hash" in source && "definition" in source ? (source as PublishedQuestionnaire) : undefined
  const def: QuestionnaireDefinition = published?.definition ?? parseDefinition(source)
  const loc = (t: Parameters<typeof localize>[0]): string => localize(t, options.locale, def.defaultLocale)
  const lines: string[] = []
  lines.push(`# ${loc(def.title)}`, "")
  if (def.description !== undefined) lines.push(loc(def.description), "")
  const meta = [`id \`${def.id}\``, published ? `version \`${published.hash.slice(0, 19)}…\`` : "draft", `${def.questions.length} questions`, `hidden answers: ${def.hiddenAnswers}`]
  if (def.context !== undefined) meta.push(`context: ${Object.entries(def.context).map(([k, f]) => `\`ctx.${k}\` (${f.type === "choice" ? f.values.join("/") : f.type})`).join(", ")}`)
  lines.push(`_${meta.join(" · ")}_`, "")
  if (options.pathSpace !== false) {
    const ps = analyzeParsed(def, { maxTestCases: 16 }).pathSpace
    if (ps !== undefined)
      lines.push(`> A call asks ${ps.minQuestions === ps.maxQuestions ? ps.minQuestions : `${ps.minQuestions}–${ps.maxQuestions}`} questions${ps.exact ? "" : " (on the explored paths)"}; ${ps.testCases.length} test case${ps.testCases.length === 1 ? "" : "s"} cover ${ps.branches.covered}/${ps.branches.total} branch outcomes.`, "")
  }
  const sections = new Map((def.sections ?? []).map((s) => [s.id, s]))
  let openSection: string | undefined
  def.questions.forEach((q, i) => {
    if (q.section !== openSection) {
      openSection = q.section
      const s = q.section !== undefined ? sections.get(q.section) : undefined
      if (s !== undefined) lines.push("", `## ${loc(s.title)}`, "")
    }
    const tags = [TYPE_LABEL[q.type], details(q), q.required ? "required" : ""].filter(Boolean).join(", ")
    lines.push(`${i + 1}. **${q.id}** — ${loc(q.text)} _(${tags})_`)
    if (q.description !== undefined) lines.push(`   ${loc(q.description)}`)
    if (q.type === "singleChoice" || q.type === "multipleChoice") for (const c of q.choices) lines.push(`   - \`${c.id}\` ${loc(c.text)}`)
    if (q.type === "rating" && (q.minLabel !== undefined || q.maxLabel !== undefined))
      lines.push(`   - ${q.min} = ${q.minLabel !== undefined ? loc(q.minLabel) : ""}, ${q.max} = ${q.maxLabel !== undefined ? loc(q.maxLabel) : ""}`)
    if (q.showIf !== undefined) lines.push(`   - ↳ shown if ${cond(q.showIf)}`)
    if (q.requiredIf !== undefined) lines.push(`   - ❗ required if ${cond(q.requiredIf)}`)
    for (const j of q.jumps ?? []) lines.push(`   - ⤳ if ${cond(j.when)} → ${j.to === "end" ? "**end of call**" : `**${j.to}**`}`)
  })
  if (options.mermaid === true) {
    lines.push("", "```mermaid", "flowchart TD")
    const id = (k: number): string => (k >= def.questions.length ? "END" : `n${k}`)
    def.questions.forEach((q, i) => lines.push(`  n${i}["${q.id}${q.showIf !== undefined ? " ?" : ""}"]`))
    lines.push(`  END(["end"])`)
    def.questions.forEach((q, i) => {
      for (const j of q.jumps ?? []) {
        const t = j.to === "end" ? def.questions.length : def.questions.findIndex((x) => x.id === j.to)
        if (t >= 0) lines.push(`  n${i} -->|"${formatExpression(j.when as ExpressionNode).replace(/"/g, "'")}"| ${id(t)}`)
      }
      lines.push(`  n${i} --> ${id(i + 1)}`)
    })
    lines.push("```")
  }
  return lines.join("\n") + "\n"
}
