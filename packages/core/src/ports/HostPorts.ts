/**
 * The host read ports as plain async functions, for hosts that do not use Effect:
 * `createWinback({ host: { customers, staff, usage } })`. Each function is wrapped into the Effect
 * port of `HostDirectories.ts`; what it returns is validated with zod at this boundary, and what it
 * throws becomes a typed `StorageError` naming the port and method, with the thrown value as cause.
 */
import { Effect, Layer } from "effect"
import * as z from "zod"
import { Customer } from "../customer/Customer"
import { CustomerEvent, UsageDay, type UsageHistory, UsageMonth } from "../customer/Usage"
import { Manager, ManagerProfile } from "../org/Manager"
import { NotFound, StorageError, ValidationError } from "../shared/Errors"
import type { Page, PageRequest } from "../shared/Page"
import { Id } from "../shared/Primitives"
import { CustomerDirectory, StaffDirectory, UsageHistoryReader } from "./HostDirectories"

/**
 * A customer as a host returns it: a `Customer` whose optional attributes may be left out
 * (`phones` defaults to none, the nullable ones to `null`, `version` to 1).
 *
 * @example
 * ```ts
 * const c = HostCustomer.parse({ id: "C-1", name: "Li Wei", region: "beijing", tier: "gold", lineStatus: "active",
 *   paymentType: "postpaid", activatedOn: "2019-06-01", timeZone: "Asia/Shanghai" })
 * c.birthday // null
 * ```
 */
export const HostCustomer = Customer.extend({
  phones: Customer.shape.phones.default([]),
  contractEnd: Customer.shape.contractEnd.default(null),
  birthday: Customer.shape.birthday.default(null),
  ownerManagerId: Customer.shape.ownerManagerId.default(null),
  preferredChannel: Customer.shape.preferredChannel.default(null),
  tariffSensitivity: Customer.shape.tariffSensitivity.default(null),
  creditLevel: Customer.shape.creditLevel.default(null),
  version: Customer.shape.version.default(1)
})
/** @see {@link HostCustomer} */
export type HostCustomer = z.input<typeof HostCustomer>

/**
 * A staff member as a host returns them: a `Manager` whose team (Winback keeps teams itself),
 * profile and version may be left out.
 *
 * @example
 * ```ts
 * const m = HostManager.parse({ id: "S-ANNA", name: "Anna Berg", roles: ["agent"], region: "Hamburg", active: true })
 * m.teamId // null
 * ```
 */
export const HostManager = Manager.extend({
  teamId: Manager.shape.teamId.default(null),
  profile: ManagerProfile.default({ email: null, phone: null, trainingRecords: [], workHistory: [] }),
  version: Manager.shape.version.default(1)
})
/** @see {@link HostManager} */
export type HostManager = z.input<typeof HostManager>

/**
 * One customer's usage history as a host returns it; absent lists are empty (a CRM that keeps
 * daily usage only returns `days`).
 *
 * @example
 * ```ts
 * HostUsageHistory.parse({ customerId: "C-1", days: [] }).months // []
 * ```
 */
export const HostUsageHistory = z.object({
  customerId: Id,
  days: z.array(UsageDay).default([]),
  months: z.array(UsageMonth).default([]),
  events: z.array(CustomerEvent).default([])
})
/** @see {@link HostUsageHistory} */
export type HostUsageHistory = z.input<typeof HostUsageHistory>

/** The window of usage history asked for (see `UsageHistoryReader`). */
export interface HostUsageWindow {
  readonly asOf: string
  readonly dayWindow: number
  readonly monthWindow: number
}

/**
 * The host's customers as async functions. `getMany` is required (the order and duplicates of the
 * answer do not matter, unknown ids are left out); `get` answers `null` for an unknown id (default:
 * through `getMany`); `list` pages through every customer and is what read-through mode
 * enumerates (`cursor` is the host's own, `nextCursor` null on the last page).
 *
 * @example
 * ```ts
 * const customers: HostCustomers = {
 *   getMany: async (ids) => (await db.query("SELECT * FROM crm_customers WHERE cust_no = ANY($1)", [ids])).rows.map(toCustomer),
 *   list: async ({ cursor, limit }) => {
 *     const rows = (await db.query("SELECT * FROM crm_customers WHERE cust_no > $1 ORDER BY cust_no LIMIT $2", [cursor ?? "", limit])).rows
 *     return { items: rows.map(toCustomer), nextCursor: rows.length === limit ? rows.at(-1).cust_no : null }
 *   }
 * }
 * ```
 */
