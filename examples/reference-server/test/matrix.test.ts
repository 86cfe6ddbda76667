/**
 * The endpoint × role matrix over real HTTP (memory storage): every authenticated route answers 401
 * without credentials; and for the agent, team leader, district leader, director and approver, a
 * request about a record in the person's scope gets the outcome written below, and a request about
 * a record outside it is 404 (a customer or item the person cannot read: as an unknown id) or 403
 * (readable but not theirs to change) and changes nothing (the record, its customer's work, DND,
 * appointments, calls and the audit log are read back and compared); no refusal names the owner.
 *
 * The demo policy (DOMAIN §1 with the grants of the work) behind the expectations: agents act on their
 * own customers and items; a team leader on the team's (the district leader's team is the district
 * team, whose only member is the district leader); directors read their region's subtree and change
 * no customer work but its DND lists (as the region's admin); the approver reads and decides tasks
 * and rules awaiting approval and nothing else; leaders and directors are admins (tasks, rules, extraction, API keys for their teams).
 * Outside-scope records belong to a Shanghai agent: outside every Beijing person's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Customer, newWorkItem } from "@winback/core"
import { demoPassword, type RunningServer } from "../src/server"
import { catalogues, locales } from "../src/i18n"
import { type Answer, asOf, client, demoLogins, demoOrg, startTestServer } from "./support"

type Role = "agent" | "teamLeader" | "districtLeader" | "director" | "approver"
const roles: ReadonlyArray<Role> = ["agent", "teamLeader", "districtLeader", "director", "approver"]
/** Expected statuses, in the order agent, team leader, district leader, director, approver. */
type Row = readonly [number, number, number, number, number]

interface Req {
  readonly method: string
  readonly path: string
  readonly body?: unknown
  readonly contentType?: string
  /** What a failed request must leave unchanged. */
  readonly target?: { readonly customerId?: string; readonly taskId?: string; readonly itemId?: string }
}
interface Case {
  /** The route as registered, e.g. "GET /api/customers/:id". */
  readonly route: string
  readonly what: string
  readonly request: (role: Role) => Promise<Req>
  readonly expect: Row
  /** Extra checks on a successful answer. */
  readonly check?: (role: Role, answer: Answer) => void | Promise<void>
  /** A POST that writes nothing (a plan); every other successful change must add audit entries. */
  readonly readOnly?: true
}

let server: RunningServer
const as: Record<string, ReturnType<typeof client>> = {}
const people = {
  agent: demoLogins.agent,
  teamLeader: demoLogins.teamLeader,
  districtLeader: demoLogins.districtLeader,
  director: demoLogins.director,
  approver: demoLogins.approver
}
const squad = "t-beijing-d1-s1"
const district = "t-beijing-d1"
const colleague = demoOrg.managers.find((m) => m.teamId === squad && m.roles.includes("agent") && m.id !== demoLogins.agent)!.id
const shAgent = demoOrg.managers.find((m) => m.id.startsWith("m-shanghai") && m.roles.includes("agent"))!
const shDirector = demoOrg.managers.find((m) => m.id.startsWith("m-shanghai") && m.roles.includes("director"))!
let template: Customer
let seq = 0

/** The owner of a role's in-scope records: the district leader owns their own; the others the agent's. */
const ownerOf = (role: Role) => (role === "districtLeader" ? { managerId: demoLogins.districtLeader, teamId: district } : { managerId: demoLogins.agent, teamId: squad })

const freshCustomer = async (managerId: string | null, region = "beijing"): Promise<string> => {
  const id = `c-mx-${++seq}`
  await server.winback.stores.customers.upsertCustomers([{ ...template, id, ownerManagerId: managerId, region }])
  return id
}
const freshItem = async (customerId: string, assigneeId: string, teamId: string): Promise<string> => {
  const id = `wi-mx-${++seq}`
  await server.winback.stores.workItems.insertMany([
    newWorkItem({ id, taskId: "demo-retention-bill-drop", customerId, assigneeId, teamId, channel: "phone", urgency: 1, period: asOf, at: `${asOf}T00:00:00.000Z` })
  ])
  return id
}
/** A fresh unassigned (pool) item of a team, on a fresh customer of the team's region. */
const poolItem = async (teamId: string, region = "beijing"): Promise<string> => {
  const id = `wi-mx-${++seq}`
  const customerId = await freshCustomer(null, region)
  await server.winback.stores.workItems.insertMany([
    newWorkItem({ id, taskId: "demo-retention-bill-drop", customerId, assigneeId: null, teamId, channel: "phone", urgency: 1, period: asOf, at: `${asOf}T00:00:00.000Z` })
  ])
  return id
}
/** A fresh customer with an open item, in the role's scope. */
const mine = async (role: Role) => {
  const o = ownerOf(role)
  const customerId = await freshCustomer(o.managerId)
  return { customerId, itemId: await freshItem(customerId, o.managerId, o.teamId) }
}
/** A fresh customer with an open item of a Shanghai agent. */
const shanghaiCustomers = new Set<string>()
const theirs = async () => {
  const customerId = await freshCustomer(shAgent.id, "shanghai")
  shanghaiCustomers.add(customerId)
  return { customerId, itemId: await freshItem(customerId, shAgent.id, shAgent.teamId!) }
}
/** A fresh SMS template of `managerId`'s team, written by them over HTTP (the store is the server's integration state). */
const smsTemplateBy = async (managerId: string): Promise<{ id: string; name: string; version: number }> => {
  const login = await client(server).post("/api/login", { login: managerId, password: demoPassword })
  const res = await client(server, login.body.token).call("PUT", `/api/sms/templates/mx-${++seq}`, { name: `mx ${seq}`, text: "Dear {{name}}" })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body
}
/** A change (at its current version) of a fresh template of `managerId`'s team. */
const smsTemplateChange = async (managerId: string): Promise<Req> => {
  const t = await smsTemplateBy(managerId)
  return { method: "PUT", path: `/api/sms/templates/${t.id}`, body: { name: t.name, text: "Dear {{name}}, changed", version: t.version } }
}
const manualTask = {
  source: "manual" as const,
  type: "retention-callback" as const,
  urgency: 2,
  channel: "phone" as const,
  executionWindow: { from: "09:00", to: "20:00" },
  cycle: "once" as const,
  startsOn: asOf,
  expiresOn: null,
  skipHolidays: false,
  questionnaireVersion: null,
  cooldownDays: 30
}
const draftBy = async (author: string) => (await server.winback.as(author).tasks.create({ ...manualTask, name: `draft ${++seq}` })).id
const pendingTask = async () => {
  const id = await draftBy(demoLogins.director)
  await server.winback.as(demoLogins.director).tasks.submit(id)
  return id
}
/** An alert task (over the demo's approved zero-bill rule) awaiting approval: it has a dry run. */
const pendingAlertTask = async () => {
  const demoPending = await server.winback.stores.tasks.get("demo-win-back-zero-bill")
  const t = await server.winback.as(demoLogins.director).tasks.create({
    ...manualTask,
    source: "alert",
    ruleInstanceIds: demoPending.source === "alert" ? demoPending.ruleInstanceIds : [],
    cycle: "daily",
    name: `alert ${++seq}`
  })
  await server.winback.as(demoLogins.director).tasks.submit(t.id)
  return t.id
}
/** A fresh team under the squad (its admin: the squad's leader). */
const freshTeam = async () => (await server.winback.as(demoLogins.director).teams.createChild(squad, { id: `t-mx-${++seq}`, name: `mx ${seq}`, adminId: demoLogins.teamLeader })).id
/** A fresh agent in the squad. */
const freshMember = async () => {
  const id = `m-mx-${++seq}`
  await server.winback.stores.managers.insert({ ...(await server.winback.stores.managers.get(colleague)), id, version: 1 })
  return id
}
const activeTask = async () => {
  const id = await pendingTask()
  await server.winback.as(demoLogins.approver).tasks.approve(id)
  return id
}
/** An active manual task written (and submitted) by `author`. */
const activeTaskBy = async (author: string) => {
  const id = await draftBy(author)
  await server.winback.as(author).tasks.submit(id)
  await server.winback.as(demoLogins.approver).tasks.approve(id)
  return id
}
/** A fresh Shanghai customer with an open item assigned to the role's in-scope person (the agent; the district leader: themselves). */
const heldForeign = async (role: Role) => {
  const o = ownerOf(role)
  const customerId = await freshCustomer(shAgent.id, "shanghai")
  return { customerId, itemId: await freshItem(customerId, o.managerId, o.teamId) }
}
const ruleDraftBy = async (author: string) => (await server.winback.as(author).rules.create({ ruleId: `mx-rule-${++seq}`, name: "Data drop", templateId: "data-drop" })).id
const approvedRule = async () => {
  const id = await ruleDraftBy(demoLogins.director)
  await server.winback.as(demoLogins.director).rules.submit(id)
  await server.winback.as(demoLogins.approver).rules.approve(id)
  return id
}
const appointmentOf = async (managerId: string, customerId: string) =>
  (await server.winback.as(managerId).appointments.book({ customerId, at: "2026-11-26T10:00:00.000Z", channel: "phone" })).appointment.id
