/**
 * The scope matrix: every scoped operation × every role (agent, team leader, director, approver) ×
 * a record inside and a record outside the role's scope, run through the scoped layer of
 * `@winback/core` over the adapter under test. Expected outcomes are written out literally below
 * (DOMAIN §1 defaults), never derived from the permission code. Also here: the audit-atomicity
 * tests (a failure after the change and before commit leaves neither change nor entry).
 */
import { Cause, Effect, Exit, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Actor,
  Actors,
  type ActorSession,
  Conflict,
  type Customer,
  directoriesFromStores,
  Forbidden,
  NotFound,
  type Role,
  type ScopeServices,
  scopeLayer,
  sessionFor,
  StorageError,
  type Stores,
  storesLayer,
  type HostPorts,
  type StoragePorts,
  type WorkItem
} from "@winback/core"
import type { ConformanceTarget } from "./target"
import * as f from "./fixtures"
import { OPEN_TIMEOUT_MS } from "./timeouts"

/**
 * The outcome a cell of the matrix expects. A write on a record the role cannot read is `hidden`
 * (NotFound, as an unknown id: nothing says it exists); on one it reads but may not change,
 * `forbidden`.
 */
type Outcome = "ok" | "hidden" | "forbidden"
/** Expected outcome for [record in scope, record out of scope]; null = no such record for the role. */
type Cell = readonly [Outcome, Outcome | null]
type MatrixRole = "agent" | "team-leader" | "director" | "approver"

/** The acting manager of each role in the matrix organisation. */
const actorOf: Record<MatrixRole, string> = { agent: "m-a1", "team-leader": "m-lead-n", director: "m-dir", approver: "m-appr" }
const roles: ReadonlyArray<MatrixRole> = ["agent", "team-leader", "director", "approver"]

/**
 * The matrix organisation (region beijing):
 * ```
 * t-root (admin m-admin): m-appr (approver), m-admin (admin)
 * ├─ t-north (admin m-lead-n): m-a1, m-a2 (agents), m-lead-n (leader), m-dir (director)
 * │  └─ t-north-1 (admin m-lead-n): m-a4 (agent)
 * └─ t-south (admin m-lead-s): m-a3 (agent), m-lead-s (leader)
 * ```
 */
const org = {
  teams: [
    f.team("t-root", { adminId: "m-admin" }),
    f.team("t-north", { parentId: "t-root", adminId: "m-lead-n" }),
    f.team("t-north-1", { parentId: "t-north", adminId: "m-lead-n" }),
    f.team("t-south", { parentId: "t-root", adminId: "m-lead-s" })
  ],
  managers: [
    f.manager("m-a1", { teamId: "t-north", roles: ["agent"] }),
    f.manager("m-a2", { teamId: "t-north", roles: ["agent"] }),
    f.manager("m-a3", { teamId: "t-south", roles: ["agent"] }),
    f.manager("m-a4", { teamId: "t-north-1", roles: ["agent"] }),
    f.manager("m-lead-n", { teamId: "t-north", roles: ["team-leader"] }),
    f.manager("m-lead-s", { teamId: "t-south", roles: ["team-leader"] }),
    f.manager("m-dir", { teamId: "t-north", roles: ["director"] }),
    f.manager("m-appr", { teamId: "t-root", roles: ["approver"] }),
    f.manager("m-admin", { teamId: "t-root", roles: ["admin" as Role] })
  ]
}

/** Where a customer sits, per role: [in scope, out of scope]. */
const customerPlacement: Record<MatrixRole, readonly [Partial<Customer>, Partial<Customer>]> = {
  agent: [{ ownerManagerId: "m-a1" }, { ownerManagerId: "m-a2" }], // own vs. a teammate's
  "team-leader": [{ ownerManagerId: "m-a2" }, { ownerManagerId: "m-a3" }], // own team vs. the sibling team
  director: [{ ownerManagerId: "m-a4" }, { ownerManagerId: "m-a3" }], // a sub-team vs. outside the subtree
  approver: [{ ownerManagerId: "m-appr" }, { ownerManagerId: "m-a1" }] // approvers have no customer scope at all
}

/** Unowned customers (the allocation pool), per role: [region in reach, region out of reach]. */
const poolPlacement: Record<MatrixRole, readonly [Partial<Customer>, Partial<Customer>]> = {
  agent: [{ ownerManagerId: null, region: "beijing" }, { ownerManagerId: null, region: "shanghai" }], // agents never see the pool
  "team-leader": [{ ownerManagerId: null, region: "beijing" }, { ownerManagerId: null, region: "shanghai" }],
  director: [{ ownerManagerId: null, region: "beijing" }, { ownerManagerId: null, region: "shanghai" }],
  approver: [{ ownerManagerId: null, region: "beijing" }, { ownerManagerId: null, region: "shanghai" }]
}

