/**
 * The admin's DND lists over real HTTP: the list of every entry in the caller's scope with its
 * filters and paging, the bulk import of a DND list file from Excel (GBK, UTF-8 with a BOM) —
 * checked line by line first, then applied all or nothing with source `import` and an audit entry
 * per entry — and the CSV export with a BOM.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Customer, type DndEntry, reportXlsx } from "@winback/core"
import { xlsxType } from "../src/xlsxImport"
import type { RunningServer } from "../src/server"
import { demoPassword } from "../src/server"
import { client, demoLogins, demoOrg, startTestServer } from "./support"

type Client = ReturnType<typeof client>
const squad = "t-beijing-d1-s1"
const squadMembers = new Set(demoOrg.managers.filter((m) => m.teamId === squad).map((m) => m.id))

let server: RunningServer
let admin: Client // director and admin of the Beijing region
let leader: Client // leads one Beijing squad
let approver: Client
let mine: Array<Customer> // owned by members of the leader's squad
let shanghai: Customer

const tokens = new Map<Client, string>()
/** Posts a file as raw bytes (the JSON client would serialize them). */
const post = async (c: Client, path: string, bytes: Uint8Array | string, contentType = "text/csv"): Promise<{ status: number; body: any }> => {
  const res = await fetch(server.url + path, { method: "POST", headers: { authorization: `Bearer ${tokens.get(c)}`, "content-type": contentType }, body: bytes })
  return { status: res.status, body: await res.json() }
}
const login = async (id: string) => {
  const token = (await server.auth.login(id, demoPassword, "127.0.0.1")).token
  const c = client(server, token)
  tokens.set(c, token)
  return c
}
const gbk = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"))
const ascii = (s: string) => new TextEncoder().encode(s)
const concat = (...parts: Array<Uint8Array>) => Uint8Array.from(parts.flatMap((p) => [...p]))
const GBK = { header: "bfcdbba7b1e0bac52cc7feb5c02cd4add2f22cb5bdc6dac8d5", complaint: "cdb6cbdf", phoneAndSms: "b5e7bbb0a1a2b6ccd0c5" } // 客户编号,渠道,原因,到期日 · 投诉 · 电话、短信

beforeAll(async () => {
  server = await startTestServer()
  ;[admin, leader, approver] = await Promise.all([demoLogins.director, demoLogins.teamLeader, demoLogins.approver].map(login)) as [Client, Client, Client]
  const all = (await server.winback.stores.customers.list({}, { limit: 1000 })).items
  mine = all.filter((c) => c.ownerManagerId !== null && squadMembers.has(c.ownerManagerId) && c.phones.length > 0).slice(0, 6)
  shanghai = all.find((c) => c.region === "shanghai")!
  expect(mine.length).toBe(6)
})
afterAll(() => server?.close())

const list = async (c: Client, query = "") => (await c.get(`/api/dnd?limit=200${query}`)).body as { items: Array<DndEntry>; nextCursor: string | null }