/** A fresh phone DND entry an agent set on the customer (written to the store directly). */
const dndEntryOf = async (customerId: string) => {
  const id = `dnd-mx-${++seq}`
  await server.winback.stores.dnd.add({
    id,
    customerId,
    channel: "phone",
    reason: "matrix",
    source: "agent",
    createdBy: demoLogins.agent,
    createdAt: "2026-11-24T08:00:00.000Z",
    expiresAt: null,
    removedAt: null
  })
  return id
}
const pendingOfferUse = async (managerId: string, itemId: string) => (await server.winback.as(managerId).offers.use({ workItemId: itemId, offerId: "of-bonus-100", accepted: true })).id

/** What a failed request must not change. */
const stateOf = async (target: Req["target"]): Promise<string> => {
  const s = server.winback.stores
  const parts: Array<unknown> = [await s.audit.verify(), (await s.tasks.list({}, { limit: 1000 })).items.map((t) => [t.id, t.version, t.status])]
  if (target?.customerId) {
    const c = target.customerId
    parts.push(
      await s.customers.get(c),
      await s.workItems.list({ customerId: c }, { limit: 1000 }),
      await s.dnd.listByCustomer(c),
      await s.appointments.list({ customerId: c }, { limit: 1000 }),
      await s.calls.listByCustomer(c, { limit: 1000 })
    )
  }
  if (target?.itemId) parts.push(await s.workItems.get(target.itemId))
  if (target?.taskId) parts.push(await s.tasks.get(target.taskId))
  return JSON.stringify(parts)
}

const auditEntries = async () => ((await server.winback.stores.audit.verify()) as { entries: number }).entries

const send = (role: Role, r: Req) => as[role]!.call(r.method, r.path, r.body, r.contentType ? { "content-type": r.contentType } : {})

const same = (status: number): Row => [status, status, status, status, status]
const customerRead: Row = [200, 200, 200, 200, 404]