/** Where a work item sits, per role: [in scope, out of scope]. */
const itemPlacement: Record<MatrixRole, readonly [Partial<WorkItem>, Partial<WorkItem>]> = {
  agent: [{ assigneeId: "m-a1", teamId: "t-north" }, { assigneeId: "m-a2", teamId: "t-north" }],
  "team-leader": [{ assigneeId: null, teamId: "t-north" }, { assigneeId: "m-a3", teamId: "t-south" }], // the team's unassigned item
  director: [{ assigneeId: "m-a4", teamId: "t-north-1" }, { assigneeId: "m-a3", teamId: "t-south" }],
  approver: [{ assigneeId: "m-appr", teamId: "t-root" }, { assigneeId: "m-a1", teamId: "t-north" }]
}

/** Whose appointment, per role: [in scope, out of scope]. */
const appointmentManager: Record<MatrixRole, readonly [string, string]> = {
  agent: ["m-a1", "m-a2"],
  "team-leader": ["m-a2", "m-a3"],
  director: ["m-a4", "m-a3"],
  approver: ["m-appr", "m-a1"]
}

/** Task and rule statuses per role: [in scope, out of scope or null when the role reads every status]. */
const taskStatus: Record<MatrixRole, readonly [string, string | null]> = {
  agent: ["active", "pending-approval"],
  "team-leader": ["active", null],
  director: ["active", null],
  approver: ["pending-approval", "active"]
}
const ruleStatus: Record<MatrixRole, readonly [string, string | null]> = {
  agent: ["active", "pending-approval"], // agents read no rules: both hidden
  "team-leader": ["active", "pending-approval"], // nor do leaders
  director: ["active", null],
  approver: ["pending-approval", "active"]
}

/** Who receives allocated records, per role (someone the role could plausibly hand data to). */
const receiverOf: Record<MatrixRole, string> = { agent: "m-a1", "team-leader": "m-a1", director: "m-a4", approver: "m-a1" }

/** The audit author per role: [in scope, out of scope]. */
const auditAuthor: Record<MatrixRole, readonly [string, string]> = {
  agent: ["m-a1", "m-a2"],
  "team-leader": ["m-a2", "m-a3"],
  director: ["m-a4", "m-a3"],
  approver: ["m-appr", "m-a1"]
}

/** What the matrix runtime provides: the ports and the scope services (no use cases). */
type ScopeRuntime = StoragePorts | HostPorts | ScopeServices

interface Ctx {
  readonly stores: Stores
  readonly run: <A, E>(effect: Effect.Effect<A, E, ScopeRuntime | ScopeServices>) => Promise<A>
  readonly session: (role: MatrixRole) => Effect.Effect<ActorSession, unknown, ScopeServices>
}

/** One scoped operation: what it reads or writes, how to run it, and how to tell what happened. */
interface OperationSpec {
  readonly name: string
  readonly family: "customer" | "pool" | "open-work" | "work-item" | "appointment" | "task" | "rule" | "audit"
  readonly expected: Record<MatrixRole, Cell>
  /** Seeds a fresh record for the cell, runs the operation, asserts the outcome. */
  readonly check: (ctx: Ctx, role: MatrixRole, placement: 0 | 1, outcome: Outcome) => Promise<void>
}

const exitOf = <A, E>(ctx: Ctx, eff: Effect.Effect<A, E, ScopeServices>) => ctx.run(Effect.exit(eff))

const failureOf = <A, E>(exit: Exit.Exit<A, E>): unknown => (Exit.isSuccess(exit) ? undefined : Cause.squash(exit.cause))

const seedCustomer = async (ctx: Ctx, role: MatrixRole, placement: 0 | 1, pool = false): Promise<Customer> => {
  const c = f.customer(f.uniquePrefix("mc"), { ...(pool ? poolPlacement : customerPlacement)[role][placement] })
  await Effect.runPromise(ctx.stores.customers.upsertCustomers([c]))
  return c
}

const seedItem = async (ctx: Ctx, role: MatrixRole, placement: 0 | 1): Promise<WorkItem> => {
  const w = f.workItem(f.uniquePrefix("mw"), { customerId: f.uniquePrefix("mwc"), ...itemPlacement[role][placement] })
  await Effect.runPromise(ctx.stores.workItems.insertMany([w]))
  return w
}

const seedAppointment = async (ctx: Ctx, role: MatrixRole, placement: 0 | 1) => {
  const a = f.appointment(f.uniquePrefix("map"), { managerId: appointmentManager[role][placement], customerId: f.uniquePrefix("mac") })
  await Effect.runPromise(ctx.stores.appointments.insert(a))
  return a
}

const auditCount = async (ctx: Ctx, customerId: string) =>
  (await Effect.runPromise(ctx.stores.audit.query({ customerId }, { limit: 1000 }))).items.length

/** Read semantics: ok = returned; hidden = NotFound (single) / left out (many, list). */
const expectRead = async <A>(ctx: Ctx, outcome: Outcome, eff: Effect.Effect<A, unknown, ScopeServices>, seen: (a: A) => boolean) => {
  const exit = await exitOf(ctx, eff)
  if (outcome === "ok") {
    expect(Exit.isSuccess(exit), `expected success, got ${String(failureOf(exit))}`).toBe(true)
    expect(seen((exit as Exit.Success<A>).value)).toBe(true)
  } else if (Exit.isSuccess(exit)) {
    expect(seen(exit.value)).toBe(false)
  } else {
    expect(failureOf(exit)).toBeInstanceOf(NotFound)
  }
}

