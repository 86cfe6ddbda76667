/**
 * The hand-out ledger enforces the fairness of extraction (DOMAIN §5): within one period a customer
 * lands in one task only, and a customer handed out is not handed out again within a cool-down.
 * One entry per (customer, period) — the key whose claim is the race contract of every adapter.
 */
import * as z from "zod"
import { Id, Instant, Urgency } from "../shared/Primitives"

/**
 * A ledger entry: customer `customerId` was handed out in `period` by `taskId`.
 *
 * @example
 * ```ts
 * HandOutLedgerEntry.parse({ customerId: "cust-42", period: "2026-11-22", taskId: "task-bill-drop", urgency: 1,
 *   runId: "run-1", handedOutAt: "2026-11-22T06:00:00.000Z", cooldownUntil: "2026-12-22T06:00:00.000Z" })
 * ```
 */
export const HandOutLedgerEntry = z.object({
  customerId: Id,
  period: z.string().min(1).max(20),
  taskId: Id,
  urgency: Urgency,
  runId: Id,
  handedOutAt: Instant,
  cooldownUntil: Instant
})
/** @see {@link HandOutLedgerEntry} */
export type HandOutLedgerEntry = z.infer<typeof HandOutLedgerEntry>
