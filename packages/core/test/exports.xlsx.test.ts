/**
 * XLSX export read back by an independent library (exceljs): values, types, number formats and
 * sheet names survive, and random tables round-trip (fast-check).
 */
import ExcelJS from "exceljs"
import * as fc from "fast-check"
import { inflateRawSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import { type ReportCell, reportXlsx, type ReportTable, ValidationError } from "../src/index"
import { crc32, zip } from "../src/report/exports/zip"

const load = async (bytes: Uint8Array): Promise<ExcelJS.Workbook> => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer)
  return wb
}

const funnel: ReportTable = {
  name: "Funnel",
  columns: [
    { key: "stage", label: "Stage", type: "text" },
    { key: "count", label: "Customers", type: "integer" },
    { key: "rate", label: "Rate vs previous", type: "percent", decimals: 2 },
    { key: "cost", label: "Offer cost", type: "money" },
    { key: "day", label: "Day", type: "date" },
    { key: "at", label: "Computed at", type: "datetime" },
    { key: "final", label: "Final", type: "text" }
  ],
  rows: [
    { stage: "submitted", count: 22171, rate: null, cost: 0, day: "2026-11-01", at: "2026-11-22T09:30:00.000Z", final: false },
    { stage: "connected", count: 16229, rate: 0.732, cost: 1234.5, day: "2026-11-02", at: "2026-11-22T09:30:15.000Z", final: false },
    { stage: "=cmd|' /C calc'!A0 <b>&amp;", count: 14259, rate: 0.8786, cost: -20.25, day: "2026-11-30", at: "2026-11-22T23:59:59.000Z", final: true }
  ]
}