/** Write semantics: ok = succeeded and audited; forbidden = Forbidden, hidden = NotFound; either way nothing changed, nothing audited. */
const expectWrite = async <A>(
  ctx: Ctx,
  outcome: Outcome,
  customerId: string,
  eff: Effect.Effect<A, unknown, ScopeServices>,
  unchanged: () => Promise<void>
) => {
  const before = await auditCount(ctx, customerId)
  const exit = await exitOf(ctx, eff)
  if (outcome === "ok") {
    expect(Exit.isSuccess(exit), `expected success, got ${String(failureOf(exit))}`).toBe(true)
    expect(await auditCount(ctx, customerId)).toBe(before + 1)
  } else {
    expect(failureOf(exit)).toBeInstanceOf(outcome === "hidden" ? NotFound : Forbidden)
    expect(await auditCount(ctx, customerId)).toBe(before)
    await unchanged()
  }
}

/** Who holds work for a customer outside the role's own customers, per role (someone in the role's scope). */
const holderOf: Record<MatrixRole, string> = { agent: "m-a1", "team-leader": "m-a2", director: "m-a4", approver: "m-appr" }

/**
 * A customer outside the role's customer scope (owned elsewhere) with a work item assigned to the
 * role's {@link holderOf}: open for placement 0 (holding it grants read access), completed for
 * placement 1 (the access ends with the work).
 */
const seedHeldCustomer = async (ctx: Ctx, role: MatrixRole, placement: 0 | 1): Promise<Customer> => {
  const c = f.customer(f.uniquePrefix("mh"), { ...customerPlacement[role][1] })
  await Effect.runPromise(ctx.stores.customers.upsertCustomers([c]))
  const w = f.workItem(f.uniquePrefix("mhw"), { customerId: c.id, assigneeId: holderOf[role], teamId: null, state: placement === 0 ? "open" : "completed" })
  await Effect.runPromise(ctx.stores.workItems.insertMany([w]))
  return c
}

const readCells = { agent: ["ok", "hidden"], "team-leader": ["ok", "hidden"], director: ["ok", "hidden"], approver: ["hidden", "hidden"] } as const
const noWrite = ["forbidden", "forbidden"] as const
/** Reads the record but may not change it; cannot read the one outside. */
const readOnly = ["forbidden", "hidden"] as const
/** Reads neither record (the approver reads no customers or items). */
const unseen = ["hidden", "hidden"] as const

const customerUnchanged = (ctx: Ctx, c: Customer) => async () => expect(await Effect.runPromise(ctx.stores.customers.get(c.id))).toEqual(c)
const itemUnchanged = (ctx: Ctx, w: WorkItem) => async () => expect(await Effect.runPromise(ctx.stores.workItems.get(w.id))).toEqual(w)