/** Requests about records in the person's scope (for the approver: tasks awaiting approval). */
const inScope: ReadonlyArray<Case> = [
  // Customers and their history
  ...(["", "/usage", "/work", "/calls", "/dnd", "/offer-uses"] as const).map(
    (tail): Case => ({ route: `GET /api/customers/:id${tail}`, what: "own customer", request: async (r) => ({ method: "GET", path: `/api/customers/${(await mine(r)).customerId}${tail}` }), expect: customerRead })
  ),
  { route: "GET /api/work-items/:id", what: "own item", request: async (r) => ({ method: "GET", path: `/api/work-items/${(await mine(r)).itemId}` }), expect: customerRead },
  { route: "GET /api/work-items/:id/questionnaire", what: "own item", request: async (r) => ({ method: "GET", path: `/api/work-items/${(await mine(r)).itemId}/questionnaire` }), expect: customerRead },
  { route: "GET /api/work-items/:id/reasons", what: "own item", request: async (r) => ({ method: "GET", path: `/api/work-items/${(await mine(r)).itemId}/reasons` }), expect: customerRead },
  // Holding open work grants read access to its customer (issue 14): a Shanghai customer whose item
  // the person (or, for leaders and the director, their agent) holds reads like their own.
  {
    route: "GET /api/customers/:id",
    what: "a Shanghai customer the person (their agent) holds an open item for",
    request: async (r) => ({ method: "GET", path: `/api/customers/${(await heldForeign(r)).customerId}` }),
    expect: customerRead
  },
  {
    route: "GET /api/customers/:id/calls",
    what: "a Shanghai customer the person (their agent) holds an open item for",
    request: async (r) => ({ method: "GET", path: `/api/customers/${(await heldForeign(r)).customerId}/calls` }),
    expect: customerRead
  },
  {
    route: "POST /api/calls",
    what: "an item the person holds for a Shanghai customer",
    request: async (r) => {
      const { customerId, itemId } = await heldForeign(r)
      return { method: "POST", path: "/api/calls", body: { customerId, itemIds: [itemId], disposition: "completed", complete: true }, target: { customerId } }
    },
    expect: [200, 200, 200, 403, 404],
    check: (_r, a) => expect(a.body.items[0].state).toBe("completed")
  },
  {
    route: "PATCH /api/customers/:id",
    what: "own customer's region (customer.move-region: only an admin over both regions)",
    request: async (r) => {
      const { customerId } = await mine(r)
      return { method: "PATCH", path: `/api/customers/${customerId}`, body: { patch: { region: "shanghai" }, expectedVersion: 1 }, target: { customerId } }
    },
    expect: [403, 403, 403, 403, 404]
  },
  {
    route: "PATCH /api/customers/:id",
    what: "own customer",
    request: async (r) => {
      const { customerId } = await mine(r)
      return { method: "PATCH", path: `/api/customers/${customerId}`, body: { patch: { tier: "gold" }, expectedVersion: 1 }, target: { customerId } }
    },
    expect: [403, 200, 200, 403, 404],
    check: (_r, a) => expect(a.body.tier).toBe("gold")
  },
  // Work
  {
    route: "POST /api/calls",
    what: "own item, with a draft response",
    request: async (r) => {
      const { customerId, itemId } = await mine(r)
      return { method: "POST", path: "/api/calls", body: { customerId, itemIds: [itemId], disposition: "completed", complete: true }, target: { customerId } }
    },
    expect: [200, 200, 200, 403, 404],
    check: (_r, a) => expect(a.body.items[0].state).toBe("completed")
  },
  {
    route: "POST /api/work-items/:id/responses",
    what: "own item",
    request: async (r) => {
      const { customerId, itemId } = await mine(r)
      return { method: "POST", path: `/api/work-items/${itemId}/responses`, body: { answers: { reached: "yes" }, completed: false }, target: { customerId } }
    },
    expect: [200, 200, 200, 403, 404]
  },
  {
    route: "POST /api/work-items/:id/attachments",
    what: "own item",
    request: async (r) => {
      const { customerId, itemId } = await mine(r)
      return { method: "POST", path: `/api/work-items/${itemId}/attachments`, body: { kind: "recording", uri: "s3://rec/1.mp3" }, target: { customerId } }
    },
    expect: [200, 200, 200, 403, 404]
  },
  {
    route: "POST /api/appointments",
    what: "own customer",
    request: async (r) => {
      const { customerId } = await mine(r)
      return { method: "POST", path: "/api/appointments", body: { customerId, at: "2026-11-26T09:30:00.000Z", channel: "phone" }, target: { customerId } }
    },
    expect: [201, 201, 201, 403, 404]
  },
  ...(["cancel", "done"] as const).map(
    (action): Case => ({
      route: `POST /api/appointments/:id/${action}`,
      what: "own appointment",
      request: async (r) => {
        const { customerId } = await mine(r)
        const id = await appointmentOf(ownerOf(r).managerId, customerId)
        return { method: "POST", path: `/api/appointments/${id}/${action}`, target: { customerId } }
      },
      expect: [200, 200, 200, 403, 404]
    })
  ),
  {
    route: "POST /api/dnd",
    what: "own customer (the director as the region's admin keeps DND lists)",
    request: async (r) => {
      const { customerId } = await mine(r)
      return { method: "POST", path: "/api/dnd", body: { customerId, channel: "sms", reason: "asked not to be texted" }, target: { customerId } }
    },
    expect: [201, 201, 201, 201, 404]
  },
  ...([false, true] as const).map(
    (check): Case => ({
      route: check ? "POST /api/dnd/import/check" : "POST /api/dnd/import",
      what: "a DND list naming an own customer (agents keep their own customers' DND; the approver none)",
      request: async (r) => {
        const { customerId } = await mine(r)
        return { method: "POST", path: check ? "/api/dnd/import/check" : "/api/dnd/import", body: `customer_id,channels,reason\n${customerId},email;letter,asked by letter\n`, contentType: "text/csv", target: { customerId } }
      },
      expect: [200, 200, 200, 200, 403],
      check: (_r, a) => expect(a.body).toMatchObject({ entries: 2, problems: [], applied: !check }),
      ...(check ? { readOnly: true as const } : {})
    })
  ),
  {
    route: "DELETE /api/customers/:id/dnd/:entryId",
    what: "an entry an agent set on own customer",
    request: async (r) => {
      const { customerId } = await mine(r)
      const entryId = await dndEntryOf(customerId)
      return { method: "DELETE", path: `/api/customers/${customerId}/dnd/${entryId}`, body: { reason: "set by mistake" }, target: { customerId } }
    },
    expect: [200, 200, 200, 200, 404],
    check: (_r, a) => expect(a.body.removedAt).toEqual(expect.any(String))
  },
  {
    route: "POST /api/offer-uses",
    what: "own item",
    request: async (r) => {
      const { customerId, itemId } = await mine(r)
      return { method: "POST", path: "/api/offer-uses", body: { workItemId: itemId, offerId: "of-bonus-20", accepted: true }, target: { customerId } }
    },
    expect: [201, 201, 201, 403, 404]
  },
  {
    route: "POST /api/offer-uses/:id/decision",
    what: "an offer use awaiting a decision on own team's item (the district leader proposed theirs: maker-checker)",
    request: async (r) => {
      const { customerId, itemId } = await mine(r)
      const useId = await pendingOfferUse(ownerOf(r).managerId, itemId)
      return { method: "POST", path: `/api/offer-uses/${useId}/decision`, body: { customerId, decision: "approved" }, target: { customerId } }
    },
    expect: [403, 200, 403, 403, 404]
  },
  {
    route: "POST /api/allocation/customers",
    what: "own customer to a colleague (district leader: back to the pool)",
    request: async (r) => {
      const { customerId } = await mine(r)
      return { method: "POST", path: "/api/allocation/customers", body: { ids: [customerId], to: r === "districtLeader" ? null : colleague }, target: { customerId } }
    },
    expect: [403, 200, 200, 403, 404]
  },
  {
    route: "POST /api/allocation/work-items",
    what: "own item to a colleague (district leader: reclaimed)",
    request: async (r) => {
      const { customerId, itemId } = await mine(r)
      return { method: "POST", path: "/api/allocation/work-items", body: { ids: [itemId], to: r === "districtLeader" ? null : colleague }, target: { customerId } }
    },
    expect: [403, 200, 200, 403, 404]
  },
  {
    route: "POST /api/allocation/work-items",
    what: "a pool item of own team to a colleague (district leader: to themselves)",
    request: async (r) => {
      const itemId = await poolItem(ownerOf(r).teamId)
      return { method: "POST", path: "/api/allocation/work-items", body: { ids: [itemId], to: r === "districtLeader" ? demoLogins.districtLeader : colleague }, target: { itemId } }
    },
    expect: [404, 200, 200, 403, 404],
    check: (r, a) => expect(a.body.changed[0].assigneeId).toBe(r === "districtLeader" ? demoLogins.districtLeader : colleague)
  },
  {
    route: "GET /api/work-pool",
    what: "the pool of own team (district leader: the district team)",
    request: async (r) => {
      const teamId = ownerOf(r).teamId
      const itemId = await poolItem(teamId)
      return { method: "GET", path: `/api/work-pool?teamId=${teamId}&limit=200`, target: { itemId } }
    },
    expect: [403, 200, 200, 200, 403],
    check: (r, a) => {
      expect(a.body.items.length).toBeGreaterThan(0)
      expect(a.body.items.every((i: { assigneeId: unknown; teamId: string; state: string }) => i.assigneeId === null && i.teamId === ownerOf(r).teamId && i.state !== "completed")).toBe(true)
    }
  },
  // People
  {
    route: "GET /api/managers/:id",
    what: "the agent (agent and approver: themselves)",
    request: async (r) => ({ method: "GET", path: `/api/managers/${r === "approver" ? demoLogins.approver : demoLogins.agent}` }),
    expect: same(200)
  },
  { route: "GET /api/teams/:id/members", what: "the agent's squad", request: async () => ({ method: "GET", path: `/api/teams/${squad}/members` }), expect: [403, 200, 200, 200, 403] },
  { route: "GET /api/managers", what: "own team", request: async () => ({ method: "GET", path: "/api/managers" }), expect: [403, 200, 200, 200, 403] },
  // Team administration: the leaders administer the squad (the district leader from above), the director the region
  { route: "GET /api/org/reach", what: "the caller's administered teams", request: async () => ({ method: "GET", path: "/api/org/reach" }), expect: same(200) },
  { route: "GET /api/org/managers", what: "managers in reach", request: async () => ({ method: "GET", path: "/api/org/managers?q=beijing" }), expect: same(200) },
  { route: "POST /api/teams", what: "a team under the squad", request: async () => ({ method: "POST", path: "/api/teams", body: { parentId: squad, name: `mx team ${++seq}`, adminId: demoLogins.teamLeader } }), expect: [403, 201, 201, 201, 403] },
  { route: "PATCH /api/teams/:id", what: "a team under the squad", request: async () => ({ method: "PATCH", path: `/api/teams/${await freshTeam()}`, body: { name: `renamed ${++seq}` } }), expect: [403, 200, 200, 200, 403] },
  { route: "PUT /api/teams/:id/admin", what: "a team under the squad", request: async () => ({ method: "PUT", path: `/api/teams/${await freshTeam()}/admin`, body: { adminId: colleague } }), expect: [403, 200, 200, 200, 403] },
  { route: "PUT /api/managers/:id/team", what: "a squad member into a team under the squad", request: async () => ({ method: "PUT", path: `/api/managers/${await freshMember()}/team`, body: { teamId: await freshTeam() } }), expect: [403, 200, 200, 200, 403] },
  { route: "PUT /api/managers/:id/roles", what: "a squad member", request: async () => ({ method: "PUT", path: `/api/managers/${await freshMember()}/roles`, body: { roles: ["agent", "team-leader"] } }), expect: [403, 200, 200, 200, 403] },
  { route: "PUT /api/managers/:id/roles", what: "a Shanghai agent", request: async () => ({ method: "PUT", path: `/api/managers/${shAgent.id}/roles`, body: { roles: ["team-leader"] } }), expect: same(403) },
  { route: "PUT /api/managers/:id/active", what: "a squad member", request: async () => ({ method: "PUT", path: `/api/managers/${await freshMember()}/active`, body: { active: false } }), expect: [403, 200, 200, 200, 403] },
  {
    route: "POST /api/rules/preview",
    what: "a rule before saving",
    request: async () => ({ method: "POST", path: "/api/rules/preview", body: { rule: { ruleId: "mx-preview", name: "Bill drop", templateId: "bill-drop" } } }),
    expect: [403, 200, 200, 200, 403],
    readOnly: true
  },
  // Tasks
  { route: "GET /api/tasks/:id", what: "an active task", request: async () => ({ method: "GET", path: "/api/tasks/demo-retention-bill-drop" }), expect: [200, 200, 200, 200, 404] },
  { route: "GET /api/tasks/:id/preview", what: "a task awaiting approval", request: async () => ({ method: "GET", path: `/api/tasks/${await pendingAlertTask()}/preview` }), expect: [403, 200, 200, 200, 200] },
  { route: "GET /api/tasks/:id", what: "a draft (not visible to agents or the approver)", request: async () => ({ method: "GET", path: `/api/tasks/${await draftBy(shDirector.id)}` }), expect: [404, 200, 200, 200, 404] },
  {
    route: "POST /api/tasks",
    what: "a manual task draft",
    request: async () => ({ method: "POST", path: "/api/tasks", body: { ...manualTask, name: "matrix draft" } }),
    expect: [403, 201, 201, 201, 403],
    check: (r, a) => expect(a.body).toMatchObject({ status: "draft", authorId: people[r] })
  },
  {
    route: "PATCH /api/tasks/:id",
    what: "own draft (agent, approver: the director's)",
    request: async (r) => {
      const id = await draftBy(r === "agent" || r === "approver" ? demoLogins.director : people[r])
      return { method: "PATCH", path: `/api/tasks/${id}`, body: { patch: { urgency: 3 }, expectedVersion: 1 }, target: { taskId: id } }
    },
    expect: [403, 200, 200, 200, 403]
  },
  {
    route: "POST /api/tasks/:id/submit",
    what: "own draft (agent, approver: the director's)",
    request: async (r) => {
      const id = await draftBy(r === "agent" || r === "approver" ? demoLogins.director : people[r])
      return { method: "POST", path: `/api/tasks/${id}/submit`, target: { taskId: id } }
    },
    expect: [403, 200, 200, 200, 403]
  },
  ...(["approve", "reject"] as const).map(
    (action): Case => ({
      route: `POST /api/tasks/:id/${action}`,
      what: "a task awaiting approval",
      request: async () => {
        const id = await pendingTask()
        return { method: "POST", path: `/api/tasks/${id}/${action}`, body: { comment: "read the dry run" }, target: { taskId: id } }
      },
      expect: [403, 403, 403, 403, 200]
    })
  ),
  ...(["pause", "close"] as const).map(
    (action): Case => ({
      route: `POST /api/tasks/:id/${action}`,
      what: "an active task of their own tree (agent, approver: the director's)",
      request: async (r) => {
        const id = await activeTaskBy(r === "agent" || r === "approver" ? demoLogins.director : people[r])
        return { method: "POST", path: `/api/tasks/${id}/${action}`, target: { taskId: id } }
      },
      expect: [403, 200, 200, 200, 403]
    })
  ),
  {
    route: "POST /api/tasks/:id/resume",
    what: "a paused task of their own tree (agent, approver: the director's)",
    request: async (r) => {
      const author = r === "agent" || r === "approver" ? demoLogins.director : people[r]
      const id = await activeTaskBy(author)
      await server.winback.as(author).tasks.pause(id)
      return { method: "POST", path: `/api/tasks/${id}/resume`, target: { taskId: id } }
    },
    expect: [403, 200, 200, 200, 403]
  },
  {
    route: "POST /api/tasks/:id/import",
    what: "own customer into an active manual task",
    request: async (r) => {
      const id = await activeTask()
      const { customerId } = await mine(r)
      return { method: "POST", path: `/api/tasks/${id}/import`, body: `${customerId},${ownerOf(r).managerId}\n`, contentType: "text/csv", target: { customerId, taskId: id } }
    },
    expect: [403, 200, 200, 200, 403]
  },
  // Rules, extraction, groups
  {
    route: "POST /api/rules",
    what: "a rule draft from the catalogue",
    request: async () => ({ method: "POST", path: "/api/rules", body: { ruleId: `mx-rule-${++seq}`, name: "Bill drop", templateId: "bill-drop" } }),
    expect: [403, 201, 201, 201, 403]
  },
  { route: "POST /api/extractions/plan", what: "a plan of every due task", request: async () => ({ method: "POST", path: "/api/extractions/plan", body: { asOf } }), expect: [403, 200, 200, 200, 403], readOnly: true },
  {
    route: "POST /api/groups",
    what: "a group of own customers",
    request: async (r) => ({ method: "POST", path: "/api/groups", body: { name: "mx", validFrom: asOf, validUntil: "2026-12-31", customerIds: [(await mine(r)).customerId] } }),
    expect: [403, 201, 201, 201, 403]
  },
  ...(["submit"] as const).map(
    (action): Case => ({
      route: `POST /api/rules/:id/${action}`,
      what: "own rule draft (agent, approver: the director's)",
      request: async (r) => {
        const id = await ruleDraftBy(r === "agent" || r === "approver" ? demoLogins.director : people[r])
        return { method: "POST", path: `/api/rules/${encodeURIComponent(id)}/${action}` }
      },
      expect: [403, 200, 200, 200, 403]
    })
  ),
  ...(["approve", "reject"] as const).map(
    (action): Case => ({
      route: `POST /api/rules/:id/${action}`,
      what: "a rule awaiting approval",
      request: async () => {
        const id = await ruleDraftBy(demoLogins.director)
        await server.winback.as(demoLogins.director).rules.submit(id)
        return { method: "POST", path: `/api/rules/${encodeURIComponent(id)}/${action}`, body: action === "reject" ? { reason: "too broad" } : {} }
      },
      expect: [403, 403, 403, 403, 200]
    })
  ),
  ...(["retire", "revise"] as const).map(
    (action): Case => ({
      route: `POST /api/rules/:id/${action}`,
      what: "an approved rule",
      request: async () => ({ method: "POST", path: `/api/rules/${encodeURIComponent(await approvedRule())}/${action}` }),
      expect: [403, 200, 200, 200, 403]
    })
  ),
  {
    route: "GET /api/rules/:id/preview",
    what: "a rule awaiting approval",
    request: async () => {
      const id = await ruleDraftBy(demoLogins.director)
      await server.winback.as(demoLogins.director).rules.submit(id)
      return { method: "GET", path: `/api/rules/${encodeURIComponent(id)}/preview` }
    },
    expect: [403, 200, 200, 200, 200]
  },
  {
    route: "GET /api/groups/:id/members",
    what: "a group of the agent's customers",
    request: async () => {
      const { customerId } = await mine("agent")
      const g = await server.winback.as(demoLogins.director).groups.create({ name: `g ${++seq}`, validFrom: asOf, validUntil: "2026-12-31", customerIds: [customerId] })
      return { method: "GET", path: `/api/groups/${g.group.id}/members` }
    },
    expect: [403, 200, 200, 200, 403]
  },
  // Audit
  {
    route: "POST /api/audit/notes",
    what: "a note (about own customer; the approver: a general note)",
    request: async (r) => ({ method: "POST", path: "/api/audit/notes", body: r === "approver" ? { note: "general" } : { note: "asked for a copy", customerId: (await mine(r)).customerId } }),
    expect: [201, 201, 201, 201, 201]
  },
  { route: "GET /api/audit/verify", what: "the chain", request: async () => ({ method: "GET", path: "/api/audit/verify" }), expect: [403, 200, 200, 200, 403], check: (_r, a) => expect(a.body.ok).toBe(true) },
  // Login lockouts: lifted by the agent's leaders and admins
  {
    route: "POST /api/managers/:id/login-reset",
    what: "lift the agent's login lockout",
    request: async () => ({ method: "POST", path: `/api/managers/${demoLogins.agent}/login-reset` }),
    expect: [404, 200, 200, 200, 404]
  },
  // API keys
  { route: "GET /api/api-keys", what: "keys the person manages", request: async () => ({ method: "GET", path: "/api/api-keys" }), expect: [403, 200, 200, 200, 403] },
  { route: "POST /api/api-keys", what: "a key acting as themselves", request: async (r) => ({ method: "POST", path: "/api/api-keys", body: { name: "mx", managerId: people[r] } }), expect: [403, 201, 201, 201, 403] },
  {
    route: "DELETE /api/api-keys/:id",
    what: "a key they created (agent, approver: the director's)",
    request: async (r) => {
      const by = r === "agent" || r === "approver" ? demoLogins.director : people[r]
      const { info } = await server.auth.createApiKey({ name: "mx", managerId: by }, by)
      return { method: "DELETE", path: `/api/api-keys/${info.id}` }
    },
    expect: [403, 200, 200, 200, 403]
  },
  // The leader's desk, the director's overview, reminders and SMS templates (this session's screens)
  // The district leader reads the squad's people and items (director routes) but not its pool, which its leader and the region's admin hold.
  { route: "GET /api/team-work", what: "the squad's work", request: async () => ({ method: "GET", path: `/api/team-work?teamId=${squad}` }), expect: [403, 200, 403, 200, 403] },
  { route: "GET /api/offer-uses/pending", what: "offer uses awaiting a decision in reach", request: async () => ({ method: "GET", path: "/api/offer-uses/pending" }), expect: same(200) },
  { route: "GET /api/groups", what: "groups in reach", request: async () => ({ method: "GET", path: "/api/groups" }), expect: [403, 200, 200, 200, 403] },
  {
    route: "POST /api/groups/:id/members",
    what: "own customers into a group of the agent's customers",
    request: async (r) => {
      const g = await server.winback.as(demoLogins.director).groups.create({ name: `g ${++seq}`, validFrom: asOf, validUntil: "2026-12-31", customerIds: [(await mine("agent")).customerId] })
      return { method: "POST", path: `/api/groups/${g.group.id}/members`, body: { customerIds: [(await mine(r)).customerId], expectedVersion: g.group.version } }
    },
    expect: [403, 200, 200, 200, 403]
  },
  {
    route: "POST /api/groups/:id/campaign-task",
    what: "a group of own customers in a campaign task",
    request: async (r) => {
      const g = await server.winback.as(demoLogins.director).groups.create({ name: `g ${++seq}`, validFrom: asOf, validUntil: "2026-12-31", customerIds: [(await mine(r)).customerId] })
      return { method: "POST", path: `/api/groups/${g.group.id}/campaign-task`, body: { name: `campaign ${seq}`, channel: "phone", startsOn: asOf, expiresOn: "2026-12-31" } }
    },
    expect: [403, 201, 201, 201, 403]
  },
  { route: "GET /api/tasks/:id/preview/split", what: "a task awaiting approval", request: async () => ({ method: "GET", path: `/api/tasks/${await pendingAlertTask()}/preview/split` }), expect: [403, 200, 200, 200, 200] },
  { route: "GET /api/director/people", what: "the squad's people", request: async () => ({ method: "GET", path: `/api/director/people?teamId=${squad}` }), expect: [404, 200, 200, 200, 404] },
  { route: "GET /api/director/work-items", what: "the squad's items", request: async () => ({ method: "GET", path: `/api/director/work-items?teamId=${squad}` }), expect: [404, 200, 200, 200, 404] },
  {
    route: "POST /api/appointments/:id/reschedule",
    what: "own appointment",
    request: async (r) => {
      const { customerId } = await mine(r)
      const id = await appointmentOf(ownerOf(r).managerId, customerId)
      return { method: "POST", path: `/api/appointments/${id}/reschedule`, body: { at: "2026-11-27T09:00:00.000Z" }, target: { customerId } }
    },
    expect: [200, 200, 200, 403, 404]
  },
  {
    route: "POST /api/reminders/:id/acknowledge",
    what: "the reminder of an appointment of own customer (only the booking agent acknowledges: the leaders' are their agents')",
    request: async (r) => {
      const { customerId } = await mine(r)
      const id = await appointmentOf(ownerOf(r).managerId, customerId)
      return { method: "POST", path: `/api/reminders/${id}/acknowledge`, target: { customerId } }
    },
    expect: [200, 403, 200, 403, 404]
  },
  { route: "POST /api/sms/templates/check", what: "a template text", request: async () => ({ method: "POST", path: "/api/sms/templates/check", body: { text: "尊敬的{{name}}，您好" } }), expect: same(200), readOnly: true },
  // SMS templates belong to teams: each admin writes their own team's (and their subtree's); the center's are the root admin's.
  {
    route: "PUT /api/sms/templates/:id",
    what: "a new template of their own team",
    request: async () => ({ method: "PUT", path: `/api/sms/templates/mx-${++seq}`, body: { name: `mx ${seq}`, text: "Dear {{name}}" } }),
    expect: [403, 200, 200, 200, 403],
    check: (r, a) => expect(a.body.teamId).toBe(r === "director" ? "t-beijing" : r === "districtLeader" ? district : squad)
  },
  {
    route: "PUT /api/sms/templates/:id",
    what: "a change of the center's template (the leaders' ancestor's: usable, not theirs to change)",
    request: () => smsTemplateChange(demoLogins.director),
    expect: [403, 403, 403, 200, 403]
  },
  {
    route: "DELETE /api/sms/templates/:id",
    what: "archive a template of their own team (agent, approver: the center's)",
    request: async (r) => ({ method: "DELETE", path: `/api/sms/templates/${(await smsTemplateBy(r === "agent" || r === "approver" ? demoLogins.director : people[r])).id}` }),
    expect: [403, 200, 200, 200, 403]
  }
]

