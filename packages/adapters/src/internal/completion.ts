/** The completion rules of the WorkItemStore contract, shared by every adapter of this package. */
import { type CompleteWorkItems, Conflict, isReached, NotFound, openWorkItemStates, type WorkItem } from "@winback/core"

/**
 * Checks that every item can be completed by `input` and returns the completed records, or the
 * first reason it cannot (then nothing may be written).
 */
export const planCompletion = (
  found: ReadonlyMap<string, WorkItem>,
  input: CompleteWorkItems
): { readonly ok: true; readonly next: ReadonlyArray<WorkItem> } | { readonly ok: false; readonly error: NotFound | Conflict } => {
  if (input.ids.length === 0) return { ok: false, error: new Conflict({ kind: "not-applicable", entity: "WorkItem", id: "-", reason: "no items to complete" }) }
  if (new Set(input.ids).size !== input.ids.length) {
    return { ok: false, error: new Conflict({ kind: "mismatch", entity: "WorkItem", id: input.ids.join(","), reason: "an item is listed twice" }) }
  }
  if (!isReached(input.disposition)) {
    return { ok: false, error: new Conflict({ kind: "not-applicable", entity: "WorkItem", id: input.ids.join(","), reason: `a not-reached outcome (${input.disposition}) never completes an item` }) }
  }
  const next: Array<WorkItem> = []
  for (const id of input.ids) {
    const item = found.get(id)
    if (!item) return { ok: false, error: new NotFound({ entity: "WorkItem", id }) }
    if (item.customerId !== input.customerId) {
      return { ok: false, error: new Conflict({ kind: "mismatch", entity: "WorkItem", id, reason: `belongs to customer ${item.customerId}, not ${input.customerId}` }) }
    }
    if (!openWorkItemStates.includes(item.state)) {
      return { ok: false, error: new Conflict({ kind: "wrong-state", entity: "WorkItem", id, reason: `already ${item.state}` }) }
    }
    next.push({
      ...item,
      state: "completed",
      disposition: input.disposition,
      callSerial: input.callSerial,
      completedAt: input.at,
      updatedAt: input.at,
      nextAttemptAt: null,
      attempts: [...item.attempts, { at: input.at, by: input.by, disposition: input.disposition, callSerial: input.callSerial, note: input.note ?? "" }],
      version: item.version + 1
    })
  }
  return { ok: true, next }
}

/** Zero counts for every work item state. */
export const emptyStateCounts = () => ({ open: 0, "in-progress": 0, completed: 0, cancelled: 0, expired: 0, unreachable: 0 })

/** Formats call serial number `n`. */
export const formatSerial = (n: number): string => `C-${String(n).padStart(10, "0")}`