describe("reportXlsx", () => {
  it("opens in exceljs with header, strings, numbers, dates and booleans as their own types", async () => {
    const wb = await load(reportXlsx([funnel]))
    const ws = wb.getWorksheet("Funnel")!
    expect(ws).toBeDefined()
    expect(ws.getRow(1).values).toEqual([undefined, "Stage", "Customers", "Rate vs previous", "Offer cost", "Day", "Computed at", "Final"])
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true)
    expect(ws.rowCount).toBe(4)
    const r2 = ws.getRow(3)
    expect(r2.getCell(1).value).toBe("connected")
    expect(r2.getCell(2).value).toBe(16229)
    expect(r2.getCell(3).value).toBe(0.732)
    expect(r2.getCell(3).numFmt).toBe("0.00%")
    expect(r2.getCell(4).value).toBe(1234.5)
    expect(r2.getCell(4).numFmt).toBe("#,##0.00")
    expect(r2.getCell(5).value).toEqual(new Date("2026-11-02T00:00:00.000Z"))
    expect(r2.getCell(5).numFmt).toBe("yyyy-mm-dd")
    expect(r2.getCell(6).value).toEqual(new Date("2026-11-22T09:30:15.000Z"))
    expect(r2.getCell(7).value).toBe(false)
    // An empty cell stays empty; markup-like text stays text (no formula, no markup).
    expect(ws.getRow(2).getCell(3).value).toBeNull()
    expect(ws.getRow(4).getCell(1).value).toBe("=cmd|' /C calc'!A0 <b>&amp;")
    expect(ws.getRow(4).getCell(1).type).toBe(ExcelJS.ValueType.String)
    expect(ws.getRow(4).getCell(4).value).toBe(-20.25)
    expect(ws.getRow(4).getCell(7).value).toBe(true)
  })

  it("writes one sheet per table, with sheet names made valid and unique", async () => {
    const wb = await load(
      reportXlsx([
        { ...funnel, name: "Agents: north/south [Nov]" },
        { ...funnel, name: "agents: north/south [nov]" },
        { ...funnel, name: "A very long report name that goes past thirty-one characters" }
      ])
    )
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Agents_ north_south _Nov_", "agents_ north_south _nov_ (2)", "A very long report name that go"])
    for (const ws of wb.worksheets) expect(ws.getRow(3).getCell(2).value).toBe(16229)
  })

  it("never starts or ends a sheet name with an apostrophe, which Excel refuses (found by the round-trip property)", async () => {
    const wb = await load(
      reportXlsx([
        { ...funnel, name: " ' " },
        { ...funnel, name: "'Q4' retention '" },
        { ...funnel, name: `${"x".repeat(30)}'tail` }
      ])
    )
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Sheet1", "Q4' retention", "x".repeat(30)])
  })

  it("writes a sheet named __proto__ like any other name, touching no prototype", async () => {
    const before = Object.keys(Object.prototype)
    const bytes = reportXlsx([{ ...funnel, name: "__proto__" }])
    expect(Object.keys(Object.prototype)).toEqual(before)
    try {
      const wb = await load(bytes)
      expect(wb.worksheets.map((w) => w.name)).toEqual(["__proto__"])
      expect(wb.worksheets[0]!.getRow(3).getCell(2).value).toBe(16229)
    } finally {
      // exceljs, the reader, pollutes Object.prototype on this name: undo it for the other tests.
      for (const k of Object.keys(Object.prototype)) if (!before.includes(k)) delete (Object.prototype as Record<string, unknown>)[k]
    }
  })

  it("keeps text that looks like an OOXML escape (_x0041_) literally", async () => {
    const wb = await load(reportXlsx([{ name: "T", columns: [{ key: "a", label: "A", type: "text" }], rows: [{ a: "_x0041_ and _x005F_" }] }]))
    expect(wb.getWorksheet("T")!.getRow(2).getCell(1).value).toBe("_x0041_ and _x005F_")
  })

  it("is deterministic: the same tables give the same bytes", () => {
    expect(Buffer.from(reportXlsx([funnel])).equals(Buffer.from(reportXlsx([funnel])))).toBe(true)
  })

  it("refuses a bad table with a ValidationError naming the path", () => {
    const issuesOf = (t: unknown): Array<string> => {
      try {
        reportXlsx([t as ReportTable])
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError)
        return (e as ValidationError).issues.map((i) => i.path.join("."))
      }
      throw new Error("expected a ValidationError")
    }
    expect(issuesOf({ name: "Bad", columns: [{ key: "a", label: "A", type: "text" }], rows: [{ a: "ok" }, { a: Number.NaN }] })).toEqual(["0.rows.1.a"])
    expect(issuesOf({ name: "Bad", columns: [{ key: "a", label: "A", type: "text" }, { key: "a", label: "A again", type: "text" }], rows: [] })).toEqual(["0.columns.1.key"])
  })

  it("round-trips random tables (fast-check)", async () => {
    // Text without characters XML 1.0 cannot carry (those are dropped, by design).
    const text = fc.string({ unit: "grapheme", maxLength: 20 }).filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\r]/.test(s))
    const num = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((n) => (Object.is(n, -0) ? 0 : n))
    const day = fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2090-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
    const columnKinds = fc.array(fc.constantFrom("text", "number", "integer", "percent", "date", "boolean") as fc.Arbitrary<"text" | "number" | "integer" | "percent" | "date" | "boolean">, { minLength: 1, maxLength: 5 })
    const tableArb = columnKinds.chain((kinds) => {
      const cell = (k: (typeof kinds)[number]): fc.Arbitrary<ReportCell> =>
        fc.oneof(
          { weight: 1, arbitrary: fc.constant(null) },
          {
            weight: 5,
            arbitrary:
              k === "text" ? text : k === "integer" ? fc.integer({ min: -1e9, max: 1e9 }) : k === "date" ? day : k === "boolean" ? fc.boolean() : k === "percent" ? fc.double({ min: -2, max: 2, noNaN: true }).map((n) => (Object.is(n, -0) ? 0 : n)) : num
          }
        )
      return fc.record({
        // exceljs (the reader, not the writer under test) pollutes Object.prototype when it loads a
        // sheet named "__proto__", which breaks every later case; that name is checked on its own below.
        name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0 && s !== "__proto__"),
        kinds: fc.constant(kinds),
        rows: fc.array(fc.tuple(...kinds.map(cell)), { maxLength: 15 })
      })
    })
    await fc.assert(
      fc.asyncProperty(tableArb, async ({ name, kinds, rows }) => {
        const table: ReportTable = {
          name,
          columns: kinds.map((k, i) => ({ key: `c${i}`, label: `Col ${i}`, type: k === "boolean" ? "text" : k })),
          rows: rows.map((r) => Object.fromEntries(r.map((v, i) => [`c${i}`, v])))
        }
        const wb = await load(reportXlsx([table]))
        const ws = wb.worksheets[0]!
        rows.forEach((r, ri) => {
          r.forEach((v, ci) => {
            const got = ws.getRow(ri + 2).getCell(ci + 1).value
            if (v === null || v === "") expect(got ?? "").toBe(v ?? "")
            else if (kinds[ci] === "date") expect((got as Date).toISOString().slice(0, 10)).toBe(v)
            else expect(got).toEqual(v)
          })
        })
      }),
      { numRuns: 60 }
    )
  }, 60_000)
})

describe("zip", () => {
  it("computes the standard CRC-32", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926)
    expect(crc32(new Uint8Array())).toBe(0)
  })

  it("writes local headers whose deflated data inflates back to the input", () => {
    const text = "hello ".repeat(500)
    const bytes = zip([{ name: "a/b.txt", data: text }, { name: "tiny", data: "x" }])
    const v = new DataView(bytes.buffer, bytes.byteOffset)
    expect(v.getUint32(0, true)).toBe(0x04034b50)
    expect(v.getUint16(8, true)).toBe(8) // deflate: it was worth it
    const compressed = v.getUint32(18, true)
    const nameLen = v.getUint16(26, true)
    const body = bytes.subarray(30 + nameLen, 30 + nameLen + compressed)
    expect(inflateRawSync(body).toString()).toBe(text)
    // The second, one-byte entry is stored: deflating would make it larger.
    const second = 30 + nameLen + compressed
    expect(v.getUint16(second + 8, true)).toBe(0)
    // End of central directory: two entries.
    const end = bytes.length - 22
    expect(v.getUint32(end, true)).toBe(0x06054b50)
    expect(v.getUint16(end + 10, true)).toBe(2)
  })
})
