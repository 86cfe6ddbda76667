import { describe, it, expect } from "vitest"
import { outline, publish } from "../src/index"

const def = {
  id: "cb",
  title: { en: "Callback", "zh-CN": "回访" },
  sections: [{ id: "s1", title: "First" }],
  questions: [
    { id: "reached", section: "s1", type: "singleChoice", text: "Reached?", required: true, choices: [{ id: "yes", text: "Yes" }, { id: "no", text: { en: "No", "zh-CN": "否" } }], jumps: [{ when: "reached == 'no'", to: "end" }] },
    { id: "score", section: "s1", type: "rating", text: "Score", min: 0, max: 10 },
    { id: "why", type: "text", text: "Why?", showIf: "score <= 6", requiredIf: "score <= 3" }
  ]
}

describe("outline", () => {
  it("renders sections, questions, choices and the branching as markdown", () => {
    const md = outline(publish(def))
    expect(md).toContain("# Callback\n")
    expect(md).toContain("## First\n")
    expect(md).toContain("1. **reached** — Reached? _(single choice, required)_\n   - `yes` Yes\n   - `no` No\n   - ⤳ if `reached == \"no\"` → **end of call**")
    expect(md).toContain("2. **score** — Score _(rating, 0–10)_")
    expect(md).toContain('3. **why** — Why? _(text)_\n   - ↳ shown if `score <= 6`\n   - ❗ required if `score <= 3`')
    expect(md).toContain("> A call asks 1–3 questions; ")
  })

  it("renders another locale and a mermaid flowchart of the paths", () => {
    const md = outline(def, { locale: "zh-CN", mermaid: true, pathSpace: false })
    expect(md).toContain("# 回访")
    expect(md).toContain("   - `no` 否")
    expect(md).toContain("```mermaid\nflowchart TD")
    expect(md).toContain(`n0 -->|"reached == 'no'"| END`)
    expect(md).toContain("n2 --> END")
    expect(md).not.toContain("A call asks")
  })
})