/** Requests about records outside every Beijing person's scope. */
const outOfScope: ReadonlyArray<Case> = [
  ...(["", "/usage", "/work", "/calls", "/dnd", "/offer-uses"] as const).map(
    (tail): Case => ({
      route: `GET /api/customers/:id${tail}`,
      what: "a Shanghai customer",
      request: async () => ({ method: "GET", path: `/api/customers/${(await theirs()).customerId}${tail}` }),
      expect: same(404)
    })
  ),
  { route: "GET /api/work-items/:id", what: "a Shanghai item", request: async () => ({ method: "GET", path: `/api/work-items/${(await theirs()).itemId}` }), expect: same(404) },
  { route: "GET /api/work-items/:id/questionnaire", what: "a Shanghai item", request: async () => ({ method: "GET", path: `/api/work-items/${(await theirs()).itemId}/questionnaire` }), expect: same(404) },
  // The agent screen's routes (agent.test.ts covers them in scope): nothing says a Shanghai item exists, nothing is stored for it.
  ...(["reasons", "attachments/0"] as const).map((tail): Case => ({ route: `GET /api/work-items/:id/${tail === "reasons" ? tail : "attachments/:index"}`, what: "a Shanghai item", request: async () => ({ method: "GET", path: `/api/work-items/${(await theirs()).itemId}/${tail}` }), expect: same(404) })),
  {
    route: "POST /api/work-items/:id/attachments/upload",
    what: "a Shanghai item",
    request: async () => {
      const { customerId, itemId } = await theirs()
      return { method: "POST", path: `/api/work-items/${itemId}/attachments/upload?kind=other&name=notes.txt`, body: "call notes", contentType: "text/plain", target: { customerId, itemId } }
    },
    expect: same(404)
  },
  {
    route: "PATCH /api/customers/:id",
    what: "a Shanghai customer",
    request: async () => {
      const { customerId } = await theirs()
      return { method: "PATCH", path: `/api/customers/${customerId}`, body: { patch: { tier: "gold" }, expectedVersion: 1 }, target: { customerId } }
    },
    expect: same(404)
  },
  {
    route: "POST /api/calls",
    what: "a Shanghai item",
    request: async () => {
      const { customerId, itemId } = await theirs()
      return { method: "POST", path: "/api/calls", body: { customerId, itemIds: [itemId], disposition: "completed", complete: true, responses: [{ workItemId: itemId, answers: { reached: "yes" }, completed: false }] }, target: { customerId } }
    },
    expect: same(404)
  },
  {
    route: "POST /api/work-items/:id/responses",
    what: "a Shanghai item",
    request: async () => {
      const { customerId, itemId } = await theirs()
      return { method: "POST", path: `/api/work-items/${itemId}/responses`, body: { answers: { reached: "yes" }, completed: false }, target: { customerId } }
    },
    expect: same(404)
  },
  {
    route: "POST /api/work-items/:id/attachments",
    what: "a Shanghai item",
    request: async () => {
      const { customerId, itemId } = await theirs()
      return { method: "POST", path: `/api/work-items/${itemId}/attachments`, body: { kind: "recording", uri: "s3://x" }, target: { customerId } }
    },
    expect: same(404)
  },
  {
    route: "POST /api/appointments",
    what: "a Shanghai customer",
    request: async () => {
      const { customerId } = await theirs()
      return { method: "POST", path: "/api/appointments", body: { customerId, at: "2026-11-26T09:30:00.000Z", channel: "phone" }, target: { customerId } }
    },
    expect: same(404)
  },
  ...(["cancel", "done"] as const).map(
    (action): Case => ({
      route: `POST /api/appointments/:id/${action}`,
      what: "a Shanghai appointment",
      request: async () => {
        const { customerId } = await theirs()
        const id = await appointmentOf(shAgent.id, customerId)
        return { method: "POST", path: `/api/appointments/${id}/${action}`, target: { customerId } }
      },
      expect: same(404)
    })
  ),
  {
    route: "POST /api/dnd",
    what: "a Shanghai customer",
    request: async () => {
      const { customerId } = await theirs()
      return { method: "POST", path: "/api/dnd", body: { customerId, channel: "sms", reason: "x" }, target: { customerId } }
    },
    expect: same(404)
  },
  {
    route: "POST /api/dnd/import",
    what: "a DND list naming a Shanghai customer (reported out of scope, nothing written)",
    request: async () => {
      const { customerId } = await theirs()
      return { method: "POST", path: "/api/dnd/import", body: `customer_id,channels,reason\n${customerId},sms,x\n`, contentType: "text/csv", target: { customerId } }
    },
    expect: [400, 400, 400, 400, 403]
  },
  // The check of such a list answers 200 with the line reported out-of-scope (dnd-lists.test.ts).
  {
    route: "DELETE /api/customers/:id/dnd/:entryId",
    what: "an entry of a Shanghai customer",
    request: async () => {
      const { customerId } = await theirs()
      const entryId = await dndEntryOf(customerId)
      return { method: "DELETE", path: `/api/customers/${customerId}/dnd/${entryId}`, body: { reason: "x" }, target: { customerId } }
    },
    expect: same(404)
  },
  {
    route: "POST /api/offer-uses",
    what: "a Shanghai item",
    request: async () => {
      const { customerId, itemId } = await theirs()
      return { method: "POST", path: "/api/offer-uses", body: { workItemId: itemId, offerId: "of-bonus-20", accepted: true }, target: { customerId } }
    },
    expect: same(404)
  },
  {
    route: "POST /api/offer-uses/:id/decision",
    what: "a Shanghai offer use",
    request: async () => {
      const { customerId, itemId } = await theirs()
      const useId = await pendingOfferUse(shAgent.id, itemId)
      return { method: "POST", path: `/api/offer-uses/${useId}/decision`, body: { customerId, decision: "approved" }, target: { customerId } }
    },
    expect: same(404)
  },
  {
    route: "POST /api/allocation/customers",
    what: "a Shanghai customer to the agent",
    request: async () => {
      const { customerId } = await theirs()
      return { method: "POST", path: "/api/allocation/customers", body: { ids: [customerId], to: demoLogins.agent }, target: { customerId } }
    },
    expect: same(404)
  },
  {
    route: "GET /api/work-pool",
    what: "the pool of a Shanghai team",
    request: async () => {
      const itemId = await poolItem(shAgent.teamId!, "shanghai")
      return { method: "GET", path: `/api/work-pool?teamId=${shAgent.teamId}`, target: { itemId } }
    },
    expect: same(403)
  },
  {
    route: "POST /api/allocation/work-items",
    what: "a Shanghai pool item to the agent",
    request: async () => {
      const itemId = await poolItem(shAgent.teamId!, "shanghai")
      return { method: "POST", path: "/api/allocation/work-items", body: { ids: [itemId], to: demoLogins.agent }, target: { itemId } }
    },
    expect: same(404)
  },
  {
    route: "POST /api/allocation/work-items",
    what: "a Shanghai item to the agent",
    request: async () => {
      const { customerId, itemId } = await theirs()
      return { method: "POST", path: "/api/allocation/work-items", body: { ids: [itemId], to: demoLogins.agent }, target: { customerId } }
    },
    expect: same(404)
  },
  { route: "POST /api/customers/:id/dial", what: "a Shanghai customer", request: async () => ({ method: "POST", path: `/api/customers/${(await theirs()).customerId}/dial` }), expect: same(404) },
  { route: "GET /api/managers/:id", what: "a Shanghai agent", request: async () => ({ method: "GET", path: `/api/managers/${shAgent.id}` }), expect: same(404) },
  { route: "GET /api/teams/:id/members", what: "a Shanghai squad", request: async () => ({ method: "GET", path: `/api/teams/${shAgent.teamId}/members` }), expect: same(403) },
  { route: "GET /api/managers", what: "a Shanghai squad", request: async () => ({ method: "GET", path: `/api/managers?teamId=${shAgent.teamId}` }), expect: same(403) },
  {
    route: "GET /api/customers/:id",
    what: "a Shanghai customer whose item the person held, now completed",
    request: async (r) => {
      const { customerId, itemId } = await heldForeign(r)
      await server.winback.stores.workItems.update({ ...(await server.winback.stores.workItems.get(itemId)), state: "completed" }, 1)
      return { method: "GET", path: `/api/customers/${customerId}` }
    },
    expect: same(404)
  },
  ...(["pause", "close"] as const).map(
    (action): Case => ({
      route: `POST /api/tasks/:id/${action}`,
      what: "the Shanghai director's active task",
      request: async () => {
        const id = await activeTaskBy(shDirector.id)
        return { method: "POST", path: `/api/tasks/${id}/${action}`, target: { taskId: id } }
      },
      expect: same(403)
    })
  ),
  {
    route: "POST /api/tasks/:id/resume",
    what: "the Shanghai director's paused task",
    request: async () => {
      const id = await activeTaskBy(shDirector.id)
      await server.winback.as(shDirector.id).tasks.pause(id)
      return { method: "POST", path: `/api/tasks/${id}/resume`, target: { taskId: id } }
    },
    expect: same(403)
  },
  {
    route: "PATCH /api/tasks/:id",
    what: "the Shanghai director's draft",
    request: async () => {
      const id = await draftBy(shDirector.id)
      return { method: "PATCH", path: `/api/tasks/${id}`, body: { patch: { urgency: 3 }, expectedVersion: 1 }, target: { taskId: id } }
    },
    expect: same(403)
  },
  {
    route: "POST /api/tasks/:id/submit",
    what: "the Shanghai director's draft",
    request: async () => {
      const id = await draftBy(shDirector.id)
      return { method: "POST", path: `/api/tasks/${id}/submit`, target: { taskId: id } }
    },
    expect: same(403)
  },
  {
    route: "POST /api/groups",
    what: "a group naming a Shanghai customer",
    request: async () => ({ method: "POST", path: "/api/groups", body: { name: "mx", validFrom: asOf, validUntil: "2026-12-31", customerIds: [(await theirs()).customerId] } }),
    expect: [403, 400, 400, 400, 403]
  },
  {
    route: "POST /api/tasks/:id/import",
    what: "a Shanghai customer into an active manual task",
    request: async () => {
      const id = await activeTask()
      const { customerId } = await theirs()
      return { method: "POST", path: `/api/tasks/${id}/import`, body: `${customerId},${shAgent.id}\n`, contentType: "text/csv", target: { customerId, taskId: id } }
    },
    expect: [403, 400, 400, 400, 403]
  },
  {
    route: "POST /api/audit/notes",
    what: "a note about a Shanghai customer",
    request: async () => {
      const { customerId } = await theirs()
      return { method: "POST", path: "/api/audit/notes", body: { note: "x", customerId }, target: { customerId } }
    },
    expect: same(404)
  },
  { route: "POST /api/managers/:id/login-reset", what: "lift a Shanghai agent's login lockout", request: async () => ({ method: "POST", path: `/api/managers/${shAgent.id}/login-reset` }), expect: same(404) },
  { route: "POST /api/api-keys", what: "a key acting as a Shanghai agent", request: async () => ({ method: "POST", path: "/api/api-keys", body: { name: "x", managerId: shAgent.id } }), expect: same(403) },
  {
    route: "DELETE /api/api-keys/:id",
    what: "the Shanghai director's key",
    request: async () => {
      const { info } = await server.auth.createApiKey({ name: "sh", managerId: shDirector.id }, shDirector.id)
      return { method: "DELETE", path: `/api/api-keys/${info.id}` }
    },
    expect: [403, 404, 404, 404, 403]
  },
  // This session's screens: another region's team, appointment, reminder or customer
  { route: "GET /api/team-work", what: "a Shanghai team's work", request: async () => ({ method: "GET", path: `/api/team-work?teamId=${shDirector.teamId}` }), expect: same(403) },
  { route: "GET /api/director/people", what: "a Shanghai team's people", request: async () => ({ method: "GET", path: `/api/director/people?teamId=${shDirector.teamId}` }), expect: same(404) },
  { route: "GET /api/director/work-items", what: "a Shanghai team's items", request: async () => ({ method: "GET", path: `/api/director/work-items?teamId=${shDirector.teamId}` }), expect: same(404) },
  ...(["appointments/:id/reschedule", "reminders/:id/acknowledge"] as const).map(
    (route): Case => ({
      route: `POST /api/${route}`,
      what: "a Shanghai appointment",
      request: async () => {
        const { customerId } = await theirs()
        const id = await appointmentOf(shAgent.id, customerId)
        return { method: "POST", path: `/api/${route.replace(":id", id)}`, ...(route.startsWith("appointments") ? { body: { at: "2026-11-27T09:00:00.000Z" } } : {}), target: { customerId } }
      },
      expect: same(404)
    })
  ),
  {
    route: "POST /api/groups/:id/campaign-task",
    what: "a group of Shanghai customers",
    request: async () => {
      const { customerId } = await theirs()
      const g = await server.winback.as(shDirector.id).groups.create({ name: `g ${++seq}`, validFrom: asOf, validUntil: "2026-12-31", customerIds: [customerId] })
      return { method: "POST", path: `/api/groups/${g.group.id}/campaign-task`, body: { name: `campaign ${seq}`, channel: "phone", startsOn: asOf, expiresOn: "2026-12-31" }, target: { customerId } }
    },
    expect: [403, 404, 404, 404, 403]
  },
  {
    route: "POST /api/groups/:id/members",
    what: "a Shanghai customer into a group of the agent's customers",
    request: async () => {
      const g = await server.winback.as(demoLogins.director).groups.create({ name: `g ${++seq}`, validFrom: asOf, validUntil: "2026-12-31", customerIds: [(await mine("agent")).customerId] })
      const { customerId } = await theirs()
      return { method: "POST", path: `/api/groups/${g.group.id}/members`, body: { customerIds: [customerId], expectedVersion: g.group.version }, target: { customerId } }
    },
    expect: [403, 400, 400, 400, 403]
  },
  // Another region's SMS templates: as unknown ids to those who write templates (the others hold no grant: 403)
  {
    route: "PUT /api/sms/templates/:id",
    what: "a change of a Shanghai template",
    request: () => smsTemplateChange(shDirector.id),
    expect: [403, 404, 404, 404, 403]
  },
  { route: "DELETE /api/sms/templates/:id", what: "archive a Shanghai template", request: async () => ({ method: "DELETE", path: `/api/sms/templates/${(await smsTemplateBy(shDirector.id)).id}` }), expect: [403, 404, 404, 404, 403] }
]

