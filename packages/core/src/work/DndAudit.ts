/**
 * Writing a DND entry with its audit entry: the one way an entry is added, shared by the agent's
 * add during work (scoped stores) and the list import (DndLists).
 */
import { Effect } from "effect"
import type { Actor } from "../org/Actor"
import type { AuditTrail } from "../audit/AuditTrail"
import { Actions } from "../org/Permissions"
import type { DndEntry } from "./DndEntry"
import type { DndStore } from "./DndStore"

/**
 * Adds a DND entry and its audit entry (`dnd.add`, category `dnd`), in the caller's transaction:
 * the one way an entry is written, whether an agent adds it during work or a list import does.
 *
 * @example
 * ```ts
 * const added = yield* addAuditedDnd(dnd, trail, actor, entry, "import dndimp-1, line 4")
 * ```
 */
export const addAuditedDnd = (dnd: DndStore["Service"], trail: AuditTrail["Service"], actor: Actor, entry: DndEntry, note?: string) =>
  Effect.flatMap(dnd.add(entry), (added) =>
    Effect.as(
      trail.record(actor, {
        action: Actions.dndAdd,
        category: "dnd",
        recordType: "DndEntry",
        recordId: added.id,
        customerId: added.customerId,
        before: null,
        after: added,
        ...(note === undefined ? {} : { note })
      }),
      added
    )
  )