const operations: ReadonlyArray<OperationSpec> = [
  // ---- customers -----------------------------------------------------------------------------
  {
    name: "customers.get",
    family: "customer",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.customers.get(c.id)), (x) => x.id === c.id)
    }
  },
  {
    name: "customers.getMany",
    family: "customer",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.customers.getMany([c.id])), (xs) => xs.some((x) => x.id === c.id))
    }
  },
  {
    name: "customers.list",
    family: "customer",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.customers.list({ ids: [c.id] })), (pg) => pg.items.some((x) => x.id === c.id))
    }
  },
  {
    name: "customers.update (master data)",
    family: "customer",
    expected: { agent: readOnly, "team-leader": ["ok", "hidden"], director: readOnly, approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      await expectWrite(ctx, outcome, c.id, Effect.flatMap(ctx.session(role), (s) => s.customers.update(c.id, { tier: "diamond" }, c.version)), customerUnchanged(ctx, c))
      if (outcome === "ok") expect((await Effect.runPromise(ctx.stores.customers.get(c.id))).tier).toBe("diamond")
    }
  },
  {
    name: "contacts.calls",
    family: "customer",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      await Effect.runPromise(ctx.stores.calls.insert(f.callRecord(f.uniquePrefix("C-"), { customerId: c.id })))
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.contacts.calls(c.id)), (pg) => pg.items.length === 1)
    }
  },
  {
    name: "contacts.dnd",
    family: "customer",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      await Effect.runPromise(ctx.stores.dnd.add(f.dndEntry(f.uniquePrefix("d"), { customerId: c.id })))
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.contacts.dnd(c.id)), (xs) => xs.length === 1)
    }
  },
  {
    name: "contacts.addDnd",
    family: "customer",
    expected: { agent: ["ok", "hidden"], "team-leader": ["ok", "hidden"], director: readOnly, approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      await expectWrite(
        ctx,
        outcome,
        c.id,
        Effect.flatMap(ctx.session(role), (s) => s.contacts.addDnd({ customerId: c.id, channel: "sms", reason: "scope matrix" })),
        async () => expect(await Effect.runPromise(ctx.stores.dnd.listByCustomer(c.id))).toEqual([])
      )
    }
  },
  {
    name: "contacts.removeDnd",
    family: "customer",
    expected: { agent: ["ok", "hidden"], "team-leader": ["ok", "hidden"], director: readOnly, approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      const entry = f.dndEntry(f.uniquePrefix("d"), { customerId: c.id, source: "agent" })
      await Effect.runPromise(ctx.stores.dnd.add(entry))
      await expectWrite(
        ctx,
        outcome,
        c.id,
        Effect.flatMap(ctx.session(role), (s) => s.contacts.removeDnd({ customerId: c.id, entryId: entry.id, reason: "scope matrix" })),
        async () => expect(await Effect.runPromise(ctx.stores.dnd.listByCustomer(c.id))).toEqual([entry])
      )
    }
  },
  {
    name: "allocation.customers",
    family: "customer",
    expected: { agent: readOnly, "team-leader": ["ok", "hidden"], director: readOnly, approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      await expectWrite(ctx, outcome, c.id, Effect.flatMap(ctx.session(role), (s) => s.allocation.customers({ ids: [c.id], to: receiverOf[role] })), customerUnchanged(ctx, c))
      if (outcome === "ok") expect((await Effect.runPromise(ctx.stores.customers.get(c.id))).ownerManagerId).toBe(receiverOf[role])
    }
  },
  {
    name: "audit.note (about a customer)",
    family: "customer",
    expected: { agent: ["ok", "hidden"], "team-leader": ["ok", "hidden"], director: ["ok", "hidden"], approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      await expectWrite(ctx, outcome, c.id, Effect.flatMap(ctx.session(role), (s) => s.audit.note({ note: "scope matrix", customerId: c.id })), async () => {})
    }
  },
  // ---- open work: holding it grants read access to its customer while it is open -------------
  {
    name: "customers.get (held open work)",
    family: "open-work",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const c = await seedHeldCustomer(ctx, role, p)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.customers.get(c.id)), (x) => x.id === c.id)
    }
  },
  {
    name: "customers.list (held open work)",
    family: "open-work",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const c = await seedHeldCustomer(ctx, role, p)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.customers.list({ ids: [c.id] })), (pg) => pg.items.some((x) => x.id === c.id))
    }
  },
  {
    name: "customers.getMany (held open work)",
    family: "open-work",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const c = await seedHeldCustomer(ctx, role, p)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.customers.getMany([c.id])), (xs) => xs.some((x) => x.id === c.id))
    }
  },
  {
    name: "contacts.calls (held open work)",
    family: "open-work",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const c = await seedHeldCustomer(ctx, role, p)
      await Effect.runPromise(ctx.stores.calls.insert(f.callRecord(f.uniquePrefix("C-"), { customerId: c.id })))
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.contacts.calls(c.id)), (pg) => pg.items.length === 1)
    }
  },
  {
    name: "allocation.customers (held open work: reading is not allocating)",
    family: "open-work",
    expected: { agent: readOnly, "team-leader": readOnly, director: readOnly, approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const c = await seedHeldCustomer(ctx, role, p)
      await expectWrite(ctx, outcome, c.id, Effect.flatMap(ctx.session(role), (s) => s.allocation.customers({ ids: [c.id], to: receiverOf[role] })), customerUnchanged(ctx, c))
    }
  },
  {
    name: "customers.update (region: customer.move-region is admin-only)",
    family: "customer",
    expected: { agent: readOnly, "team-leader": readOnly, director: readOnly, approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      await expectWrite(ctx, outcome, c.id, Effect.flatMap(ctx.session(role), (s) => s.customers.update(c.id, { region: "shanghai" }, c.version)), customerUnchanged(ctx, c))
    }
  },
  // ---- the pool: unowned customers of a region ----------------------------------------------
  {
    name: "customers.get (pool)",
    family: "pool",
    expected: { agent: ["hidden", "hidden"], "team-leader": ["ok", "hidden"], director: ["ok", "hidden"], approver: ["hidden", "hidden"] },
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p, true)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.customers.get(c.id)), (x) => x.id === c.id)
    }
  },
  {
    name: "customers.list (pool)",
    family: "pool",
    expected: { agent: ["hidden", "hidden"], "team-leader": ["ok", "hidden"], director: ["ok", "hidden"], approver: ["hidden", "hidden"] },
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p, true)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.customers.list({ ids: [c.id] })), (pg) => pg.items.some((x) => x.id === c.id))
    }
  },
  {
    name: "allocation.customers (assign from the pool)",
    family: "pool",
    expected: { agent: unseen, "team-leader": ["ok", "hidden"], director: readOnly, approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p, true)
      await expectWrite(ctx, outcome, c.id, Effect.flatMap(ctx.session(role), (s) => s.allocation.customers({ ids: [c.id], to: receiverOf[role] })), customerUnchanged(ctx, c))
      if (outcome === "ok") expect((await Effect.runPromise(ctx.stores.customers.get(c.id))).ownerManagerId).toBe(receiverOf[role])
    }
  },
  // ---- work items ----------------------------------------------------------------------------
  {
    name: "workItems.get",
    family: "work-item",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const w = await seedItem(ctx, role, p)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.workItems.get(w.id)), (x) => x.id === w.id)
    }
  },
  {
    name: "workItems.getMany",
    family: "work-item",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const w = await seedItem(ctx, role, p)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.workItems.getMany([w.id])), (xs) => xs.some((x) => x.id === w.id))
    }
  },
  {
    name: "workItems.list",
    family: "work-item",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const w = await seedItem(ctx, role, p)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.workItems.list({ customerId: w.customerId })), (pg) => pg.items.some((x) => x.id === w.id))
    }
  },
  {
    name: "workItems.update",
    family: "work-item",
    expected: { agent: ["ok", "hidden"], "team-leader": ["ok", "hidden"], director: readOnly, approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const w = await seedItem(ctx, role, p)
      const next = { ...w, state: "in-progress" as const, nextAttemptAt: f.at(120) }
      await expectWrite(ctx, outcome, w.customerId, Effect.flatMap(ctx.session(role), (s) => s.workItems.update(next, w.version)), itemUnchanged(ctx, w))
      if (outcome === "ok") expect((await Effect.runPromise(ctx.stores.workItems.get(w.id))).state).toBe("in-progress")
    }
  },
  {
    name: "workItems.complete",
    family: "work-item",
    expected: { agent: ["ok", "hidden"], "team-leader": ["ok", "hidden"], director: readOnly, approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const w = await seedItem(ctx, role, p)
      await expectWrite(
        ctx,
        outcome,
        w.customerId,
        Effect.flatMap(ctx.session(role), (s) => s.workItems.complete({ ids: [w.id], customerId: w.customerId, disposition: "completed" })),
        itemUnchanged(ctx, w)
      )
      if (outcome === "ok") expect((await Effect.runPromise(ctx.stores.workItems.get(w.id))).state).toBe("completed")
    }
  },
  {
    name: "allocation.workItems",
    family: "work-item",
    expected: { agent: readOnly, "team-leader": ["ok", "hidden"], director: readOnly, approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const w = await seedItem(ctx, role, p)
      await expectWrite(ctx, outcome, w.customerId, Effect.flatMap(ctx.session(role), (s) => s.allocation.workItems({ ids: [w.id], to: receiverOf[role] })), itemUnchanged(ctx, w))
      if (outcome === "ok") expect((await Effect.runPromise(ctx.stores.workItems.get(w.id))).assigneeId).toBe(receiverOf[role])
    }
  },
  // ---- appointments --------------------------------------------------------------------------
  {
    name: "appointments.get",
    family: "appointment",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const a = await seedAppointment(ctx, role, p)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.appointments.get(a.id)), (x) => x.id === a.id)
    }
  },
  {
    name: "appointments.list",
    family: "appointment",
    expected: readCells,
    check: async (ctx, role, p, outcome) => {
      const a = await seedAppointment(ctx, role, p)
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.appointments.list({ customerId: a.customerId })), (pg) => pg.items.some((x) => x.id === a.id))
    }
  },
  {
    name: "appointments.update",
    family: "appointment",
    expected: { agent: ["ok", "forbidden"], "team-leader": ["ok", "forbidden"], director: noWrite, approver: noWrite },
    check: async (ctx, role, p, outcome) => {
      const a = await seedAppointment(ctx, role, p)
      await expectWrite(
        ctx,
        outcome,
        a.customerId,
        Effect.flatMap(ctx.session(role), (s) => s.appointments.update({ ...a, state: "cancelled" }, a.version)),
        async () => expect(await Effect.runPromise(ctx.stores.appointments.get(a.id))).toEqual(a)
      )
      if (outcome === "ok") expect((await Effect.runPromise(ctx.stores.appointments.get(a.id))).state).toBe("cancelled")
    }
  },
  {
    name: "appointments.book (for a customer)",
    family: "customer",
    expected: { agent: ["ok", "hidden"], "team-leader": ["ok", "hidden"], director: readOnly, approver: unseen },
    check: async (ctx, role, p, outcome) => {
      const c = await seedCustomer(ctx, role, p)
      await expectWrite(
        ctx,
        outcome,
        c.id,
        Effect.flatMap(ctx.session(role), (s) => s.appointments.book({ customerId: c.id, at: f.at(24 * 60), channel: "phone" })),
        async () => expect((await Effect.runPromise(ctx.stores.appointments.list({ customerId: c.id }))).items).toEqual([])
      )
    }
  },
  // ---- tasks and rules -----------------------------------------------------------------------
  {
    name: "tasks.get",
    family: "task",
    expected: { agent: ["ok", "hidden"], "team-leader": ["ok", null], director: ["ok", null], approver: ["ok", "hidden"] },
    check: async (ctx, role, p, outcome) => {
      const t = f.task(f.uniquePrefix("mk"), { status: taskStatus[role][p] as never })
      await Effect.runPromise(ctx.stores.tasks.insert(t))
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.tasks.get(t.id)), (x) => x.id === t.id)
    }
  },
  {
    name: "tasks.list",
    family: "task",
    expected: { agent: ["ok", "hidden"], "team-leader": ["ok", null], director: ["ok", null], approver: ["ok", "hidden"] },
    check: async (ctx, role, p, outcome) => {
      const t = f.task(f.uniquePrefix("mk"), { status: taskStatus[role][p] as never, urgency: 9 })
      await Effect.runPromise(ctx.stores.tasks.insert(t))
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.tasks.list({}, { limit: 1000 })), (pg) => pg.items.some((x) => x.id === t.id))
    }
  },
  {
    name: "ruleInstances.get",
    family: "rule",
    expected: { agent: ["hidden", "hidden"], "team-leader": ["hidden", "hidden"], director: ["ok", null], approver: ["ok", "hidden"] },
    check: async (ctx, role, p, outcome) => {
      const r = f.ruleInstance(`${f.uniquePrefix("mr")}@1`, { status: ruleStatus[role][p] as never })
      await Effect.runPromise(ctx.stores.ruleInstances.insert(r))
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.ruleInstances.get(r.id)), (x) => x.id === r.id)
    }
  },
  {
    name: "ruleInstances.list",
    family: "rule",
    expected: { agent: ["hidden", "hidden"], "team-leader": ["hidden", "hidden"], director: ["ok", null], approver: ["ok", "hidden"] },
    check: async (ctx, role, p, outcome) => {
      const r = f.ruleInstance(`${f.uniquePrefix("mr")}@1`, { status: ruleStatus[role][p] as never, templateId: "matrix" })
      await Effect.runPromise(ctx.stores.ruleInstances.insert(r))
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.ruleInstances.list({ templateIds: ["matrix"] }, { limit: 1000 })), (pg) => pg.items.some((x) => x.id === r.id))
    }
  },
  // ---- audit ---------------------------------------------------------------------------------
  {
    name: "audit.query",
    family: "audit",
    expected: { agent: ["ok", "hidden"], "team-leader": ["ok", "hidden"], director: ["ok", "hidden"], approver: ["ok", "hidden"] },
    check: async (ctx, role, p, outcome) => {
      const customerId = f.uniquePrefix("ma")
      await Effect.runPromise(
        ctx.stores.audit.append({ actorId: auditAuthor[role][p], at: f.at(1), action: "audit.note", category: "manual", recordType: "Note", recordId: customerId, customerId, before: null, after: null, note: "" })
      )
      await expectRead(ctx, outcome, Effect.flatMap(ctx.session(role), (s) => s.audit.query({ customerId })), (pg) => pg.items.length === 1)
    }
  }
]