/** Lists: everyone may ask; what comes back never holds a Shanghai record. */
const lists: ReadonlyArray<{ route: string; path: string; expect: Row; outside: (body: any, heldByBeijing: ReadonlySet<string>) => boolean }> = [
  // A Shanghai customer shows only while someone in Beijing holds open work for it (the cases above hand some out).
  { route: "GET /api/customers", path: "/api/customers?limit=200", expect: same(200), outside: (b, held) => b.items.some((c: Customer) => c.region === "shanghai" && !held.has(c.id)) },
  { route: "GET /api/work-items", path: "/api/work-items?limit=200", expect: same(200), outside: (b) => b.items.some((i: { assigneeId: string }) => i.assigneeId === shAgent.id) },
  { route: "GET /api/work-list/customers", path: `/api/work-list/customers?limit=200`, expect: same(200), outside: (b) => JSON.stringify(b).includes(shAgent.id) },
  { route: "GET /api/work-list/tasks", path: "/api/work-list/tasks", expect: [200, 200, 200, 200, 403], outside: () => false },
  { route: "GET /api/work-pool", path: "/api/work-pool?limit=200", expect: same(200), outside: (b) => b.items.some((i: { assigneeId: unknown; teamId: string }) => i.assigneeId !== null || i.teamId === shAgent.teamId) },
  { route: "GET /api/appointments", path: "/api/appointments?limit=200", expect: same(200), outside: (b) => b.items.some((a: { managerId: string }) => a.managerId === shAgent.id) },
  { route: "GET /api/team-appointments", path: "/api/team-appointments?limit=200", expect: same(200), outside: (b) => b.items.some((r: { appointment: { managerId: string } }) => r.appointment.managerId.startsWith("m-shanghai")) },
  { route: "GET /api/audit", path: "/api/audit?limit=200", expect: same(200), outside: (b) => b.items.some((e: { actorId: string }) => e.actorId.startsWith("m-shanghai")) },
  { route: "GET /api/tasks", path: "/api/tasks?limit=200", expect: same(200), outside: () => false },
  { route: "GET /api/rules", path: "/api/rules?limit=200", expect: same(200), outside: () => false },
  // DND entries of Shanghai customers (the out-of-scope cases above add some) never show in Beijing.
  { route: "GET /api/dnd", path: "/api/dnd?limit=200", expect: same(200), outside: (b, held) => b.items.some((e: { customerId: string }) => shanghaiCustomers.has(e.customerId) && !held.has(e.customerId)) },
  { route: "GET /api/dnd/export", path: "/api/dnd/export", expect: same(200), outside: (b: string, held) => [...shanghaiCustomers].some((id) => !held.has(id) && b.includes(`,${id},`)) },
  // Each person's templates: their team's ancestors' and their reach's, never Shanghai's (one is written first).
  { route: "GET /api/sms/templates", path: "/api/sms/templates?archived=true", expect: same(200), outside: (b) => b.items.some((t: { teamId: string }) => t.teamId.startsWith("t-shanghai")) }
]