export interface HostCustomers {
  readonly getMany: (ids: ReadonlyArray<string>) => Promise<ReadonlyArray<HostCustomer>>
  readonly get?: (id: string) => Promise<HostCustomer | null | undefined>
  readonly list?: (page: { readonly cursor: string | null; readonly limit: number }) => Promise<{
    readonly items: ReadonlyArray<HostCustomer>
    readonly nextCursor: string | null
  }>
}

/**
 * The host's staff as async functions: `getMany` required, `get` answers `null` for an unknown id.
 *
 * @example
 * ```ts
 * const staff: HostStaff = { getMany: async (ids) => (await crm.staff(ids)).map(toManager) }
 * ```
 */
export interface HostStaff {
  readonly getMany: (ids: ReadonlyArray<string>) => Promise<ReadonlyArray<HostManager>>
  readonly get?: (id: string) => Promise<HostManager | null | undefined>
}

/**
 * The host's usage history as async functions (the window contract of `UsageHistoryReader`).
 * `historyMany` answers a page of customers in one call (read-through mode asks it with up to 500
 * ids); a customer left out of its answer has no usage. Give at least one of the two.
 *
 * @example
 * ```ts
 * const usage: HostUsage = {
 *   historyMany: async (ids, { asOf, dayWindow }) => {
 *     const rows = await crm.usageOf(ids, shiftDay(asOf, 1 - dayWindow), asOf)
 *     return ids.map((id) => ({ customerId: id, days: rows.filter((r) => r.cust_no === id).map(toUsageDay) }))
 *   }
 * }
 * ```
 */
export type HostUsage =
  | {
      readonly history: (customerId: string, window: HostUsageWindow) => Promise<HostUsageHistory>
      readonly historyMany?: (customerIds: ReadonlyArray<string>, window: HostUsageWindow) => Promise<ReadonlyArray<HostUsageHistory>>
    }
  | {
      readonly history?: (customerId: string, window: HostUsageWindow) => Promise<HostUsageHistory>
      readonly historyMany: (customerIds: ReadonlyArray<string>, window: HostUsageWindow) => Promise<ReadonlyArray<HostUsageHistory>>
    }

/**
 * The three host read ports as plain async functions: what `createWinback({ host })` takes.
 *
 * @example
 * ```ts
 * const winback = await createWinback({ storage: MemoryStorage.layer(), host: { customers, staff, usage }, mode: "read-through" })
 * ```
 */
export interface WinbackHost {
  readonly customers: HostCustomers
  readonly staff: HostStaff
  readonly usage: HostUsage
}

/** Calls one host function: a throw or rejection becomes a `StorageError` naming port and method. */
const call = <A>(port: string, method: string, f: () => Promise<A>): Effect.Effect<A, StorageError> =>
  Effect.tryPromise({
    try: f,
    catch: (cause) => (cause instanceof StorageError ? cause : new StorageError({ reason: "Unknown", operation: `host.${port}.${method}`, cause }))
  })

/** Validates what a host function returned; bad data is a `StorageError` whose cause is the `ValidationError` with its paths. */
const check = <S extends z.ZodType>(port: string, method: string, schema: S, value: unknown): Effect.Effect<z.output<S>, StorageError> => {
  const r = schema.safeParse(value)
  return r.success
    ? Effect.succeed(r.data)
    : Effect.fail(new StorageError({ reason: "Unknown", operation: `host.${port}.${method}`, cause: ValidationError.fromZod(r.error, `result of host ${port}.${method}`) }))
}

/** The answer of a `getMany` in the order of `ids`, once each, unknown ids left out (the port contract). */
const inOrder = <A extends { readonly id: string }>(ids: ReadonlyArray<string>, found: ReadonlyArray<A>): ReadonlyArray<A> => {
  const byId = new Map(found.map((a) => [a.id, a]))
  return [...new Set(ids)].flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))
}