/**
 * The number of matrix cases {@link runScopeMatrix} registers per adapter.
 *
 * @example
 * ```ts
 * console.log(`scope matrix: ${scopeMatrixCaseCount} cases`) // 266
 * ```
 */
export const scopeMatrixCaseCount = operations.reduce((n, op) => n + roles.reduce((m, r) => m + (op.expected[r][1] === null ? 1 : 2), 0), 0)

/** Opens storage, seeds the organisation and builds a runtime with the scope services over it. */
const useScopedRuntime = (target: ConformanceTarget, wrap: (stores: Stores) => Stores = (s) => s): (() => Ctx) => {
  let opened: { stores: Stores; close: () => Promise<void> } | undefined
  let runtime: ManagedRuntime.ManagedRuntime<ScopeRuntime, never> | undefined
  let ctx: Ctx | undefined
  beforeAll(async () => {
    opened = await target.open()
    const stores = opened.stores
    for (const t of org.teams) await Effect.runPromise(stores.teams.insert(t))
    for (const m of org.managers) await Effect.runPromise(stores.managers.insert(m))
    const ports = Layer.provideMerge(directoriesFromStores, storesLayer(wrap(stores)))
    runtime = ManagedRuntime.make(Layer.provideMerge(scopeLayer(), ports) as Layer.Layer<ScopeRuntime>)
    const rt = runtime
    const actors = new Map<MatrixRole, Actor>()
    ctx = {
      stores,
      run: (eff) => rt.runPromise(eff as Effect.Effect<never, never, ScopeRuntime>),
      // Resolve each role's actor once per storage (the organisation does not change in here):
      // what is under test is the enforcement, and resolving costs a few queries per case.
      session: (role) =>
        Effect.suspend(() => {
          const cached = actors.get(role)
          if (cached) return sessionFor(cached)
          return Effect.flatMap(Effect.flatMap(Actors, (a) => a.resolve(actorOf[role])), (actor) => {
            actors.set(role, actor)
            return sessionFor(actor)
          })
        }) as Effect.Effect<ActorSession, unknown, ScopeServices>
    }
  }, OPEN_TIMEOUT_MS)
  afterAll(async () => {
    await runtime?.dispose()
    await opened?.close()
  }, OPEN_TIMEOUT_MS)
  return () => {
    if (!ctx) throw new Error("storage not open")
    return ctx
  }
}