/** Routes about no particular record: every person may call them. */
const unscoped: ReadonlyArray<{ route: string; request: () => Promise<Req> }> = [
  { route: "GET /api", request: async () => ({ method: "GET", path: "/api" }) },
  { route: "GET /api/openapi.json", request: async () => ({ method: "GET", path: "/api/openapi.json" }) },
  { route: "GET /api/me", request: async () => ({ method: "GET", path: "/api/me" }) },
  { route: "GET /api/dispositions", request: async () => ({ method: "GET", path: "/api/dispositions" }) },
  { route: "GET /api/teams", request: async () => ({ method: "GET", path: "/api/teams" }) },
  { route: "GET /api/rule-templates", request: async () => ({ method: "GET", path: "/api/rule-templates" }) },
  { route: "GET /api/offers", request: async () => ({ method: "GET", path: "/api/offers" }) },
  { route: "GET /api/questionnaires/:id", request: async () => ({ method: "GET", path: "/api/questionnaires/retention-callback" }) },
  { route: "POST /api/questionnaires/:id/evaluate", request: async () => ({ method: "POST", path: "/api/questionnaires/retention-callback/evaluate", body: { answers: { reached: "yes" } } }) },
  // The caller's own: the business date, their appointments and due reminders
  { route: "GET /api/director/today", request: async () => ({ method: "GET", path: "/api/director/today" }) },
  { route: "GET /api/my-appointments", request: async () => ({ method: "GET", path: "/api/my-appointments" }) },
  { route: "GET /api/reminders", request: async () => ({ method: "GET", path: "/api/reminders" }) }
]