/** `get` and `getMany` of one entity port over the host's functions. */
const entityPort = <S extends z.ZodType<{ readonly id: string }>>(
  port: string,
  entity: string,
  schema: S,
  fns: { readonly getMany: (ids: ReadonlyArray<string>) => Promise<ReadonlyArray<unknown>>; readonly get?: ((id: string) => Promise<unknown>) | undefined }
) => {
  const many = z.array(schema)
  const getMany = (ids: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<z.output<S>>, StorageError> =>
    ids.length === 0
      ? Effect.succeed([])
      : call(port, "getMany", () => fns.getMany(ids)).pipe(
          Effect.flatMap((rows) => check(port, "getMany", many, rows)),
          Effect.map((rows) => inOrder(ids, rows))
        )
  const getOne = fns.get
  const get = (id: string): Effect.Effect<z.output<S>, NotFound | StorageError> =>
    getOne === undefined
      ? Effect.flatMap(getMany([id]), ([a]) => (a === undefined ? Effect.fail(new NotFound({ entity, id })) : Effect.succeed(a)))
      : Effect.gen(function* () {
          const row = yield* call(port, "get", () => getOne(id))
          if (row === null || row === undefined) return yield* new NotFound({ entity, id })
          return yield* check(port, "get", schema, row)
        })
  return { get, getMany }
}

const emptyHistory = (customerId: string): UsageHistory => ({ customerId, days: [], months: [], events: [] })

/**
 * The Effect host ports over a host's plain async functions, for `createWinback({ directories })`
 * or an Effect program (`createWinback({ host })` does this for you).
 *
 * @example
 * ```ts
 * const directories = hostPortsLayer({ customers, staff, usage })
 * const c = await Effect.runPromise(Effect.flatMap(CustomerDirectory, (d) => d.get("C-1")).pipe(Effect.provide(directories)))
 * ```
 */
export const hostPortsLayer = (host: WinbackHost): Layer.Layer<CustomerDirectory | StaffDirectory | UsageHistoryReader> => {
  const customers = entityPort("customers", "Customer", HostCustomer, host.customers)
  const staff = entityPort("staff", "Manager", HostManager, host.staff)
  const hostList = host.customers.list
  const page = z.object({ items: z.array(HostCustomer), nextCursor: z.string().nullable() })
  const list =
    hostList === undefined
      ? undefined
      : (request: PageRequest): Effect.Effect<Page<Customer>, StorageError> =>
          call("customers", "list", () => hostList({ cursor: request.cursor ?? null, limit: request.limit ?? 50 })).pipe(
            Effect.flatMap((answer) => check("customers", "list", page, answer))
          )
  const { history: one, historyMany: batch } = host.usage
  const historyMany = (ids: ReadonlyArray<string>, window: HostUsageWindow): Effect.Effect<ReadonlyArray<UsageHistory>, StorageError> => {
    if (ids.length === 0) return Effect.succeed([])
    if (batch !== undefined)
      return call("usage", "historyMany", () => batch(ids, window)).pipe(
        Effect.flatMap((answer) => check("usage", "historyMany", z.array(HostUsageHistory), answer)),
        Effect.map((answer) => {
          const byId = new Map(answer.map((h) => [h.customerId, h]))
          return ids.map((id) => byId.get(id) ?? emptyHistory(id))
        })
      )
    return Effect.forEach(ids, (id) => history(id, window), { concurrency: 8 })
  }
  const history = (customerId: string, window: HostUsageWindow): Effect.Effect<UsageHistory, StorageError> =>
    one === undefined
      ? Effect.map(historyMany([customerId], window), ([h]) => h ?? emptyHistory(customerId))
      : call("usage", "history", () => one(customerId, window)).pipe(
          Effect.flatMap((answer) => check("usage", "history", HostUsageHistory, answer)),
          Effect.flatMap((h) =>
            h.customerId === customerId
              ? Effect.succeed(h)
              : Effect.fail(
                  new StorageError({
                    reason: "Unknown",
                    operation: "host.usage.history",
                    cause: new ValidationError({ subject: "result of host usage.history", issues: [{ path: ["customerId"], message: `expected the history of ${customerId}`, code: "custom" }] })
                  })
                )
          )
        )
  return Layer.mergeAll(
    Layer.succeed(CustomerDirectory, CustomerDirectory.of(list === undefined ? customers : { ...customers, list })),
    Layer.succeed(StaffDirectory, StaffDirectory.of(staff)),
    Layer.succeed(UsageHistoryReader, UsageHistoryReader.of({ history, historyMany }))
  )
}
