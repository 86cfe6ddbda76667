/**
 * Who gets the work (DOMAIN §3, §7): the customer's owner manager, or an even spread over agents
 * an operator picks — round robin in customer order, or least loaded (counting the open items each
 * agent already has). Pure functions; transfer and reclaim of existing items are `Allocation`'s.
 */
import * as z from "zod"
import { Id } from "../shared/Primitives"

/**
 * How an extraction assigns the customers of a task.
 * - `owner`: the customer's owner manager; customers without one are spread over `fallbackAgentIds`
 *   (least loaded) or left unassigned when there are none;
 * - `round-robin` / `least-loaded`: over `agentIds`;
 * - `unassigned`: into the pool (a leader allocates later).
 *
 * @example
 * ```ts
 * AssignmentPolicy.parse({ kind: "least-loaded", agentIds: ["m-1", "m-2", "m-3"] })
 * ```
 */
export const AssignmentPolicy = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("owner"), fallbackAgentIds: z.array(Id).default([]) }).strict(),
  z.object({ kind: z.literal("round-robin"), agentIds: z.array(Id).min(1) }).strict(),
  z.object({ kind: z.literal("least-loaded"), agentIds: z.array(Id).min(1) }).strict(),
  z.object({ kind: z.literal("unassigned") }).strict()
])
/** @see {@link AssignmentPolicy} */
export type AssignmentPolicy = z.output<typeof AssignmentPolicy>

/**
 * Spreads `n` pieces of work over `agents`, in order, starting with the least loaded agent each
 * time (ties: the earlier agent in the list). Returns the agent of each piece.
 *
 * @example
 * ```ts
 * leastLoaded(4, ["a", "b"], new Map([["a", 2]])) // ["b", "b", "a", "b"]
 * ```
 */
export const leastLoaded = (n: number, agents: ReadonlyArray<string>, load: ReadonlyMap<string, number> = new Map()): Array<string> => {
  const current = agents.map((a) => load.get(a) ?? 0)
  const out: Array<string> = []
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let j = 1; j < agents.length; j++) if (current[j]! < current[best]!) best = j
    current[best]!++
    out.push(agents[best]!)
  }
  return out
}

/**
 * Round robin over `agents` in order.
 *
 * @example
 * ```ts
 * roundRobin(5, ["a", "b"]) // ["a", "b", "a", "b", "a"]
 * ```
 */
export const roundRobin = (n: number, agents: ReadonlyArray<string>): Array<string> => Array.from({ length: n }, (_, i) => agents[i % agents.length]!)

/**
 * Assigns customers (in the given order) under a policy. `load` is the number of open items each
 * agent holds now (used by least-loaded and the owner fallback).
 *
 * @example
 * ```ts
 * assign({ kind: "owner", fallbackAgentIds: ["m-9"] }, [{ id: "c-1", ownerManagerId: "m-1" }, { id: "c-2", ownerManagerId: null }])
 * // Map { "c-1" => "m-1", "c-2" => "m-9" }
 * ```
 */
export const assign = (
  policy: AssignmentPolicy,
  customers: ReadonlyArray<{ readonly id: string; readonly ownerManagerId: string | null }>,
  load: ReadonlyMap<string, number> = new Map()
): Map<string, string | null> => {
  const out = new Map<string, string | null>()
  switch (policy.kind) {
    case "unassigned":
      for (const c of customers) out.set(c.id, null)
      return out
    case "round-robin": {
      const agents = roundRobin(customers.length, policy.agentIds)
      customers.forEach((c, i) => out.set(c.id, agents[i]!))
      return out
    }
    case "least-loaded": {
      const agents = leastLoaded(customers.length, policy.agentIds, load)
      customers.forEach((c, i) => out.set(c.id, agents[i]!))
      return out
    }
    case "owner": {
      const orphans = customers.filter((c) => c.ownerManagerId === null)
      const spread = policy.fallbackAgentIds.length ? leastLoaded(orphans.length, policy.fallbackAgentIds, load) : []
      let k = 0
      for (const c of customers) out.set(c.id, c.ownerManagerId ?? spread[k++] ?? null)
      return out
    }
  }
}