beforeAll(async () => {
  server = await startTestServer()
  template = (await server.winback.stores.customers.list({ ownerManagerIds: [demoLogins.agent] }, { limit: 1 })).items[0]!
  for (const r of roles) {
    const res = await client(server).post("/api/login", { login: people[r], password: demoPassword })
    as[r] = client(server, res.body.token)
  }
}, 120_000)
afterAll(() => server?.close())

describe("every authenticated route without credentials", () => {
  it("answers 401 unauthenticated and changes nothing", async () => {
    const before = await stateOf(undefined)
    const routes = server.router.list().filter((r) => r.access === "authenticated")
    expect(routes.length).toBeGreaterThan(60)
    for (const r of routes) {
      const path = r.path.replace(/:([a-zA-Z]+)/g, "x-1")
      const res = await client(server).call(r.method, path, r.body ? {} : undefined)
      expect(res.status, `${r.method} ${r.path}`).toBe(401)
      expect(res.body.error.code).toBe("unauthenticated")
    }
    expect(await stateOf(undefined)).toBe(before)
  })

  it("leaves only health, login and the workbench page public", () => {
    const open = server.router.list().filter((r) => r.access === "public").map((r) => `${r.method} ${r.path}`)
    expect(open.filter((r) => !r.startsWith("GET /") || r.startsWith("GET /api")).sort()).toEqual(["POST /api/login"])
    expect(open).toContain("GET /health")
    for (const r of open.filter((x) => x !== "POST /api/login" && x !== "GET /health")) expect(r.startsWith("GET /api")).toBe(false)
  })
})

describe("every authenticated route is in the matrix", () => {
  it("has a case for each route", () => {
    const reportRoutes = server.router.list().filter((r) => r.path.startsWith("/api/reports/") || r.path.startsWith("/api/report-tables/")).map((r) => `${r.method} ${r.path}`)
    // An SMS task's preview, send and deliveries need the SMS demo work: sms.test.ts proves their scope
    // (another region's agent: 403 sending, 404 reading; a phone task 409).
    const smsTaskRoutes = ["POST /api/sms/tasks/:id/preview", "POST /api/sms/tasks/:id/send", "GET /api/sms/tasks/:id/deliveries"]
    expect(reportRoutes.length).toBeGreaterThan(10)
    const covered = new Set(
      [...inScope, ...outOfScope].map((c) => c.route).concat(lists.map((l) => l.route), unscoped.map((u) => u.route), reportRoutes, smsTaskRoutes, ["POST /api/logout", "POST /api/me/password", "POST /api/extractions/run", "GET /api/rules/:id", /* admins only, a whole day of work: dataIntegrity.test.ts */ "POST /api/jobs/run-daily"])
    )
    const missing = server.router
      .list()
      .filter((r) => r.access === "authenticated")
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !covered.has(r))
    expect(missing, missing.join(", ")).toEqual([])
  })
})

const runCase = async (c: Case, kind: "in" | "out") => {
  for (const [i, role] of roles.entries()) {
    const req = await c.request(role)
    const before = await stateOf(req.target)
    const res = await send(role, req)
    const label = `${kind} ${c.route} (${c.what}) as ${role}: ${JSON.stringify(res.body).slice(0, 200)}`
    expect(res.status, label).toBe(c.expect[i])
    if (res.status >= 400) {
      expect([400, 403, 404], label).toContain(res.status)
      expect(typeof res.body.error.code, label).toBe("string")
      // A refusal names no one the request did not name: never the owner of a Shanghai record.
      if (!JSON.stringify(req).includes(shAgent.id)) expect(JSON.stringify(res.body), `${label}: names the owner`).not.toContain(shAgent.id)
      if (req.method !== "GET") expect(await stateOf(req.target), `${label}: changed state`).toBe(before)
    } else {
      if (req.method !== "GET" && !c.readOnly) expect(await auditEntries(), `${label}: audited`).toBeGreaterThan(JSON.parse(before)[0].entries)
      if (c.check) await c.check(role, res)
    }
  }
}

describe("records in scope", () => {
  for (const c of inScope) it(`${c.route}: ${c.what}`, () => runCase(c, "in"))
})

describe("records outside scope are 403/404 and unchanged", () => {
  for (const c of outOfScope) {
    it(`${c.route}: ${c.what}`, async () => {
      for (const s of c.expect) expect([403, 404, 400]).toContain(s)
      await runCase(c, "out")
    })
  }
})

describe("lists hold only records in scope", () => {
  it("never returns a Shanghai record to a Beijing person", async () => {
    await theirs()
    const heldByBeijing = new Set<string>()
    let cursor: string | null = null
    do {
      const page: Awaited<ReturnType<typeof server.winback.stores.workItems.list>> = await server.winback.stores.workItems.list({ states: ["open", "in-progress"] }, { limit: 1000, cursor })
      for (const w of page.items) if (w.assigneeId !== null && !w.assigneeId.startsWith("m-shanghai")) heldByBeijing.add(w.customerId)
      cursor = page.nextCursor
    } while (cursor)
    for (const l of lists) {
      for (const [i, role] of roles.entries()) {
        const res = await as[role]!.get(l.path)
        expect(res.status, `${l.route} as ${role}`).toBe(l.expect[i])
        expect(l.outside(res.body, heldByBeijing), `${l.route} as ${role}`).toBe(false)
      }
    }
  })

  it("narrows the agent's lists to their own records", async () => {
    const customers = (await as.agent!.get("/api/customers?limit=200")).body.items as Array<Customer>
    expect(customers.length).toBeGreaterThan(0)
    // Their own customers, and those they hold open work for (while it is open).
    for (const c of customers) {
      if (c.ownerManagerId === demoLogins.agent) continue
      const held = (await server.winback.stores.workItems.list({ customerId: c.id, assigneeId: demoLogins.agent, states: ["open", "in-progress"] })).items
      expect(held.length, `${c.id} is neither owned nor held by the agent`).toBeGreaterThan(0)
    }
    const items = (await as.agent!.get("/api/work-items?limit=200")).body.items as Array<{ assigneeId: string }>
    for (const i of items) expect(i.assigneeId).toBe(demoLogins.agent)
    expect((await as.approver!.get("/api/customers?limit=200")).body.items).toEqual([])
  })
})