/**
 * Registers the scope matrix and the audit-atomicity tests for `target` with vitest.
 * `runConformanceSuite` calls it; call it alone to run only these.
 *
 * @example
 * ```ts
 * import { runScopeMatrix } from "@winback/adapters/testing"
 * runScopeMatrix({ name: "my-adapter", open: async () => ({ stores: makeMyStores(), close: async () => {} }) })
 * ```
 */
export const runScopeMatrix = (target: ConformanceTarget): void => {
  describe(`scope matrix (${scopeMatrixCaseCount} cases)`, () => {
    const ctx = useScopedRuntime(target)
    for (const op of operations) {
      describe(op.name, () => {
        for (const role of roles) {
          const [inside, outside] = op.expected[role]
          it(`${role}, record in scope: ${inside}`, () => op.check(ctx(), role, 0, inside))
          if (outside !== null) it(`${role}, record out of scope: ${outside}`, () => op.check(ctx(), role, 1, outside))
        }
      })
    }
  })

  describe("audit atomicity: a failure after the change and before commit leaves neither change nor entry", () => {
    const ctx = useScopedRuntime(target)
    class Injected extends Error {}
    const injectAfter = <A, E>(c: Ctx, write: Effect.Effect<A, E, ScopeServices>) =>
      c.run(
        Effect.exit(
          c.stores.transactions.transaction(
            Effect.gen(function* () {
              yield* write
              return yield* Effect.fail(new Injected("injected after the change, before commit"))
            })
          )
        )
      )

    const writes: ReadonlyArray<{
      readonly name: string
      readonly role: MatrixRole
      readonly run: (c: Ctx, s: Effect.Effect<ActorSession, unknown, ScopeServices>) => Promise<{ customerId: string; unchanged: () => Promise<void> }>
    }> = [
      {
        name: "customers.update",
        role: "team-leader",
        run: async (c, s) => {
          const cu = await seedCustomer(c, "team-leader", 0)
          expect(Exit.isFailure(await injectAfter(c, Effect.flatMap(s, (x) => x.customers.update(cu.id, { tier: "diamond" }, cu.version))))).toBe(true)
          return { customerId: cu.id, unchanged: customerUnchanged(c, cu) }
        }
      },
      {
        name: "allocation.customers (bulk)",
        role: "team-leader",
        run: async (c, s) => {
          const a = await seedCustomer(c, "team-leader", 0)
          const b = f.customer(f.uniquePrefix("mc"), { ownerManagerId: a.ownerManagerId })
          await Effect.runPromise(c.stores.customers.upsertCustomers([b]))
          expect(Exit.isFailure(await injectAfter(c, Effect.flatMap(s, (x) => x.allocation.customers({ ids: [a.id, b.id], to: "m-a1" }))))).toBe(true)
          expect(await auditCount(c, b.id)).toBe(0)
          return { customerId: a.id, unchanged: async () => { await customerUnchanged(c, a)(); await customerUnchanged(c, b)() } }
        }
      },
      {
        name: "workItems.update",
        role: "agent",
        run: async (c, s) => {
          const w = await seedItem(c, "agent", 0)
          expect(Exit.isFailure(await injectAfter(c, Effect.flatMap(s, (x) => x.workItems.update({ ...w, state: "in-progress" }, w.version))))).toBe(true)
          return { customerId: w.customerId, unchanged: itemUnchanged(c, w) }
        }
      },
      {
        name: "workItems.complete",
        role: "agent",
        run: async (c, s) => {
          const w = await seedItem(c, "agent", 0)
          expect(Exit.isFailure(await injectAfter(c, Effect.flatMap(s, (x) => x.workItems.complete({ ids: [w.id], customerId: w.customerId, disposition: "refused" }))))).toBe(true)
          return { customerId: w.customerId, unchanged: itemUnchanged(c, w) }
        }
      },
      {
        name: "allocation.workItems",
        role: "team-leader",
        run: async (c, s) => {
          const w = await seedItem(c, "team-leader", 0)
          expect(Exit.isFailure(await injectAfter(c, Effect.flatMap(s, (x) => x.allocation.workItems({ ids: [w.id], to: "m-a2" }))))).toBe(true)
          return { customerId: w.customerId, unchanged: itemUnchanged(c, w) }
        }
      },
      {
        name: "contacts.addDnd",
        role: "agent",
        run: async (c, s) => {
          const cu = await seedCustomer(c, "agent", 0)
          expect(Exit.isFailure(await injectAfter(c, Effect.flatMap(s, (x) => x.contacts.addDnd({ customerId: cu.id, channel: "phone", reason: "x" }))))).toBe(true)
          return { customerId: cu.id, unchanged: async () => expect(await Effect.runPromise(c.stores.dnd.listByCustomer(cu.id))).toEqual([]) }
        }
      },
      {
        name: "contacts.removeDnd",
        role: "agent",
        run: async (c, s) => {
          const cu = await seedCustomer(c, "agent", 0)
          const entry = f.dndEntry(f.uniquePrefix("d"), { customerId: cu.id, source: "agent" })
          await Effect.runPromise(c.stores.dnd.add(entry))
          expect(Exit.isFailure(await injectAfter(c, Effect.flatMap(s, (x) => x.contacts.removeDnd({ customerId: cu.id, entryId: entry.id, reason: "x" }))))).toBe(true)
          return { customerId: cu.id, unchanged: async () => expect(await Effect.runPromise(c.stores.dnd.listByCustomer(cu.id))).toEqual([entry]) }
        }
      }
    ]

    for (const w of writes) {
      it(`${w.name}`, async () => {
        const c = ctx()
        const head = await Effect.runPromise(c.stores.audit.verify())
        const { customerId, unchanged } = await w.run(c, c.session(w.role))
        await unchanged()
        expect(await auditCount(c, customerId)).toBe(0)
        expect(await Effect.runPromise(c.stores.audit.verify())).toEqual(head)
      })
    }

    it("teams.setMember (a move): neither the membership nor the work history nor the entry remains", async () => {
      const c = ctx()
      const before = await Effect.runPromise(c.stores.managers.get("m-a4"))
      const head = await Effect.runPromise(c.stores.audit.verify())
      const exit = await injectAfter(c, Effect.flatMap(c.session("team-leader"), (s) => s.teams.setMember("m-a4", "t-north")))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(await Effect.runPromise(c.stores.managers.get("m-a4"))).toEqual(before)
      expect(await Effect.runPromise(c.stores.audit.verify())).toEqual(head)
    })
  })

  describe("allocation under concurrency", () => {
    const ctx = useScopedRuntime(target)

    it("concurrent bulk allocations of the same customers each commit whole or fail with Conflict, and the entries form an unbroken chain of custody", async () => {
      const c = ctx()
      const ids = [f.uniquePrefix("race"), f.uniquePrefix("race"), f.uniquePrefix("race")]
      await Effect.runPromise(c.stores.customers.upsertCustomers(ids.map((id) => f.customer(id, { ownerManagerId: "m-a2" }))))
      const receivers = ["m-a1", "m-a2", "m-lead-n"]
      const exits = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          c.run(Effect.exit(Effect.flatMap(c.session("team-leader"), (s) => s.allocation.customers({ ids: i % 2 === 0 ? ids : [...ids].reverse(), to: receivers[i % 3]! }))))
        )
      )
      for (const e of exits) if (Exit.isFailure(e)) expect(failureOf(e)).toBeInstanceOf(Conflict)
      expect(exits.some(Exit.isSuccess)).toBe(true)
      for (const id of ids) {
        const entries = (await Effect.runPromise(c.stores.audit.query({ customerId: id }, { limit: 1000 }))).items
        let owner: string | null = "m-a2"
        for (const e of entries) {
          expect((e.before as { ownerManagerId: string | null }).ownerManagerId).toBe(owner)
          owner = (e.after as { ownerManagerId: string | null }).ownerManagerId
        }
        expect((await Effect.runPromise(c.stores.customers.get(id))).ownerManagerId).toBe(owner)
      }
      expect((await Effect.runPromise(c.stores.audit.verify())).ok).toBe(true)
    })
  })

  describe("audit atomicity: no change exists without its entry (the append fails, the change rolls back)", () => {
    const ctx = useScopedRuntime(target, (s) => ({
      ...s,
      audit: { ...s.audit, append: () => Effect.fail(new StorageError({ reason: "Unavailable", operation: "AuditLog.append (injected)" })) }
    }))

    it("customers.update and allocation leave the customer as it was", async () => {
      const c = ctx()
      const cu = await seedCustomer(c, "team-leader", 0)
      const e1 = await c.run(Effect.exit(Effect.flatMap(c.session("team-leader"), (s) => s.customers.update(cu.id, { tier: "diamond" }, cu.version))))
      expect(failureOf(e1)).toBeInstanceOf(StorageError)
      const e2 = await c.run(Effect.exit(Effect.flatMap(c.session("team-leader"), (s) => s.allocation.customers({ ids: [cu.id], to: "m-a1" }))))
      expect(failureOf(e2)).toBeInstanceOf(StorageError)
      await customerUnchanged(c, cu)()
    })

    it("workItems.complete leaves the item open", async () => {
      const c = ctx()
      const w = await seedItem(c, "agent", 0)
      const e = await c.run(Effect.exit(Effect.flatMap(c.session("agent"), (s) => s.workItems.complete({ ids: [w.id], customerId: w.customerId, disposition: "completed" }))))
      expect(failureOf(e)).toBeInstanceOf(StorageError)
      await itemUnchanged(c, w)()
    })
  })
}
