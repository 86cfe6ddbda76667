import { describe, expect, it } from "vitest"
import { parseImportLine, readCsv, readImportHeader } from "@winback/core"

const collect = async (source: Parameters<typeof readCsv>[0], encoding?: Parameters<typeof readCsv>[1]) => {
  const out: Array<unknown> = []
  for await (const r of readCsv(source, encoding)) out.push("fields" in r ? [r.line, ...r.fields] : r)
  return out
}

describe("CSV records, streamed (csv-parse, strict decoding)", () => {
  it("handles a BOM, CRLF, blank lines and a last line without newline; lines keep their numbers", async () => {
    expect(await collect("\uFEFFc-1\r\n\r\nc-2,m-1\nc-3")).toEqual([
      [1, "c-1"],
      [3, "c-2", "m-1"],
      [4, "c-3"]
    ])
  })

  it("RFC 4180: a quoted field holds commas, doubled quotes and line breaks; the record keeps the line it starts on", async () => {
    expect(await collect('"c-1","m, 1"\n"c ""2""",x\n"c-3\nnext",m-3\nc-4\n')).toEqual([
      [1, "c-1", "m, 1"],
      [2, 'c "2"', "x"],
      [3, "c-3\nnext", "m-3"],
      [5, "c-4"]
    ])
  })

  it("joins records split across chunks, including a CRLF and a multi-byte character split between byte chunks", async () => {
    const bytes = new TextEncoder().encode("\uFEFFc-é1\r\nc-2\r\n")
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3)
    }
    expect(await collect(chunks())).toEqual([
      [1, "c-é1"],
      [2, "c-2"]
    ])
  })

  it("decodes GB18030 only when told, refuses it as UTF-8 with the line number, and reads UTF-16 by its BOM", async () => {
    // 张三 in GB18030: D5 C5 C8 FD
    const gbk = Uint8Array.from([0x63, 0x2d, 0x31, 0x0a, 0x63, 0x2d, 0x32, 0x2c, 0xd5, 0xc5, 0xc8, 0xfd, 0x0a])
    expect(await collect(gbk, { encoding: "gb18030" })).toEqual([
      [1, "c-1"],
      [2, "c-2", "张三"]
    ])
    expect(await collect(gbk)).toEqual([[1, "c-1"], { line: 2, code: "undecodable", message: expect.stringContaining("line 2 is not valid UTF-8") }])
    const utf16 = Uint8Array.from([0xff, 0xfe, ...Array.from("c-1,张\n", (c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]).flat()])
    expect(await collect(utf16)).toEqual([[1, "c-1", "张"]])
  })

  it("reports broken quoting per line and keeps reading", async () => {
    const out = await collect('c-1\nc "2",x\nc-3\n"c-4"junk\n')
    expect(out[0]).toEqual([1, "c-1"])
    expect(out).toContainEqual({ line: 2, code: "malformed", message: expect.stringContaining("line 2: a quote inside an unquoted field") })
    expect(out).toContainEqual([3, "c-3"])
    expect(out).toContainEqual({ line: 4, code: "malformed", message: expect.stringContaining("line 4: text follows a closing quote") })
  })

  it("parses customer_id or customer_id,agent_id; malformed lines reported", () => {
    expect(parseImportLine(1, ["c-1", "m-2"])).toEqual({ no: 1, customerId: "c-1", agentId: "m-2" })
    expect(parseImportLine(2, ["c-1", ""])).toEqual({ no: 2, customerId: "c-1", agentId: null })
    expect(parseImportLine(3, ["a", "b", "c"])).toMatchObject({ code: "malformed", path: ["line", 3] })
    expect(parseImportLine(4, ["", "m-1"])).toMatchObject({ code: "malformed" })
    expect(parseImportLine(5, ["c 1"])).toMatchObject({ code: "malformed" })
  })

  it("reads a header by its aliases, in any order", () => {
    expect(readImportHeader(1, ["customer_id"])).toEqual({ customer: 0, agent: -1 })
    expect(readImportHeader(1, ["agentId", "customerId"])).toEqual({ customer: 1, agent: 0 })
    expect(readImportHeader(1, ["客户编号", "坐席工号"])).toEqual({ customer: 0, agent: 1 })
    expect(readImportHeader(1, ["Customer ID", "Agent ID"])).toEqual({ customer: 0, agent: 1 })
    expect(readImportHeader(1, ["c-1", "m-1"])).toBeUndefined()
    expect(readImportHeader(1, ["customer_id", "colour"])).toMatchObject({ code: "malformed", message: expect.stringContaining("'colour' is not a column") })
  })
})
