import { describe, expect, it } from "vitest"
import fc from "fast-check"
import {
  canTransitionTask,
  Customer,
  CustomerGroup,
  Disposition,
  DndEntry,
  ExecutionWindow,
  Instant,
  isDndActive,
  isReached,
  parse,
  subtreeOf,
  Task,
  ValidationError,
  WorkItem
} from "@winback/core"

const customer = {
  id: "cust-42",
  name: "Li Wei",
  phones: ["+8613800000042"],
  region: "beijing",
  tier: "gold",
  lineStatus: "active",
  paymentType: "postpaid",
  contractEnd: "2027-01-31",
  birthday: "1985-03-02",
  activatedOn: "2019-06-01",
  ownerManagerId: "m-1",
  preferredChannel: "phone",
  tariffSensitivity: "medium",
  creditLevel: "A",
  timeZone: "Asia/Shanghai",
  version: 1
}

describe("domain model validation", () => {
  it("accepts a valid customer unchanged", () => {
    expect(parse(Customer, customer)).toEqual(customer)
  })

  it("reports every issue of an invalid customer, each with its path", () => {
    const bad = { ...customer, id: "", lineStatus: "gone", contractEnd: "2027-13-01", phones: ["+8", 42], version: 0 }
    let error: unknown
    try {
      parse(Customer, bad, "customer")
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect(error).toBeInstanceOf(Error)
    const paths = (error as ValidationError).issues.map((i) => i.path.join("."))
    expect(paths).toEqual(expect.arrayContaining(["id", "lineStatus", "contractEnd", "phones.0", "phones.1", "version"]))
    expect(paths).toHaveLength(6)
    expect((error as ValidationError).message).toContain("Invalid customer")
    expect((error as ValidationError)._tag).toBe("ValidationError")
  })

  it("knows the seven dispositions and which of them reached the customer", () => {
    expect(Disposition.options).toHaveLength(7)
    expect(Disposition.options.filter(isReached)).toEqual(["completed", "refused", "not-account-holder", "reschedule"])
  })

  it("normalises instants with offsets to canonical UTC", () => {
    expect(Instant.parse("2026-11-22T17:30:00+08:00")).toBe("2026-11-22T09:30:00.000Z")
    expect(Instant.safeParse("yesterday").success).toBe(false)
  })

  it("property: any instant round-trips to the same canonical text, which orders like time", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }), fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }), (a, b) => {
        const x = Instant.parse(a.toISOString())
        const y = Instant.parse(b.toISOString())
        expect(x < y).toBe(a.getTime() < b.getTime())
      })
    )
  })

  it("refuses a task of unknown source, naming the discriminator", () => {
    const r = Task.safeParse({ source: "rumour" })
    expect(r.success).toBe(false)
  })

  it("refuses an execution window that ends before it starts", () => {
    const r = ExecutionWindow.safeParse({ from: "20:00", to: "09:00" })
    expect(r.success).toBe(false)
    expect(r.error!.issues[0]!.path).toEqual(["to"])
  })

  it("ties a filter group to its rule and an import group to none", () => {
    const base = { id: "g", name: "g", memberIds: [], validFrom: "2026-11-01", validUntil: "2026-11-30", createdBy: "m", createdAt: "2026-11-01T00:00:00Z", version: 1 }
    expect(CustomerGroup.safeParse({ ...base, kind: "filter", ruleInstanceId: null }).success).toBe(false)
    expect(CustomerGroup.safeParse({ ...base, kind: "import", ruleInstanceId: null }).success).toBe(true)
  })

  it("follows the task lifecycle: approval before going live, no way back from closed", () => {
    expect(canTransitionTask("draft", "pending-approval")).toBe(true)
    expect(canTransitionTask("draft", "active")).toBe(false)
    expect(canTransitionTask("pending-approval", "active")).toBe(true)
    expect(canTransitionTask("pending-approval", "rejected")).toBe(true)
    expect(canTransitionTask("active", "paused")).toBe(true)
    expect(canTransitionTask("paused", "active")).toBe(true)
    expect(canTransitionTask("closed", "active")).toBe(false)
    expect(canTransitionTask("expired", "active")).toBe(false)
  })

  it("treats a DND entry as active from creation until removal or expiry", () => {
    const e = DndEntry.parse({
      id: "d", customerId: "c", channel: "phone", reason: "asked", source: "agent", createdBy: "m",
      createdAt: "2026-11-22T10:00:00Z", expiresAt: "2026-11-23T10:00:00Z", removedAt: null
    })
    expect(isDndActive(e, "2026-11-22T09:59:59.000Z")).toBe(false)
    expect(isDndActive(e, "2026-11-22T10:00:00.000Z")).toBe(true)
    expect(isDndActive(e, "2026-11-23T10:00:00.000Z")).toBe(false)
    expect(isDndActive({ ...e, removedAt: "2026-11-22T12:00:00.000Z" }, "2026-11-22T12:00:00.000Z")).toBe(false)
  })

  it("walks a team's subtree, and stops on cyclic data", () => {
    const t = (id: string, parentId: string | null) => ({ id, name: id, region: "bj", parentId, adminId: "a", version: 1 })
    const teams = [t("root", null), t("a", "root"), t("b", "root"), t("a1", "a"), t("x", "y"), t("y", "x")]
    expect([...subtreeOf(teams, "a")].sort()).toEqual(["a", "a1"])
    expect([...subtreeOf(teams, "root")].sort()).toEqual(["a", "a1", "b", "root"])
    expect([...subtreeOf(teams, "x")].sort()).toEqual(["x", "y"])
  })

  it("refuses a work item whose state is unknown", () => {
    expect(WorkItem.safeParse({ state: "done" }).success).toBe(false)
  })
})
