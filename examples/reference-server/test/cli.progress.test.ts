/**
 * The command's progress output: a bar redrawn in place on a terminal, plain lines otherwise.
 */
import { describe, expect, it } from "vitest"
import { duration, progressFor } from "../src/cli/progress"

const sink = (isTTY: boolean) => {
  const chunks: Array<string> = []
  const out = { isTTY, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream
  return { out, text: () => chunks.join("") }
}

describe("command progress", () => {
  it("draws a bar on a terminal, with the step's share of the work, and leaves one line per finished step", () => {
    const s = sink(true)
    const p = progressFor(s.out)
    p.step(2, 4, "Run the extraction")
    p.advance(50, 100)
    p.line("a note")
    p.end("ok", "12 work item(s) created", 1500)
    p.close()
    const text = s.text()
    // Step 1 done and half of step 2 = 1.5/4 of a 24-wide bar = 9 marks.
    expect(text).toContain(`\r\x1b[2K[${"#".repeat(9)}${"-".repeat(15)}] 2/4 Run the extraction 50%`)
    expect(text).toContain("a note\n")
    expect(text).toContain("✔ 2/4 Run the extraction: 12 work item(s) created (1.5 s)\n")
  })

  it("writes plain lines when not a terminal (cron, pipes, log files)", () => {
    const s = sink(false)
    const p = progressFor(s.out)
    p.step(1, 4, "Expire due tasks")
    p.advance(1, 2)
    p.end("failed", "Forbidden: no", 12)
    p.close()
    expect(s.text()).toBe("[1/4] Expire due tasks: started\n[1/4] Expire due tasks: failed in 12 ms: Forbidden: no\n")
    expect(s.text()).not.toContain("\x1b")
  })

  it("formats durations for people", () => {
    expect([duration(12.4), duration(999), duration(1000), duration(61_250)]).toEqual(["12 ms", "999 ms", "1.0 s", "61.3 s"])
  })
})
