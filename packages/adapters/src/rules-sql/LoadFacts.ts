/**
 * Loading customer facts (the `@winback/rules` shape) into the fact tables with multi-row inserts,
 * in batches — for tests, demos, benchmarks and hosts that feed daily batches.
 */
import type { CustomerFacts } from "@winback/rules"
import type { AnyPgDatabase } from "./RuleSql"
import { customerEvents, customers, usageDaily, usageMonthly } from "../pg/schema"

const chunks = <T>(xs: ReadonlyArray<T>, n: number): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n))
  return out
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null)
const num = (v: unknown): number => (typeof v === "number" ? v : 0)

/**
 * Inserts customers with their daily, monthly and event rows (missing attributes get neutral
 * values). Rows are inserted `batchSize` at a time.
 *
 * @example
 * ```ts
 * await loadCustomerFacts(db, [{ customer: { id: "42", tier: "gold" }, monthly: [...] }])
 * ```
 */
export const loadCustomerFacts = async (db: AnyPgDatabase, facts: ReadonlyArray<CustomerFacts>, batchSize = 1000): Promise<void> => {
  const cs = facts.map(({ customer: c }) => ({
    id: c.id,
    name: str(c["name"]) ?? c.id,
    region: str(c["region"]) ?? "",
    tier: str(c["tier"]) ?? "",
    lineStatus: str(c["lineStatus"]) ?? "active",
    paymentType: str(c["paymentType"]) ?? "postpaid",
    contractEnd: str(c["contractEnd"]),
    birthday: str(c["birthday"]),
    activatedOn: str(c["activatedOn"]) ?? "2000-01-01",
    ownerManagerId: str(c["ownerManagerId"]),
    preferredChannel: str(c["preferredChannel"]),
    tariffSensitivity: str(c["tariffSensitivity"]),
    creditLevel: str(c["creditLevel"]),
    timeZone: str(c["timeZone"]) ?? "UTC"
  }))
  for (const b of chunks(cs, batchSize)) await db.insert(customers).values(b)
  const ds = facts.flatMap((f) =>
    (f.daily ?? []).map((d) => ({
      customerId: f.customer.id,
      day: d.day,
      charge: num(d["charge"]),
      dataMb: num(d["dataMb"]),
      callMinutes: num(d["callMinutes"]),
      outgoingCalls: num(d["outgoingCalls"]),
      competitorCallSeconds: num(d["competitorCallSeconds"]),
      forwardedToOtherOperator: d["forwardedToOtherOperator"] === true,
      reminderSmsDelivered: d["reminderSmsDelivered"] === true
    }))
  )
  for (const b of chunks(ds, batchSize)) await db.insert(usageDaily).values(b)
  const ms = facts.flatMap((f) =>
    (f.monthly ?? []).map((m) => ({
      customerId: f.customer.id,
      month: m.month,
      billAmount: num(m["billAmount"]),
      dataMb: num(m["dataMb"]),
      callMinutes: num(m["callMinutes"]),
      competitorCallSeconds: num(m["competitorCallSeconds"]),
      forwardedDays: num(m["forwardedDays"]),
      silentDays: num(m["silentDays"]),
      billDate: str(m["billDate"]) ?? `${m.month}-28`,
      dueDate: str(m["dueDate"]) ?? str(m["billDate"]) ?? `${m.month}-28`,
      paidDate: str(m["paidDate"])
    }))
  )
  for (const b of chunks(ms, batchSize)) await db.insert(usageMonthly).values(b)
  const es = facts.flatMap((f) => (f.events ?? []).map((e) => ({ customerId: f.customer.id, type: e.type, at: typeof e.at === "string" ? new Date(e.at) : e.at })))
  for (const b of chunks(es, batchSize)) await db.insert(customerEvents).values(b)
}
