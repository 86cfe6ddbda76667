/**
 * Retention teams form a tree per city/region. A team has exactly one admin; a manager belongs to
 * exactly one team at a time.
 */
import * as z from "zod"
import { Id, Version } from "../shared/Primitives"

/**
 * A team in the tree. `parentId` is null for a region's root team.
 *
 * @example
 * ```ts
 * Team.parse({ id: "t-north", name: "North district", region: "beijing", parentId: "t-beijing", adminId: "m-9", version: 1 })
 * ```
 */
export const Team = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  region: z.string().min(1).max(100),
  parentId: Id.nullable(),
  adminId: Id,
  version: Version
})
/** @see {@link Team} */
export type Team = z.infer<typeof Team>

/**
 * Lists the ids of `teamId` and every team below it (its subtree), given all teams.
 * Cycles in bad data stop the walk instead of looping.
 *
 * @example
 * ```ts
 * subtreeOf(teams, "t-beijing") // ["t-beijing", "t-north", "t-south", ...]
 * ```
 */
export const subtreeOf = (teams: ReadonlyArray<Team>, teamId: string): ReadonlyArray<string> => {
  const children = new Map<string, Array<string>>()
  for (const t of teams) {
    if (t.parentId === null) continue
    const list = children.get(t.parentId) ?? []
    list.push(t.id)
    children.set(t.parentId, list)
  }
  const out: Array<string> = []
  const seen = new Set<string>()
  const stack = [teamId]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (seen.has(id)) continue
    seen.add(id)
    out.push(id)
    for (const c of children.get(id) ?? []) stack.push(c)
  }
  return out
}
