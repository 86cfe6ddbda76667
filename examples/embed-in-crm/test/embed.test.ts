/**
 * The embedding end to end: a CRM with its own tables, Winback wired in by `src/glue.ts`, and one
 * real day of work — a rule over the CRM's usage rows, extraction, an agent's call. The expected
 * outcomes are written here from the rows the test puts in the CRM, not computed by the code.
 */
import { readFileSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Forbidden, NotFound, StorageError, ValidationError } from "@winback/core"
import { type Crm, type CrmCustomerRow, type CrmUsageRow, openCrm } from "../src/crm"
import { embedWinback } from "../src/glue"

const asOf = "2026-11-20"

const customer = (cust_no: string, display_name: string, account_manager: string | null, city = "Hamburg"): CrmCustomerRow => ({
  cust_no, display_name, mobile: "+4940123456", city, segment: "gold", status: "live", billing: "contract",
  contract_ends: "2027-06-30", signed_up: "2021-03-01", account_manager
})
const usage = (cust_no: string, usage_date: string, rival_support_secs: number): CrmUsageRow => ({
  cust_no, usage_date, spend_cents: 150, mobile_data_mb: 300, voice_mins: 12, calls_made: 3, rival_support_secs
})

describe("examples/embed-in-crm: a CRM embeds Winback through its host ports", () => {
  let crm: Crm
  let embedded: Awaited<ReturnType<typeof embedWinback>>

  beforeAll(async () => {
    crm = await openCrm()
    const staff = [
      { staff_code: "S-ILSE", full_name: "Ilse Admin", crm_role: "it-admin" },
      { staff_code: "S-CARLA", full_name: "Carla Kontrolle", crm_role: "compliance" },
      { staff_code: "S-ANNA", full_name: "Anna Berg", crm_role: "sales-rep" },
      { staff_code: "S-BEN", full_name: "Ben Okafor", crm_role: "sales-rep" }
    ]
    for (const s of staff) await crm.addStaff({ ...s, city: "Hamburg", employed: true, email: null })
    // The rule of the day: more than 60 s on a rival operator's service lines in the last 30 days.
    await crm.addCustomer(customer("C-1001", "Müller Logistik GmbH", "S-ANNA")) // 40 + 35 = 75 s: at risk
    await crm.addCustomer(customer("C-1002", "Bäckerei Schulz", "S-BEN")) //       90 s: at risk
    await crm.addCustomer(customer("C-1003", "Hafenkontor KG", "S-ANNA")) //       exactly 60 s: not more than 60
    await crm.addCustomer(customer("C-1004", "Elbe Reisen", "S-BEN")) //           200 s, but 46 days ago
    await crm.addCustomer(customer("C-1005", "Nordlicht e.V.", null)) //           120 s, nobody's account
    await crm.addUsage([
      usage("C-1001", "2026-11-12", 40),
      usage("C-1001", "2026-11-19", 35),
      usage("C-1002", "2026-11-05", 90),
      usage("C-1003", "2026-11-10", 60),
      usage("C-1004", "2026-10-05", 200),
      usage("C-1004", "2026-11-15", 0),
      usage("C-1005", "2026-11-18", 120)
    ])
    embedded = await embedWinback(crm)
  })
  afterAll(async () => {
    await embedded?.dispose()
    await crm?.close()
  })

  it("keeps the glue under 30 lines (non-blank, non-comment)", () => {
    const source = readFileSync(new URL("../src/glue.ts", import.meta.url), "utf8")
    const code = source
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("//"))
    expect(code.length).toBeLessThan(30)
    // README.md explains every line of it, so the two cannot drift apart unnoticed.
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    expect(code.filter((line) => !readme.includes(line))).toEqual([])
    // The glue wires the Promise facade, Winback's own storage and the CRM's ports, read through.
    expect(source).toContain("createWinback(")
    expect(source).toContain("host: crmHost(crm)")
    expect(source).toContain(`mode: "read-through"`)
    // Neither the glue nor the ports import Effect: plain async functions are enough.
    const ports = readFileSync(new URL("../src/ports.ts", import.meta.url), "utf8")
    for (const file of [source, ports]) expect(file).not.toMatch(/from "effect/)
  })

  it("finds the at-risk customers in the CRM's usage rows and hands each to their CRM account manager", async () => {
    const { as } = embedded
    // Maker-checker with CRM staff: the IT admin writes the rule and the task, compliance approves.
    const admin = as("S-ILSE")
    const compliance = as("S-CARLA")
    const rule = await admin.rules.create({
      ruleId: "rival-service-calls",
      name: "Calls to a rival's service line",
      templateId: "competitor-calls",
      params: { minSeconds: 60, periodDays: 30 }
    })
    await admin.rules.submit(rule.id)
    // In force from the start of the month, so the data day 2026-11-20 is covered whatever the date today.
    await compliance.rules.approve(rule.id, { effectiveFrom: "2026-11-01" })
    const task = await admin.tasks.create({
      source: "alert",
      ruleInstanceIds: [rule.id],
      name: "Courted by a rival: call back",
      type: "retention-callback",
      urgency: 1,
      channel: "phone",
      executionWindow: { from: "09:00", to: "20:00" },
      cycle: "daily",
      startsOn: "2026-11-01",
      expiresOn: null,
      skipHolidays: false,
      questionnaireVersion: null,
      cooldownDays: 30
    })
    await admin.tasks.submit(task.id)
    // The author previews who would be handed out; compliance approves by the figures, since an
    // approver reads no customer (a preview never names a customer its caller may not read).
    expect((await admin.tasks.preview(task.id, { asOf })).sample).toEqual(["C-1001", "C-1002", "C-1005"])
    const preview = await compliance.tasks.preview(task.id, { asOf })
    expect([preview.result.handedOut, preview.sample]).toEqual([3, []])
    await compliance.tasks.approve(task.id, "three customers, each with their account manager")

    const report = await admin.extraction.run({ asOf })
    expect(report.created).toBe(3)
    const items = await embedded.winback.stores.workItems.list({ taskId: task.id }, { limit: 50 })
    const assignment = Object.fromEntries(items.items.map((i) => [i.customerId, i.assigneeId]))
    expect(assignment).toEqual({ "C-1001": "S-ANNA", "C-1002": "S-BEN", "C-1005": null })

    // Each sales rep sees exactly their own customers' work.
    expect((await as("S-ANNA").workList.byCustomer({})).items.map((c) => c.customerId)).toEqual(["C-1001"])
    expect((await as("S-BEN").workList.byCustomer({})).items.map((c) => c.customerId)).toEqual(["C-1002"])
  })

  it("lets a CRM sales rep complete the call, and only on her own customer", async () => {
    const anna = embedded.as("S-ANNA")
    const [work] = (await anna.workList.byCustomer({})).items
    const itemIds = work!.items.map((o) => o.item.id)
    // Ben may not record a call on Anna's customer.
    await expect(embedded.as("S-BEN").execution.recordCall({ customerId: "C-1001", itemIds, disposition: "completed", complete: true })).rejects.toBeInstanceOf(NotFound)
    const result = await anna.execution.recordCall({ customerId: "C-1001", itemIds, disposition: "completed", complete: true, note: "stays with us: new tariff" })
    expect(result.items.map((i) => [i.customerId, i.state])).toEqual([["C-1001", "completed"]])
    expect(result.call.managerId).toBe("S-ANNA")
    expect((await anna.workList.byCustomer({})).items).toEqual([])
    // A sales rep may not run the extraction: roles come from crm_staff.crm_role.
    await expect(anna.extraction.run({ asOf })).rejects.toBeInstanceOf(Forbidden)
  })

  it("reads customers through the CRM: a rename shows at once, in the directory and in what an agent reads (no copy)", async () => {
    const ben = embedded.winback.as("S-BEN")
    expect((await ben.customers.get("C-1002")).name).toBe("Bäckerei Schulz")
    await crm.renameCustomer("C-1002", "Bäckerei Schulz & Töchter")
    expect((await embedded.winback.directories.customers.get("C-1002")).name).toBe("Bäckerei Schulz & Töchter")
    expect((await ben.customers.get("C-1002")).name).toBe("Bäckerei Schulz & Töchter")
    // Ben reads only his own customers, from the CRM's rows.
    expect((await ben.customers.list({})).items.map((c) => c.id)).toEqual(["C-1002", "C-1004"])
    await expect(embedded.winback.directories.customers.get("C-9999")).rejects.toBeInstanceOf(NotFound)
  })

  it("reads staff through the CRM: a rename and a leaver take effect on the next call", async () => {
    await crm.renameStaff("S-ANNA", "Anna Berg-Lindqvist")
    expect((await embedded.winback.as("S-ANNA").actor()).name).toBe("Anna Berg-Lindqvist")
    await crm.setEmployed("S-BEN", false)
    await expect(embedded.as("S-BEN").workList.byCustomer({})).rejects.toBeInstanceOf(Forbidden)
    await expect(embedded.as("S-NOBODY").workList.byCustomer({})).rejects.toBeInstanceOf(NotFound)
  })

  it("reads usage through the CRM: new rival calls make a customer at risk on the next day's run", async () => {
    // C-1003 had exactly 60 s; 5 s more on the 21st puts it over the limit.
    await crm.addUsage([usage("C-1003", "2026-11-21", 5)])
    const report = await embedded.as("S-ILSE").extraction.run({ asOf: "2026-11-21" })
    // C-1001, C-1002 and C-1005 are cooling down (handed out yesterday); only C-1003 is new.
    expect(report.created).toBe(1)
    const page = await embedded.as("S-ANNA").workList.byCustomer({})
    expect(page.items.map((c) => c.customerId)).toEqual(["C-1003"])
  })

  it("turns a CRM row Winback cannot use into a typed StorageError naming the port, and a run over it writes nothing", async () => {
    await crm.addCustomer({ ...customer("C-1006", "Ohne Segment", "S-ANNA"), segment: "" })
    const error = await embedded.winback.directories.customers.get("C-1006").catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StorageError)
    expect((error as StorageError).operation).toBe("host.customers.getMany")
    expect((error as StorageError).cause).toBeInstanceOf(ValidationError)
    expect(((error as StorageError).cause as ValidationError).issues.map((i) => i.path)).toEqual([[0, "tier"]])
    // The next day's run reads the bad row while listing the CRM's customers and stops before writing.
    const before = (await embedded.winback.stores.workItems.list({}, { limit: 100 })).items.length
    await expect(embedded.as("S-ILSE").extraction.run({ asOf: "2026-11-22" })).rejects.toBeInstanceOf(StorageError)
    expect((await embedded.winback.stores.workItems.list({}, { limit: 100 })).items.length).toBe(before)
  })
})
