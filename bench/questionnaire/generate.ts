/**
 * One generator, two outputs: the same questionnaire as a Winback definition and as SurveyJS JSON,
 * so both libraries run exactly the same logic. Questions are single-choice (a/b/c) in a chain:
 * q{k} is shown if its parent (the previous regular question) is answered "a". With `defects`, a
 * few questions carry the mistakes both analyzers should catch (as leaves, so the chain stays intact).
 */
export interface Generated {
  readonly ours: Record<string, unknown>
  readonly surveyjs: Record<string, unknown>
  /** Question names that carry a defect, by kind. */
  readonly defects: Record<string, string[]>
}

const CHOICES = ["a", "b", "c"]

export function generateChain(n: number, options: { defects?: boolean; perPage?: number } = {}): Generated {
  const perPage = options.perPage ?? 10
  const ours: Array<Record<string, unknown>> = []
  const sj: Array<Record<string, unknown>> = []
  const defects: Record<string, string[]> = { unknownReference: [], contradiction: [], unknownChoice: [], outOfRange: [], neverVisibleChain: [] }
  let parent: string | undefined
  let lastDefect: string | undefined
  for (let i = 1; i <= n; i++) {
    const name = `q${i}`
    const slot = options.defects === true && i > 5 ? i % 50 : -1
    if (slot === 10 && parent !== undefined) {
      defects.unknownReference!.push(name)
      ours.push({ id: name, type: "singleChoice", text: `Question ${i}`, choices: CHOICES.map((c) => ({ id: c, text: c })), showIf: `zz${i} == "a"` })
      sj.push({ type: "radiogroup", name, title: `Question ${i}`, choices: CHOICES, visibleIf: `{zz${i}} = 'a'` })
      continue
    }
    if (slot === 20 && parent !== undefined) {
      defects.contradiction!.push(name)
      lastDefect = name
      ours.push({ id: name, type: "singleChoice", text: `Question ${i}`, choices: CHOICES.map((c) => ({ id: c, text: c })), showIf: `${parent} == "a" and ${parent} == "b"` })
      sj.push({ type: "radiogroup", name, title: `Question ${i}`, choices: CHOICES, visibleIf: `{${parent}} = 'a' and {${parent}} = 'b'` })
      continue
    }
    if (slot === 21 && lastDefect !== undefined) {
      defects.neverVisibleChain!.push(name)
      ours.push({ id: name, type: "text", text: `Question ${i}`, showIf: `answered(${lastDefect})` })
      sj.push({ type: "text", name, title: `Question ${i}`, visibleIf: `{${lastDefect}} notempty` })
      continue
    }
    if (slot === 30 && parent !== undefined) {
      defects.unknownChoice!.push(name)
      ours.push({ id: name, type: "singleChoice", text: `Question ${i}`, choices: CHOICES.map((c) => ({ id: c, text: c })), showIf: `${parent} == "zz"` })
      sj.push({ type: "radiogroup", name, title: `Question ${i}`, choices: CHOICES, visibleIf: `{${parent}} = 'zz'` })
      continue
    }
    if (slot === 40) {
      const r = `r${i}`
      defects.outOfRange!.push(name)
      ours.push({ id: r, type: "rating", text: `Rating ${i}`, min: 1, max: 5 })
      sj.push({ type: "rating", name: r, title: `Rating ${i}`, rateMin: 1, rateMax: 5 })
      ours.push({ id: name, type: "text", text: `Question ${i}`, showIf: `${r} > 7` })
      sj.push({ type: "text", name, title: `Question ${i}`, visibleIf: `{${r}} > 7` })
      continue
    }
    const q: Record<string, unknown> = { id: name, type: "singleChoice", text: `Question ${i}`, choices: CHOICES.map((c) => ({ id: c, text: c })) }
    const s: Record<string, unknown> = { type: "radiogroup", name, title: `Question ${i}`, choices: CHOICES }
    if (parent !== undefined) {
      q.showIf = `${parent} == "a"`
      s.visibleIf = `{${parent}} = 'a'`
    }
    ours.push(q)
    sj.push(s)
    parent = name
  }
  const pages: Array<Record<string, unknown>> = []
  for (let p = 0; p * perPage < sj.length; p++) pages.push({ name: `page${p + 1}`, elements: sj.slice(p * perPage, (p + 1) * perPage) })
  return {
    ours: { id: `chain-${n}`, title: `Chain of ${n}`, questions: ours },
    surveyjs: { title: `Chain of ${n}`, pages },
    defects
  }
}
