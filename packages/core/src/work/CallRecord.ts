/**
 * Call records. Every call has a serial number; one call can complete several work items of the
 * same customer, and each carries the call's serial number. A call dialled through the call center
 * carries the call center's call id (`externalCallId`), so the call center's events and the agent's
 * recorded outcome of that call meet in one record with one serial number.
 */
import * as z from "zod"
import { Id, Instant } from "../shared/Primitives"
import { Disposition } from "./WorkItem"

/**
 * A call made to (or received from) a customer.
 *
 * @example
 * ```ts
 * CallRecord.parse({
 *   serialNumber: "C-00000001", customerId: "cust-42", managerId: "m-1", startedAt: "2026-11-22T10:00:00.000Z",
 *   endedAt: "2026-11-22T10:04:10.000Z", disposition: "completed", workItemIds: ["wi-1", "wi-2"], recordingUri: null,
 *   externalCallId: "pbx-7781", connected: true
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
  recordingUri: z.string().max(2000).nullable(),
  /**
   * The call center's id of this call (the `callId` click-to-call answered). At most one record
   * per id: the store keeps it unique. Absent on calls the call center never saw.
   */
  externalCallId: z.string().min(1).max(200).optional(),
  /** Whether the call center reports the call as answered; absent until a call-center event is linked. */
  connected: z.boolean().optional()
})
/** @see {@link CallRecord} */
export type CallRecord = z.infer<typeof CallRecord>
