/**
 * The reference server's routes: read endpoints over the Winback model (customers, usage, teams,
 * managers, tasks, work items, offers, audit), every list paginated, every query validated.
 */
import { z } from "zod"
import { AuditCategory, Channel, IsoDate, TaskStatus, type Winback, WorkItemState } from "@winback/core"
import { parseQuery, Router } from "./http"
import { workbenchRoutes } from "./workbench/routes"

const limit = z.coerce.number().int().min(1).max(200).default(50)
const cursor = z.string().max(500).optional()
const page = (q: { limit: number; cursor?: string | undefined }) => ({ limit: q.limit, cursor: q.cursor ?? null })

const CustomersQuery = z.object({ region: z.string().max(100).optional(), tier: z.array(z.string().max(50)).optional(), ownerManagerId: z.array(z.string().max(200)).optional(), limit, cursor })
const UsageQuery = z.object({ asOf: IsoDate.optional(), days: z.coerce.number().int().min(1).max(400).default(90), months: z.coerce.number().int().min(1).max(36).default(13) })
const TeamsQuery = z.object({ region: z.string().max(100).optional(), parentId: z.string().max(200).optional(), limit, cursor })
const ManagersQuery = z.object({ teamId: z.array(z.string().max(200)).optional(), role: z.array(z.string().max(50)).optional(), limit, cursor })
const TasksQuery = z.object({ status: z.array(TaskStatus).optional(), limit, cursor })
const WorkItemsQuery = z.object({
  assigneeId: z.string().max(200).optional(),
  customerId: z.string().max(200).optional(),
  taskId: z.string().max(200).optional(),
  state: z.array(WorkItemState).optional(),
  limit,
  cursor
})
const AuditQuery = z.object({
  actorId: z.string().max(200).optional(),
  customerId: z.string().max(200).optional(),
  category: z.array(AuditCategory).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit,
  cursor
})
const DndQuery = z.object({ channel: Channel.optional() })

/** Options of {@link createRouter}. */
export interface AppOptions {
  readonly winback: Winback
  /** The business date the server reads usage as of (default: today in UTC). */
  readonly today?: () => string
  /** Shown on the start page. */
  readonly demoLogins?: ReadonlyArray<{ readonly role: string; readonly managerId: string; readonly name: string }>
}

/**
 * Builds the router of the reference server.
 *
 * @example
 * ```ts
 * const router = createRouter({ winback })
 * createServer((req, res) => router.handle(req, res)).listen(3000)
 * ```
 */
export const createRouter = ({ winback, today = () => new Date().toISOString().slice(0, 10), demoLogins = [] }: AppOptions): Router => {
  const s = winback.stores
  const r = new Router()

  r.on("GET", "/health", async () => ({ json: { status: "ok" } }))
  workbenchRoutes(r, { demoLogins })
  r.on("GET", "/api", async () => ({ json: { routes: r.list() } }))

  r.on("GET", "/api/customers", async (req) => {
    const q = parseQuery(CustomersQuery, req.query)
    const filter = { ...(q.region ? { region: q.region } : {}), ...(q.tier ? { tiers: q.tier } : {}), ...(q.ownerManagerId ? { ownerManagerIds: q.ownerManagerId } : {}) }
    return { json: await s.customers.list(filter, page(q)) }
  })
  r.on("GET", "/api/customers/:id", async (req) => ({ json: await s.customers.get(req.params.id!) }))
  r.on("GET", "/api/customers/:id/usage", async (req) => {
    const q = parseQuery(UsageQuery, req.query)
    await s.customers.get(req.params.id!)
    return { json: await winback.directories.usage.history(req.params.id!, { asOf: q.asOf ?? today(), dayWindow: q.days, monthWindow: q.months }) }
  })
  r.on("GET", "/api/customers/:id/work-items", async (req) => ({
    json: await s.workItems.list({ customerId: req.params.id!, states: ["open", "in-progress"] }, { limit: 200 })
  }))
  r.on("GET", "/api/customers/:id/dnd", async (req) => {
    const q = parseQuery(DndQuery, req.query)
    const entries = await s.dnd.listByCustomer(req.params.id!)
    return { json: { items: q.channel ? entries.filter((e) => e.channel === q.channel) : entries } }
  })
  r.on("GET", "/api/customers/:id/calls", async (req) => ({ json: await s.calls.listByCustomer(req.params.id!, { limit: 50 }) }))

  r.on("GET", "/api/teams", async (req) => {
    const q = parseQuery(TeamsQuery, req.query)
    return { json: await s.teams.list({ ...(q.region ? { region: q.region } : {}), ...(q.parentId !== undefined ? { parentId: q.parentId === "root" ? null : q.parentId } : {}) }, page(q)) }
  })
  r.on("GET", "/api/teams/:id", async (req) => ({ json: await s.teams.get(req.params.id!) }))
  r.on("GET", "/api/managers", async (req) => {
    const q = parseQuery(ManagersQuery, req.query)
    return { json: await s.managers.list({ ...(q.teamId ? { teamIds: q.teamId } : {}), ...(q.role ? { roles: q.role } : {}) }, page(q)) }
  })
  r.on("GET", "/api/managers/:id", async (req) => ({ json: await s.managers.get(req.params.id!) }))
  r.on("GET", "/api/managers/:id/work-summary", async (req) => ({ json: await s.workItems.countByState({ assigneeId: req.params.id! }) }))

  r.on("GET", "/api/tasks", async (req) => {
    const q = parseQuery(TasksQuery, req.query)
    return { json: await s.tasks.list(q.status ? { statuses: q.status } : {}, page(q)) }
  })
  r.on("GET", "/api/tasks/:id", async (req) => ({ json: await s.tasks.get(req.params.id!) }))

  r.on("GET", "/api/work-items", async (req) => {
    const q = parseQuery(WorkItemsQuery, req.query)
    const filter = {
      ...(q.assigneeId ? { assigneeId: q.assigneeId } : {}),
      ...(q.customerId ? { customerId: q.customerId } : {}),
      ...(q.taskId ? { taskId: q.taskId } : {}),
      ...(q.state ? { states: q.state } : {})
    }
    return { json: await s.workItems.list(filter, page(q)) }
  })
  r.on("GET", "/api/work-items/:id", async (req) => ({ json: await s.workItems.get(req.params.id!) }))

  r.on("GET", "/api/offers", async () => ({ json: await s.offers.list({ activeOnly: true }, { limit: 200 }) }))
  r.on("GET", "/api/audit", async (req) => {
    const q = parseQuery(AuditQuery, req.query)
    const filter = {
      ...(q.actorId ? { actorId: q.actorId } : {}),
      ...(q.customerId ? { customerId: q.customerId } : {}),
      ...(q.category ? { categories: q.category } : {}),
      ...(q.from ? { from: new Date(q.from).toISOString() } : {}),
      ...(q.to ? { to: new Date(q.to).toISOString() } : {})
    }
    return { json: await s.audit.query(filter, page(q)) }
  })
  r.on("GET", "/api/audit/verify", async () => ({ json: await s.audit.verify() }))
  return r
}
