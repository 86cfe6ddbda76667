/**
 * Ground truth of the pipeline scenarios, from the demo generator's injected patterns (demo README,
 * "Injected patterns"): which customers each alert task must pick. No test framework imports, so
 * the crash workers can bundle it too.
 */
import type { DemoCustomer, DemoPattern } from "@winback/core/demo"

const find = <K extends DemoPattern["kind"]>(c: DemoCustomer, kind: K) => c.patterns.find((p) => p.kind === kind) as Extract<DemoPattern, { kind: K }> | undefined

/** The zero-bill rule must pick this customer. */
export const expectsZeroBill = (c: DemoCustomer): boolean => find(c, "zero-bill") !== undefined

/** The bill-drop rule (30% for gold/diamond, 50% otherwise) must pick this customer. */
export const expectsBillDrop = (c: DemoCustomer): boolean => {
  const high = c.customer.tier === "gold" || c.customer.tier === "diamond"
  const anomaly = find(c, "bill-anomaly")
  const drop = find(c, "bill-drop")?.dropPercent ?? (find(c, "zero-bill") ? 100 : undefined) ?? (anomaly ? (1 - anomaly.ratio) * 100 : 0)
  return drop > (high ? 30 : 50)
}

/** The birthday rule must pick this customer. */
export const expectsBirthday = (c: DemoCustomer): boolean => find(c, "birthday") !== undefined
