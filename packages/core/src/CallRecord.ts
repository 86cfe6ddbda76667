/**
 * Call records. Every call has a serial number; one call can complete several work items of the
 * same customer, and each carries the call's serial number.
 */
import { z } from "zod"
import { Id, Instant } from "./Primitives"
import { Disposition } from "./WorkItem"

/**
 * A call made to (or received from) a customer.
 *
 * @example
 * ```ts
 * CallRecord.parse({
 *   serialNumber: "C-00000001", customerId: "cust-42", managerId: "m-1", startedAt: "2026-11-22T10:00:00.000Z",
 *   endedAt: "2026-11-22T10:04:10.000Z", disposition: "completed", workItemIds: ["wi-1", "wi-2"], recordingUri: null
 * })
 * ```
 */
export const CallRecord = z.object({
  serialNumber: z.string().min(1).max(64),
  customerId: Id,
  managerId: Id,
  startedAt: Instant,
  endedAt: Instant.nullable(),
  disposition: Disposition.nullable(),
  workItemIds: z.array(Id),
  recordingUri: z.string().max(2000).nullable()
})
/** @see {@link CallRecord} */
export type CallRecord = z.infer<typeof CallRecord>