describe("the DND list", () => {
  it("lists the entries in the caller's scope only, newest first, with filters and pages", async () => {
    const [a, b] = mine as [Customer, Customer]
    expect((await leader.post("/api/dnd", { customerId: a.id, channel: "phone", reason: "Asked not to be called" })).status).toBe(201)
    expect((await leader.post("/api/dnd", { customerId: b.id, channel: "sms", reason: "complaint", source: "complaint", expiresAt: "2020-01-01T00:00:00Z" })).status).toBe(201)
    await server.winback.stores.dnd.add({ id: "dnd-sh-1", customerId: shanghai.id, channel: "phone", reason: "regulator", source: "regulator", createdBy: "system", createdAt: "2026-11-01T00:00:00.000Z", expiresAt: null, removedAt: null })

    const leaders = await list(leader)
    expect(leaders.items.map((e) => e.customerId).sort()).toEqual([a.id, b.id].sort())
    // Each entry names its customer (masked phone), so the list screen shows no raw ids.
    const named = leaders.items.find((e) => e.customerId === a.id) as DndEntry & { customerName: string; customerPhone: string }
    expect(named.customerName).toBe(a.name)
    expect(named.customerPhone).toMatch(/^\d{3}\*{4}\d{4}$/)
    expect(named.customerPhone).not.toBe(a.phones[0])
    expect(leaders.items.map((e) => e.createdAt)).toEqual([...leaders.items.map((e) => e.createdAt)].sort().reverse())
    expect((await list(admin)).items.map((e) => e.id)).not.toContain("dnd-sh-1")
    expect((await list(approver)).items).toEqual([])

    expect((await list(leader, "&channel=sms")).items.map((e) => e.customerId)).toEqual([b.id])
    expect((await list(leader, "&channel=sms&channel=phone")).items.length).toBe(2)
    expect((await list(leader, "&status=expired")).items.map((e) => e.customerId)).toEqual([b.id])
    expect((await list(leader, "&status=active")).items.map((e) => e.customerId)).toEqual([a.id])
    expect((await list(leader, "&source=complaint")).items.map((e) => e.customerId)).toEqual([b.id])
    expect((await list(leader, "&reason=ASKED")).items.map((e) => e.customerId)).toEqual([a.id])
    expect((await list(leader, `&q=${encodeURIComponent(a.phones[0]!.slice(-6))}`)).items.map((e) => e.customerId)).toContain(a.id)
    expect((await list(leader, `&q=${encodeURIComponent(a.name)}`)).items.map((e) => e.customerId)).toContain(a.id)

    const first = await leader.get("/api/dnd?limit=1")
    expect(first.body.items.length).toBe(1)
    const second = await leader.get(`/api/dnd?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`)
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id)
    expect((await leader.get("/api/dnd?channel=fax")).status).toBe(400)
    expect((await leader.get("/api/dnd?status=sleeping")).status).toBe(400)
  })
})

