/**
 * Customers, the team tree, managers and allocation (assign, transfer, reclaim), all as the
 * caller: lists carry the caller's scope, records outside it answer 404, changes outside it 403.
 */
import { z } from "zod"
import { Allocate, Customer, CustomerMasterPatch, Forbidden, IsoDate, Manager, NotFound, OfferUse, Team, UsageHistory, WorkItem } from "@winback/core"
import type { Router } from "../http"
import { pageCustomer } from "./agent"
import { managerNames } from "./names"
import { type ApiContext, Cursor, IdParams, IdString, Limit, PageOf, PageQuery, pageArray, pageOf, actAs } from "./support"

/** A team with its admin's display name, as the team tree lists it. */
const TeamWithAdmin = Team.extend({ adminName: z.string().nullable() })

const CustomersQuery = z.object({
  region: z.string().min(1).max(100).optional(),
  tier: z.array(z.string().min(1).max(50)).optional(),
  ownerManagerId: z.array(IdString).max(1000).optional(),
  limit: Limit,
  cursor: Cursor
})
const UsageQuery = z.object({
  asOf: IsoDate.optional(),
  days: z.coerce.number().int().min(1).max(400).default(90),
  months: z.coerce.number().int().min(1).max(36).default(13)
})
const CustomerPatchBody = z.object({ patch: CustomerMasterPatch, expectedVersion: z.number().int().min(1), note: z.string().max(4000).optional() }).strict()
const TeamsQuery = z.object({ region: z.string().min(1).max(100).optional(), parentId: IdString.optional(), limit: Limit, cursor: Cursor })
const ManagersQuery = z.object({ teamId: IdString.optional(), limit: Limit, cursor: Cursor })
const AllocationAnswer = <T extends z.ZodType>(item: T) => z.object({ changed: z.array(item), unchanged: z.array(z.string()) })

/**
 * Registers the customer, team, manager and allocation routes.
 *
 * @example
 * ```ts
 * orgRoutes(router, ctx)
 * ```
 */
