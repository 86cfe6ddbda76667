/**
 * What the director's screens read beyond the plain API: the business day (so a report's default
 * range includes today), every report as tables already in the reader's language (headings, group
 * words, the funnel's stages — never the raw JSON tree), the people and teams of a subtree for the
 * selectors, and the subtree's work items a page at a time with the names a reader needs.
 * Every read goes through the caller's scoped services; a team outside the caller's scope is 404.
 */
import { z } from "zod"
import { type FunnelReport, Forbidden, NotFound, type ReportTable, subtreeOf, type Team, WorkItem, WorkItemState } from "@winback/core"
import type { RouteContext, Router } from "../http"
import { catalogues, type Locale, localeOf, type MessageKey } from "../i18n"
import { reportSpecs, tablesFor } from "./reports"
import { type ApiContext, actAs, Cursor, IdString, Limit, pageOf } from "./support"

/** The day after an ISO date (a report range is half-open: `to` is the first day left out). */
const nextDay = (day: string): string => {
  const d = new Date(`${day}T00:00:00.000Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/**
 * The funnel's total as a table of stages (count, rate against the stage before, rate against
 * submitted), in `locale`: the shape a director reads the funnel in.
 *
 * @example
 * ```ts
 * funnelStagesTable(report, "zh-CN").columns[0]!.label // "阶段"
 * ```
 */
export const funnelStagesTable = (report: FunnelReport, locale: Locale): ReportTable => {
  const c = catalogues[locale]
  return {
    name: c["key.stages"],
    columns: [
      { key: "stage", label: c["key.stage"], type: "text" },
      { key: "count", label: c["key.count"], type: "integer" },
      { key: "rate", label: c["key.ofPrevious"], type: "percent" },
      { key: "ofSubmitted", label: c["key.ofSubmitted"], type: "percent" }
    ],
    rows: report.total.stages.map((s) => ({ stage: c[`key.${s.stage}` as MessageKey], count: s.count, rate: s.rate, ofSubmitted: s.ofSubmitted }))
  }
}

const ReportTables = z.object({ name: z.string(), title: z.string(), tables: z.array(z.object({}).loose()) })
const BusinessDay = z.object({ today: z.iso.date(), monthStart: z.iso.date(), tomorrow: z.iso.date() })
const PeopleQuery = z.object({ teamId: IdString.optional() })
const TeamInTree = z.object({ id: z.string(), name: z.string(), parentId: z.string().nullable(), depth: z.number().int() })
const Person = z.object({ id: z.string(), name: z.string(), teamId: z.string().nullable(), roles: z.array(z.string()) })
const People = z.object({ teamId: z.string(), teams: z.array(TeamInTree), managers: z.array(Person) })
const DirectorItemsQuery = z.object({
  teamId: IdString.optional(),
  assigneeId: IdString.optional(),
  state: z.array(WorkItemState).optional(),
  limit: Limit,
  cursor: Cursor
})
const NamedItem = WorkItem.and(z.object({ customerName: z.string().nullable(), taskName: z.string().nullable(), assigneeName: z.string().nullable(), teamName: z.string().nullable() }))

/** The teams of `rootId`'s subtree in tree order (children by name), with their depth below it. */
const treeOf = (all: ReadonlyArray<Team>, rootId: string): Array<z.infer<typeof TeamInTree>> => {
  const out: Array<z.infer<typeof TeamInTree>> = []
  const walk = (id: string, depth: number) => {
    const t = all.find((x) => x.id === id)
    if (!t) return
    out.push({ id: t.id, name: t.name, parentId: t.parentId, depth })
    for (const child of all.filter((x) => x.parentId === id).sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1))) walk(child.id, depth + 1)
  }
  walk(rootId, 0)
  return out
}

/**
 * The subtree of `teamId` (default: the caller's team) and its members the caller may read. A team
 * the caller may not oversee reads as missing (404), so nothing tells an outsider it exists.
 */
const peopleOf = async (ctx: ApiContext, managerId: string, teamId: string | undefined) => {
  const me = ctx.winback.as(managerId)
  const rootId = teamId ?? (await me.actor()).teamId
  if (rootId === null) throw new NotFound({ entity: "Team", id: "-" })
  const all = await me.teams.list()
  const teams = treeOf(all, rootId)
  const members = await Promise.all(
    teams.map((t, i) =>
      me.teams.members(t.id).catch((e: unknown) => {
        // The chosen team itself must be readable; a sub-team the policy hides is left out.
        if (e instanceof Forbidden) {
          if (i === 0) throw new NotFound({ entity: "Team", id: t.id })
          return []
        }
        throw e
      })
    )
  )
  if (teams.length === 0) throw new NotFound({ entity: "Team", id: rootId })
  const managers = members.flat().map((m) => ({ id: m.id, name: m.name, teamId: m.teamId, roles: [...m.roles] }))
  return { teamId: rootId, all, teams, managers }
}

/**
 * Registers the director's routes: `GET /api/director/today`, `GET /api/report-tables/<report>`
 * (one per report, same query as `/api/reports/<report>`), `GET /api/director/people` and
 * `GET /api/director/work-items`.
 *
 * @example
 * ```ts
 * directorRoutes(router, ctx)
 * ```
 */
export const directorRoutes = (r: Router, ctx: ApiContext): void => {
  // Every route here is a read answering JSON: one spec shape for all of them.
  const read = <Q extends z.ZodObject>(path: string, tag: string, summary: string, query: Q, answer: z.ZodType, f: (c: RouteContext<Record<string, string>, z.output<Q>, unknown>) => Promise<unknown>) =>
    r.route({ method: "GET", path, tag, summary, query, responses: { 200: { description: summary, schema: answer } }, handler: async (c) => ({ json: await f(c) }) })

  read("/api/director/today", "reports", "The business day: today, the first day of its month, and tomorrow (the exclusive end of a range that includes today)", z.object({}), BusinessDay, async () => {
    const today = ctx.today()
    return { today, monthStart: `${today.slice(0, 7)}-01`, tomorrow: nextDay(today) }
  })
  for (const spec of reportSpecs()) {
    read(`/api/report-tables/${spec.name}`, "reports", `${spec.summary} (as tables in the caller's language)`, spec.query, ReportTables, async ({ principal, query, raw }) => {
      const locale = localeOf(raw)
      const report = await spec.load(ctx, principal.managerId, query)
      const tables = await tablesFor(ctx, principal.managerId, spec, report, locale)
      const title = catalogues[locale][`report.${spec.name}` as MessageKey] ?? spec.summary
      return { name: spec.name, title, tables: spec.name === "funnel" ? [funnelStagesTable(report as FunnelReport, locale), ...tables] : tables }
    })
  }
  read("/api/director/people", "org", "The teams of a subtree (default: the caller's team) in tree order, and the managers in them the caller may read", PeopleQuery, People, async ({ principal, query }) => {
    const { teamId, teams, managers } = await peopleOf(ctx, principal.managerId, query.teamId)
    return { teamId, teams, managers }
  })
  read(
    "/api/director/work-items",
    "work",
    "Work items of a team's subtree (default: the caller's team), optionally of one manager, a page at a time, with customer, task, manager and team names",
    DirectorItemsQuery,
    z.object({ items: z.array(NamedItem), nextCursor: z.string().nullable() }),
    async ({ principal, query: q }) => {
      const me = actAs(ctx, principal)
      const { all, teams, managers } = await peopleOf(ctx, principal.managerId, q.teamId)
      const teamIds = subtreeOf(all, teams[0]!.id)
      const page = await me.workItems.list({ teamIds: [...teamIds], ...(q.assigneeId ? { assigneeId: q.assigneeId } : {}), ...(q.state ? { states: q.state } : {}) }, pageOf(q))
      const [customers, tasks] = await Promise.all([
        me.customers.getMany([...new Set(page.items.map((w) => w.customerId))]),
        Promise.all([...new Set(page.items.map((w) => w.taskId))].map((id) => me.tasks.get(id).catch(() => null)))
      ])
      const name = <A extends { readonly id: string; readonly name: string }>(xs: ReadonlyArray<A | null>) => new Map(xs.filter((x): x is A => x !== null).map((x) => [x.id, x.name]))
      const customerNames = name(customers)
      const taskNames = name(tasks)
      const managerNames = name(managers)
      const teamNames = name(all)
      return {
        items: page.items.map((w) => ({
          ...w,
          customerName: customerNames.get(w.customerId) ?? null,
          taskName: taskNames.get(w.taskId) ?? null,
          assigneeName: w.assigneeId === null ? null : (managerNames.get(w.assigneeId) ?? null),
          teamName: w.teamId === null ? null : (teamNames.get(w.teamId) ?? null)
        })),
        nextCursor: page.nextCursor
      }
    }
  )
}