describe("unscoped routes", () => {
  it("answer every person", async () => {
    for (const u of unscoped) for (const role of roles) expect((await send(role, await u.request())).status, `${u.route} as ${role}`).toBe(200)
  })

  it("rule details and extraction runs follow the policy", async () => {
    const rule = (await as.director!.get("/api/rules?limit=200")).body.items[0].id as string
    const expected: Row = [404, 404, 404, 200, 404]
    for (const [i, role] of roles.entries()) expect((await as[role]!.get(`/api/rules/${encodeURIComponent(rule)}`)).status, role).toBe(expected[i])
    expect((await as.agent!.post("/api/extractions/run", { asOf })).status).toBe(403)
    expect((await as.approver!.post("/api/extractions/run", { asOf })).status).toBe(403)
    expect((await as.director!.post("/api/extractions/run", { asOf })).status).toBe(200)
  })

  it("logout ends only the caller's session", async () => {
    const extra = await client(server).post("/api/login", { login: demoLogins.agent, password: demoPassword })
    const mineOnly = client(server, extra.body.token)
    expect((await mineOnly.post("/api/logout")).status).toBe(200)
    expect((await mineOnly.get("/api/me")).status).toBe(401)
    expect((await as.agent!.get("/api/me")).status).toBe(200)
  })
})

describe("reports", () => {
  /** The query each report needs (one valid example). */
  const queries: Record<string, string> = {
    funnel: "from=2026-11-01&to=2026-12-01",
    observations: "from=2026-11-01&to=2026-12-01",
    agents: "from=2026-11-01&to=2026-12-01",
    "status-accounting": "month=2026-11",
    questionnaire: "from=2026-11-01&to=2026-12-01&taskId=demo-retention-bill-drop",
    period: "kind=month&on=2026-11-25"
  }
  it("every report and format: agents (themselves), leaders and directors (their subtree) read; the approver does not", async () => {
    const expected: Row = [200, 200, 200, 200, 403]
    // The JSON/CSV/XLSX reports and the director's tables of them (/api/report-tables/<report>).
    for (const route of server.router.list().filter((r) => r.path.startsWith("/api/reports/") || r.path.startsWith("/api/report-tables/"))) {
      const name = route.path.split("/")[3]!.split(".")[0]!
      for (const [i, role] of roles.entries()) {
        const res = await as[role]!.get(`${route.path}?${queries[name]}`)
        expect(res.status, `${route.path} as ${role}`).toBe(expected[i])
      }
    }
  })

  it("an agent's report counts only their own work, a leader's their subtree's", async () => {
    const range = queries.agents!
    const agentRows = (await as.agent!.get(`/api/reports/agents?${range}`)).body.rows as Array<{ agentId: string }>
    for (const r of agentRows) expect(r.agentId).toBe(demoLogins.agent)
    const leaderRows = (await as.teamLeader!.get(`/api/reports/agents?${range}`)).body.rows as Array<{ agentId: string }>
    for (const r of leaderRows) expect(r.agentId.startsWith("m-beijing-d1-s1-")).toBe(true)
  })
})

describe("imports, previews and task populations stay in scope (issue 14)", () => {
  /** An approved zero-bill rule in force on the demo day. */
  const ruleInForce = async () => {
    const d = await server.winback.as(demoLogins.director).rules.create({ ruleId: `mx-zero-${++seq}`, name: "Zero bill", templateId: "zero-bill", effectiveFrom: "2026-11-01" })
    await server.winback.as(demoLogins.director).rules.submit(d.id)
    return (await server.winback.as(demoLogins.approver).rules.approve(d.id, { effectiveFrom: "2026-11-01" })).id
  }
  const regionOf = async (id: string) => (await server.winback.stores.customers.get(id)).region

  it("a leader's import refuses a Shanghai customer per line exactly as an unknown id, naming no owner, writing nothing", async () => {
    const taskId = await activeTaskBy(demoLogins.teamLeader)
    const shanghai = (await theirs()).customerId
    const before = await stateOf({ taskId })
    const res = await send("teamLeader", { method: "POST", path: `/api/tasks/${taskId}/import`, body: `${shanghai},${demoLogins.agent}\nc-nobody-${++seq},${demoLogins.agent}\n`, contentType: "text/csv" })
    expect(res.status).toBe(400)
    const lines = (res.body.error.details as Array<{ path: Array<unknown>; code: string; message: string }>).map((i) => [i.path, i.code, i.message.replace(/customer \S+ /, "customer X ")])
    expect(lines).toEqual([
      [["line", 1], "unknown-customer", "line 1: customer X is unknown or outside your scope"],
      [["line", 2], "unknown-customer", "line 2: customer X is unknown or outside your scope"]
    ])
    expect(JSON.stringify(res.body)).not.toContain(shAgent.id)
    expect(await stateOf({ taskId })).toBe(before)
  })

  it("a rule preview counts only the caller's customers (a leader only theirs); the approver of a pending version gets the whole count and no customer", async () => {
    const rule = encodeURIComponent(await ruleInForce())
    const director = (await as.director!.get(`/api/rules/${rule}/preview?asOf=${asOf}`)).body as { count: number; sample: Array<string> }
    expect(director.count).toBeGreaterThan(0)
    for (const id of director.sample) expect(await regionOf(id)).toBe("beijing")
    const leader = (await as.teamLeader!.get(`/api/rules/${rule}/preview?asOf=${asOf}`)).body as { count: number; sample: Array<string> }
    expect(leader.count).toBeLessThanOrEqual(director.count)
    for (const id of leader.sample) expect((await as.teamLeader!.get(`/api/customers/${id}`)).status).toBe(200)
    // The approver previews a revision awaiting approval (the only rules they read): they decide on
    // every customer it picks, so they get the whole count (at least the region's), but no customer id.
    const revised = await server.winback.as(demoLogins.director).rules.revise(decodeURIComponent(rule))
    await server.winback.as(demoLogins.director).rules.submit(revised.id)
    const approver = (await as.approver!.get(`/api/rules/${encodeURIComponent(revised.id)}/preview?asOf=${asOf}`)).body as { count: number; sample: Array<string> }
    expect(approver.sample).toEqual([])
    expect(approver.count).toBeGreaterThanOrEqual(director.count)
    expect((await as.director!.get(`/api/rules/${encodeURIComponent(revised.id)}/preview?asOf=${asOf}`)).body.count).toBe(director.count)
  })

  it("a director's task reaches only their region's customers; the same task by the Shanghai director only Shanghai's", async () => {
    const ruleInstanceIds = [await ruleInForce()]
    const population = async (author: string) => {
      const t = await server.winback.as(author).tasks.create({ ...manualTask, source: "alert", ruleInstanceIds, cycle: "daily", name: `population ${++seq}` })
      await server.winback.as(author).tasks.submit(t.id)
      const preview = (await as.approver!.get(`/api/tasks/${t.id}/preview?asOf=${asOf}`)).body
      const plan = await server.winback.as(author).extraction.plan({ asOf, taskIds: [t.id] }, { extraTasks: [await server.winback.stores.tasks.get(t.id)], anyRuleStatus: true })
      return { preview, regions: new Set(await Promise.all(plan.items.map((p) => regionOf(p.item.customerId)))), picked: plan.items.length }
    }
    const beijing = await population(demoLogins.director)
    const shanghai = await population(shDirector.id)
    expect(beijing.picked).toBeGreaterThan(0)
    expect(shanghai.picked).toBeGreaterThan(0)
    expect([...beijing.regions]).toEqual(["beijing"])
    expect([...shanghai.regions]).toEqual(["shanghai"])
    // The approver sees the task's own figures, but no customer's id.
    expect(beijing.preview.result.handedOut).toBe(beijing.picked)
    expect(beijing.preview.sample).toEqual([])
  })
})

describe("the audit log's words", () => {
  // Runs last: by now the routes above have written every kind of change the server makes.
  it("names every action the routes wrote, in English and in zh-CN (the audit screen shows no raw keys)", async () => {
    const actions = new Set<string>()
    let cursor: string | undefined
    do {
      const page = await server.winback.stores.audit.query({}, { limit: 1000, ...(cursor ? { cursor } : {}) })
      for (const e of page.items) actions.add(e.action)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(actions.size).toBeGreaterThan(20)
    const missing = [...actions].sort().flatMap((a) => locales.filter((l) => !(`audit.action.${a}` in catalogues[l])).map((l) => `${l}: ${a}`))
    expect(missing).toEqual([])
  })
})