export const orgRoutes = (r: Router, ctx: ApiContext): void => {
  r.route({
    method: "GET",
    path: "/api/customers",
    tag: "customers",
    summary: "Customers in scope, by id",
    query: CustomersQuery,
    responses: { 200: { description: "A page of customers", schema: PageOf(Customer) } },
    handler: async ({ principal, query: q }) => {
      const filter = { ...(q.region ? { region: q.region } : {}), ...(q.tier ? { tiers: q.tier } : {}), ...(q.ownerManagerId ? { ownerManagerIds: q.ownerManagerId } : {}) }
      const page = await actAs(ctx, principal).customers.list(filter, pageOf(q))
      return { json: { ...page, items: page.items.map(pageCustomer) } }
    }
  })
  r.route({
    method: "GET",
    path: "/api/customers/:id",
    tag: "customers",
    summary: "One customer (the summary the workbench shows)",
    params: IdParams,
    responses: { 200: { description: "The customer", schema: Customer } },
    handler: async ({ principal, params }) => ({ json: pageCustomer(await actAs(ctx, principal).customers.get(params.id)) })
  })
  r.route({
    method: "PATCH",
    path: "/api/customers/:id",
    tag: "customers",
    summary: "Edit customer master data (leaders; every edit audited)",
    params: IdParams,
    body: CustomerPatchBody,
    responses: { 200: { description: "The customer", schema: Customer } },
    handler: async ({ principal, params, body }) => ({ json: await actAs(ctx, principal).customers.update(params.id, body.patch, body.expectedVersion, body.note) })
  })
  r.route({
    method: "GET",
    path: "/api/customers/:id/usage",
    tag: "customers",
    summary: "A customer's daily and monthly usage as of a business date",
    params: IdParams,
    query: UsageQuery,
    responses: { 200: { description: "The usage history", schema: UsageHistory } },
    handler: async ({ principal, params, query }) => {
      await actAs(ctx, principal).customers.get(params.id)
      return { json: await ctx.winback.directories.usage.history(params.id, { asOf: query.asOf ?? ctx.today(), dayWindow: query.days, monthWindow: query.months }) }
    }
  })
  r.route({
    method: "GET",
    path: "/api/customers/:id/offer-uses",
    tag: "offers",
    summary: "Offers used with a customer (folded: latest decision per use)",
    params: IdParams,
    query: PageQuery,
    responses: { 200: { description: "A page of offer uses", schema: PageOf(OfferUse) } },
    handler: async ({ principal, params, query }) => ({ json: pageArray(await actAs(ctx, principal).offers.usesOf(params.id), query) })
  })

  r.route({
    method: "GET",
    path: "/api/teams",
    tag: "org",
    summary: "The team tree (every team, with its admin's name; membership and data stay scoped)",
    query: TeamsQuery,
    responses: { 200: { description: "A page of teams, each with `adminName` (null when the staff directory does not know the admin)", schema: PageOf(TeamWithAdmin) } },
    handler: async ({ principal, query: q }) => {
      const teams = (await actAs(ctx, principal).teams.list())
        .filter((t) => (q.region === undefined || t.region === q.region) && (q.parentId === undefined || (q.parentId === "root" ? t.parentId === null : t.parentId === q.parentId)))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      const page = pageArray(teams, q)
      // The tree names every team's admin, as it names every team: the page shows people, not ids.
      const names = await managerNames(ctx, page.items.map((t) => t.adminId))
      return { json: { ...page, items: page.items.map((t) => ({ ...t, adminName: names.get(t.adminId)?.name ?? null })) } }
    }
  })
  r.route({
    method: "GET",
    path: "/api/teams/:id/members",
    tag: "org",
    summary: "The members of a team the caller leads or oversees",
    params: IdParams,
    query: PageQuery,
    responses: { 200: { description: "A page of managers", schema: PageOf(Manager) } },
    handler: async ({ principal, params, query }) => ({ json: pageArray(await actAs(ctx, principal).teams.members(params.id), query) })
  })
  r.route({
    method: "GET",
    path: "/api/managers",
    tag: "org",
    summary: "Managers of a team in scope (default: the caller's team)",
    query: ManagersQuery,
    responses: { 200: { description: "A page of managers", schema: PageOf(Manager) } },
    handler: async ({ principal, query }) => {
      const me = actAs(ctx, principal)
      const teamId = query.teamId ?? (await me.actor()).teamId
      if (teamId === null) return { json: { items: [], nextCursor: null } }
      return { json: pageArray(await me.teams.members(teamId), query) }
    }
  })
  r.route({
    method: "GET",
    path: "/api/managers/:id",
    tag: "org",
    summary: "One manager: the caller, or a member of a team in the caller's scope",
    params: IdParams,
    responses: { 200: { description: "The manager", schema: Manager } },
    handler: async ({ principal, params }) => {
      const hidden = new NotFound({ entity: "Manager", id: params.id })
      const manager = await ctx.winback.directories.staff.get(params.id).catch(() => null)
      if (!manager) throw hidden
      if (manager.id === principal.managerId) return { json: manager }
      if (manager.teamId === null) throw hidden
      const members = await actAs(ctx, principal)
        .teams.members(manager.teamId)
        .catch((e: unknown) => {
          if (e instanceof Forbidden) throw hidden
          throw e
        })
      if (!members.some((m) => m.id === manager.id)) throw hidden
      return { json: manager }
    }
  })

  r.route({
    method: "POST",
    path: "/api/allocation/customers",
    tag: "allocation",
    summary: "Assign, transfer or reclaim (to: null) customers, all or nothing",
    body: Allocate,
    responses: { 200: { description: "What changed", schema: AllocationAnswer(Customer) } },
    handler: async ({ principal, body }) => ({ json: await actAs(ctx, principal).allocation.customers(body) })
  })
  r.route({
    method: "POST",
    path: "/api/allocation/work-items",
    tag: "allocation",
    summary: "Assign, transfer or reclaim (to: null) open work items, all or nothing",
    body: Allocate,
    responses: { 200: { description: "What changed", schema: AllocationAnswer(WorkItem) } },
    handler: async ({ principal, body }) => ({ json: await actAs(ctx, principal).allocation.workItems(body) })
  })
}