describe("the DND list import", () => {
  it("checks a GBK file from Excel line by line, writing nothing, and reports every bad line with its reason", async () => {
    const [, , c, d] = mine as [Customer, Customer, Customer, Customer]
    const file = concat(
      gbk(GBK.header), ascii("\r\n"),
      ascii(`${c.id},`), gbk(GBK.phoneAndSms), ascii(","), gbk(GBK.complaint), ascii(",2027-01-31\r\n"),
      ascii(`${d.id},visit,moved away,\r\n`),
      ascii("c-nobody,phone,x,\r\n"),
      ascii(`${shanghai.id},phone,x,\r\n`),
      ascii(`${d.id},fax,x,\r\n`),
      ascii(`${d.id},sms,x,2027-02-30\r\n`),
      ascii(`${d.id},visit,again,\r\n`),
      ascii(`${d.id},sms,,\r\n`)
    )
    const before = (await list(admin)).items.length
    const r = await post(admin, "/api/dnd/import/check?encoding=gbk", file)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.applied, JSON.stringify(r.body.problems)).toBe(false)
    expect(r.body.entries, JSON.stringify(r.body.problems)).toBe(3)
    expect(r.body.byChannel).toMatchObject({ phone: 1, sms: 1, visit: 1 })
    expect(r.body.problems.map((p: { path: Array<unknown>; code: string }) => [p.path[1], p.code])).toEqual([
      [4, "unknown-customer"],
      [5, "out-of-scope"],
      [6, "bad-channel"],
      [7, "bad-date"],
      [8, "duplicate"],
      [9, "missing-reason"]
    ])
    expect((await list(admin)).items.length).toBe(before)
    // Applying the same file: 400 with the same lines, and still nothing written.
    const refused = await post(admin, "/api/dnd/import?encoding=gbk", file)
    expect(refused.status).toBe(400)
    expect(refused.body.error.details.map((p: { code: string }) => p.code)).toEqual(r.body.problems.map((p: { code: string }) => p.code))
    expect((await list(admin)).items.length).toBe(before)
  })

  it("applies a clean UTF-8 (BOM) list by phone or id: every entry with source import, audited; a second run finds duplicates", async () => {
    const [, , , , e, f] = mine as [Customer, Customer, Customer, Customer, Customer, Customer]
    const csv = `\uFEFFphone,customer_id,channels,reason,expires_at\n${e.phones[0]},,all,客户要求,\n,${f.id},letter;email,regulator asked,2027-06-30\n`
    const r = await post(leader, "/api/dnd/import", csv, "text/csv; charset=utf-8")
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ applied: true, entries: 7, problems: [] })
    const added = (await list(leader, "&source=import")).items
    expect(added.filter((x) => x.customerId === e.id).map((x) => x.channel).sort()).toEqual(["email", "letter", "phone", "sms", "visit"])
    const fLetter = added.find((x) => x.customerId === f.id && x.channel === "letter")!
    expect(fLetter).toMatchObject({ source: "import", reason: "regulator asked", expiresAt: "2027-06-30T16:00:00.000Z", createdBy: demoLogins.teamLeader })
    const audit = await server.winback.stores.audit.query({ categories: ["dnd"], customerId: f.id }, { limit: 50 })
    expect(audit.items.filter((x) => x.action === "dnd.add").map((x) => (x.after as DndEntry).id).sort()).toEqual(added.filter((x) => x.customerId === f.id).map((x) => x.id).sort())
    // The same file again: every line is a duplicate now.
    const again = await post(leader, "/api/dnd/import/check", csv)
    expect(again.body.problems.map((p: { code: string }) => p.code)).toEqual(["duplicate", "duplicate"])
    // An approver keeps no DND: the import is refused outright.
    expect((await post(approver, "/api/dnd/import/check", csv)).status).toBe(403)
  })

  it("reads an .xlsx workbook's first sheet, and a list without a header whose first column is a phone number (without +86)", async () => {
    const [a, b] = mine as [Customer, Customer]
    const book = reportXlsx([
      {
        name: "DND",
        columns: [{ key: "c", label: "客户编号", type: "text" }, { key: "ch", label: "渠道", type: "text" }, { key: "r", label: "原因", type: "text" }],
        rows: [{ c: a.id, ch: "上门", r: "no visits" }]
      }
    ])
    const x = await post(leader, "/api/dnd/import/check", book, xlsxType)
    expect(x.status).toBe(200)
    expect(x.body).toMatchObject({ entries: 1, byChannel: { visit: 1 }, problems: [] })
    const national = b.phones[0]!.replace(/^\+86/, "")
    const headerless = await post(leader, "/api/dnd/import/check", `${national},email,asked by phone\n`)
    expect(headerless.body).toMatchObject({ entries: 1, byChannel: { email: 1 }, problems: [] })
    // Another region's customer: by id "outside your scope"; by phone exactly as an unknown number.
    const theirs = await post(leader, "/api/dnd/import/check", `${shanghai.id},email,x\n${shanghai.phones[0]},email,x\n+8610000000000,email,x\n`)
    expect(theirs.body.problems.map((p: { code: string; message: string }) => [p.code, p.message])).toEqual([
      ["out-of-scope", `line 1: customer ${shanghai.id} is outside your scope`],
      ["unknown-customer", `line 2: no customer in your scope has ${shanghai.phones[0]}`],
      ["unknown-customer", "line 3: no customer in your scope has +8610000000000"]
    ])
  })

  it("exports the list as CSV with a BOM that Excel opens, formula-guarded", async () => {
    const res = await fetch(`${server.url}/api/dnd/export?channel=letter`, { headers: { authorization: `Bearer ${tokens.get(leader)}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toContain("text/csv")
    expect(res.headers.get("content-disposition")).toContain("dnd-list.csv")
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = new TextDecoder().decode(bytes.slice(3)).trim().split("\r\n")
    expect(lines[0]).toBe("id,customer_id,customer_name,phones,channel,reason,source,status,created_by,created_at,expires_at,removed_at")
    expect(lines.length).toBe(1 + (await list(leader, "&channel=letter")).items.length)
    expect(lines.slice(1).every((l) => l.includes(",letter,"))).toBe(true)
  })
})
