import { describe, expect, it } from "vitest"
import { csvLines, parseImportLine } from "@winback/core"

const collect = async (source: Parameters<typeof csvLines>[0]) => {
  const out: Array<readonly [number, string]> = []
  for await (const l of csvLines(source)) out.push(l)
  return out
}

describe("CSV lines, streamed", () => {
  it("handles a BOM, CRLF, blank lines and a last line without newline", async () => {
    expect(await collect("\uFEFFc-1\r\n\r\nc-2,m-1\nc-3")).toEqual([
      [1, "c-1"],
      [2, ""],
      [3, "c-2,m-1"],
      [4, "c-3"]
    ])
  })

  it("joins lines split across chunks, including a CRLF and a multi-byte character split between byte chunks", async () => {
    const bytes = new TextEncoder().encode("\uFEFFc-é1\r\nc-2\r\n")
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3)
    }
    expect(await collect(chunks())).toEqual([
      [1, "c-é1"],
      [2, "c-2"]
    ])
  })

  it("parses customer_id or customer_id,agent_id; whitespace ignored; malformed lines reported", () => {
    expect(parseImportLine(1, "  c-1 , m-2 ")).toEqual({ no: 1, customerId: "c-1", agentId: "m-2" })
    expect(parseImportLine(2, "   ")).toBeUndefined()
    expect(parseImportLine(3, "a,b,c")).toMatchObject({ code: "malformed", path: ["line", 3] })
    expect(parseImportLine(4, ",m-1")).toMatchObject({ code: "malformed" })
    expect(parseImportLine(5, "c 1")).toMatchObject({ code: "malformed" })
  })
})
