/**
 * The model-based test of issue 14: random command sequences through the public Promise facade
 * (`createWinback`) — extraction runs, manual imports, pool hand-outs, transfers,
 * reclaims, calls with every disposition, DND added mid-work, appointments, SMS batches, dialling
 * and time passing across cool-downs and retry delays, acted by agents, leaders and directors of
 * two regions — with every invariant of docs/invariants.md checked after every command against a
 * small model (the organisation, the tasks, the DND entries added, the clock).
 *
 * Sizes and replay (all optional):
 * - `WINBACK_MODEL_RUNS` (default 20; memory 60, it is cheap) and `WINBACK_MODEL_COMMANDS` (default 25, max per run);
 *   `WINBACK_HEAVY=1` raises them to 200 × 60 with a 10-minute budget.
 * - A failure prints the seed and path; `WINBACK_MODEL_SEED` + `WINBACK_MODEL_PATH` replay it.
 * - `WINBACK_MODEL_KNOWN_BROKEN`: comma-separated invariant names that only report their
 *   counterexamples instead of failing (default {@link KNOWN_BROKEN_DEFAULT}; `none` = empty).
 * - `WINBACK_MODEL_ONLY`: check only these invariants, strictly (fast-check then shrinks to a
 *   minimal counterexample of exactly that invariant).
 */
import fc from "fast-check"
import { Clock, Effect, Layer } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import {
  type CandidateSource,
  Conflict,
  createWinback,
  type Customer,
  type CustomerStore,
  Dialer,
  type Disposition,
  Forbidden,
  IntegrationError,
  type Manager,
  type Page,
  Notifier,
  NotFound,
  defaultPolicy,
  SmsGateway,
  type Stores,
  storesLayer,
  type Task,
  ValidationError,
  type Winback,
  type WorkItem
} from "@winback/core"
import { seedDemoData } from "@winback/core/demo"
import { billDrop, instantiate, zeroBill, type Rule } from "@winback/rules"
import { fixtures } from "../src/testing/index"

// ---------------------------------------------------------------------------------------------
// Invariants and configuration
// ---------------------------------------------------------------------------------------------

/** Every invariant the suite checks after every command (docs/invariants.md describes each). */
export const INVARIANTS = [
  /** (a) A customer's open items: never two of one task, never a second one within the first's cool-down. */
  "dedup-one-open-hand-out",
  /** (b) No item is completed by no-answer, phone-off or not-in-service. */
  "not-reached-never-completes",
  /** (c) Not-reached attempts on an item never exceed the retry policy's maximum. */
  "attempts-within-maximum",
  /** (c) No not-reached attempt before the earliest next attempt, none after "not in service". */
  "retry-delay-honoured",
  /** (d) Whoever is assigned an open item can read its customer. */
  "assignee-can-read-customer",
  /** (e) Every record a command changed is about a customer in its actor's scope (extraction: the task author's). */
  "changes-within-actor-scope",
  /** (e) A refused command changed nothing. */
  "refusal-changes-nothing",
  /** (f) No SMS sent and no call dialled on a channel the customer put on DND. */
  "no-contact-on-dnd",
  /** (g) The audit hash chain verifies. */
  "audit-chain-verifies",
  /** A command either succeeds or fails with a domain error (ValidationError, NotFound, Conflict, Forbidden). */
  "commands-fail-cleanly"
] as const
/** An invariant's name. */
export type InvariantName = (typeof INVARIANTS)[number]

/**
 * Invariants whose counterexamples are printed instead of failing the test: none. Issue 14's fixes
 * (items 1–5) made every invariant hold, so all of them are strict; a host chasing a regression can
 * still name some in `WINBACK_MODEL_KNOWN_BROKEN` while it works on them.
 */
export const KNOWN_BROKEN_DEFAULT: ReadonlyArray<InvariantName> = []

const env = process.env
const heavy = env.WINBACK_HEAVY === "1"
const names = (v: string | undefined): ReadonlyArray<string> | undefined =>
  v === undefined ? undefined : v.trim() === "none" || v.trim() === "" ? [] : v.split(",").map((s) => s.trim()).filter(Boolean)
const unknownNames = (xs: ReadonlyArray<string>) => xs.filter((x) => !(INVARIANTS as ReadonlyArray<string>).includes(x))

/** A storage's CI size (the environment overrides it). */
export interface ModelSizes {
  readonly runs?: number
  readonly commands?: number
}

/** The suite's settings, from the environment. */
export const modelConfig = (defaults: ModelSizes = {}) => {
  const only = names(env.WINBACK_MODEL_ONLY)
  const knownBroken = only ?? names(env.WINBACK_MODEL_KNOWN_BROKEN) ?? KNOWN_BROKEN_DEFAULT
  for (const list of [only, knownBroken]) if (list && unknownNames(list).length) throw new Error(`unknown invariant(s): ${unknownNames(list).join(", ")}; known: ${INVARIANTS.join(", ")}`)
  const budgetMs = Number(env.WINBACK_MODEL_BUDGET_MS ?? (heavy ? 600_000 : 20_000))
  return {
    runs: Number(env.WINBACK_MODEL_RUNS ?? (heavy ? 200 : (defaults.runs ?? 20))),
    commands: Number(env.WINBACK_MODEL_COMMANDS ?? (heavy ? 60 : (defaults.commands ?? 25))),
    seed: env.WINBACK_MODEL_SEED === undefined ? undefined : Number(env.WINBACK_MODEL_SEED),
    path: env.WINBACK_MODEL_PATH,
    /** fast-check's replay path of the commands themselves (printed with a failure). */
    replayPath: env.WINBACK_MODEL_REPLAY,
    budgetMs,
    /** With ONLY set, the named invariants are strict and the others unchecked. */
    checked: new Set<string>(only ?? INVARIANTS),
    knownBroken: new Set<string>(only ? [] : knownBroken)
  }
}

// ---------------------------------------------------------------------------------------------
// The world of one run
// ---------------------------------------------------------------------------------------------

/** A storage under test: fresh stores, how to close them, and the candidate source to extract with. */
export interface ModelStorage {
  readonly stores: Stores
  readonly close: () => Promise<void>
  readonly candidates: Layer.Layer<CandidateSource, never, CustomerStore>
}

const ASOF = "2026-11-25"
/** 09:00 in Beijing on the demo's day. */
const T0 = Date.parse("2026-11-25T01:00:00.000Z")
const MINUTE = 60_000
const DAY = 86_400_000
const MAX_ATTEMPTS = 3 // defaultRetryPolicy
const RETRY_DELAY_MIN: Readonly<Record<string, number | null>> = { "no-answer": 120, "phone-off": 240, "not-in-service": null }
const NOT_REACHED: ReadonlyArray<Disposition> = ["no-answer", "phone-off", "not-in-service"]
const DISPOSITIONS: ReadonlyArray<Disposition> = ["completed", "refused", "not-account-holder", "reschedule", "not-in-service", "phone-off", "no-answer"]
const isOpen = (w: WorkItem) => w.state === "open" || w.state === "in-progress"

const demoOptions = {
  seed: 1414,
  customers: 36,
  asOf: ASOF,
  months: 4,
  dailyDays: 35,
  patternRate: 0.8,
  regions: ["beijing", "chongqing"],
  districtsPerRegion: 1,
  squadsPerDistrict: 2,
  agentsPerTeam: 2
}

interface Outbound {
  readonly kind: "sms" | "dial"
  readonly customerId: string
  readonly detail: string
}

/** Everything one run works with. */
export interface World {
  readonly winback: Winback
  readonly clock: { now: number }
  readonly managers: ReadonlyArray<Manager>
  readonly customers: ReadonlyArray<Customer>
  readonly tasks: ReadonlyMap<string, Task>
  readonly directors: ReadonlyArray<string>
  readonly leaders: ReadonlyArray<string>
  readonly agents: ReadonlyArray<string>
  /** DND entries the run added (the model's DND state): customer → channel → since. */
  readonly dnd: Map<string, Map<string, number>>
  /** Outbound contacts (SMS gateway, dialer) during the current command. */
  outbound: Array<Outbound>
  /** SMS idempotency key → item id, for mapping texts back to customers. */
  items: ReadonlyArray<WorkItem>
  readonly history: Array<string>
  readonly close: () => Promise<void>
}

const at = (ms: number) => new Date(ms).toISOString()

/** A Clock whose "now" is the model's (moved only by the advance-time command). */
const modelClock = (clock: { now: number }): Layer.Layer<never> =>
  Layer.effect(
    Clock.Clock,
    Clock.clockWith((real) => {
      const nanos = () => BigInt(clock.now) * 1_000_000n
      const c: Clock.Clock = {
        currentTimeMillisUnsafe: () => clock.now,
        currentTimeMillis: Effect.sync(() => clock.now),
        currentTimeNanosUnsafe: nanos,
        currentTimeNanos: Effect.sync(nanos),
        monotonicTimeNanosUnsafe: () => real.monotonicTimeNanosUnsafe(),
        monotonicTimeNanos: real.monotonicTimeNanos,
        sleep: (d) => real.sleep(d)
      }
      return Effect.succeed(c)
    })
  )

const readAllItems = async (winback: Winback): Promise<Array<WorkItem>> => {
  const out: Array<WorkItem> = []
  let cursor: string | null = null
  do {
    const page = await winback.stores.workItems.list({}, { limit: 1000, cursor })
    out.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return out.sort((a, b) => (a.id < b.id ? -1 : 1))
}

/** Opens fresh storage, seeds the demo organisation and customers, and sets up the tasks. */
export const openWorld = async (openStorage: () => Promise<ModelStorage>): Promise<World> => {
  const storage = await openStorage()
  try {
    const summary = await seedDemoData(storage.stores, demoOptions)
    const director = summary.logins.director
    const cqDirector = "m-chongqing-director"
    const rule = (id: string, r: Rule) => fixtures.ruleInstance(`${id}@1`, { status: "active", rule: r, templateId: id, effectiveFrom: "2026-01-01" })
    const customers: Array<Customer> = []
    for (let cursor: string | null = null; ; ) {
      const page: Page<Customer> = await Effect.runPromise(storage.stores.customers.list({}, { limit: 1000, cursor }))
      customers.push(...page.items)
      cursor = page.nextCursor
      if (!cursor) break
    }
    customers.sort((a, b) => (a.id < b.id ? -1 : 1))
    const base = { status: "active", startsOn: "2026-11-01", skipHolidays: false, executionWindow: { from: "08:00", to: "21:00" } } as const
    const taskList: Array<Task> = [
      // Region-less alert task of the Beijing director: its population must stay in the author's scope.
      fixtures.task("t-zero-bill", { ...base, source: "alert", ruleInstanceIds: ["zero-bill@1"], urgency: 1, channel: "phone", cooldownDays: 1, authorId: director } as Partial<Task>),
      fixtures.task("t-bill-drop-cq", { ...base, source: "alert", ruleInstanceIds: ["bill-drop@1"], urgency: 2, channel: "phone", cooldownDays: 2, region: "chongqing", authorId: cqDirector } as Partial<Task>),
      fixtures.task("t-campaign-bj", { ...base, source: "campaign", customerGroupId: "g-mixed", urgency: 3, channel: "sms", cooldownDays: 1, region: "beijing", authorId: director } as Partial<Task>),
      fixtures.task("t-manual-a", { ...base, source: "manual", urgency: 4, channel: "phone", cooldownDays: 30, authorId: director } as Partial<Task>),
      fixtures.task("t-manual-b", { ...base, source: "manual", urgency: 5, channel: "phone", cooldownDays: 30, authorId: cqDirector } as Partial<Task>)
    ]
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* storage.stores.ruleInstances.insert(rule("zero-bill", instantiate(zeroBill).rule))
        yield* storage.stores.ruleInstances.insert(rule("bill-drop", instantiate(billDrop).rule))
        // Every third customer, both regions: the campaign's region filter and round robin both matter.
        yield* storage.stores.customerGroups.insert(fixtures.customerGroup("g-mixed", { memberIds: customers.filter((_, i) => i % 3 === 0).map((c) => c.id), validFrom: "2026-11-01", validUntil: "2026-11-30", createdBy: director }))
        for (const t of taskList) yield* storage.stores.tasks.insert(t)
      })
    )
    const managers = (await Effect.runPromise(storage.stores.managers.list({}, { limit: 1000 }))).items.slice().sort((a, b) => (a.id < b.id ? -1 : 1))
    const clock = { now: T0 }
    const world: Omit<World, "winback" | "close"> & { outbound: Array<Outbound> } = {
      clock,
      managers,
      customers,
      tasks: new Map(taskList.map((t) => [t.id, t])),
      directors: managers.filter((m) => m.roles.includes("director")).map((m) => m.id),
      // Squad leaders (the district leaders lead a team without agents).
      leaders: managers.filter((m) => m.roles.includes("team-leader") && /-s\d+-lead$/.test(m.id)).map((m) => m.id),
      agents: managers.filter((m) => m.roles.includes("agent")).map((m) => m.id),
      dnd: new Map(),
      outbound: [],
      items: [],
      history: []
    }
    const itemCustomer = (key: string) => world.items.find((w) => key.startsWith(`${w.id}:`))?.customerId ?? `?${key}`
    const dialer = Layer.succeed(
      Dialer,
      Dialer.of({
        call: (c) =>
          Effect.sync(() => {
            world.outbound.push({ kind: "dial", customerId: c.customerId, detail: `dial ${c.customerId} by ${c.managerId}` })
            return { callId: `pbx-${clock.now}-${world.outbound.length}` }
          })
      })
    )
    const smsGateway = Layer.succeed(
      SmsGateway,
      SmsGateway.of({
        send: (m) =>
          Effect.sync(() => {
            // Reminders to agents carry `<appointment id>:reminder`; customer texts `<item id>:<attempt>`.
            if (!m.idempotencyKey.endsWith(":reminder")) world.outbound.push({ kind: "sms", customerId: itemCustomer(m.idempotencyKey), detail: `sms ${m.idempotencyKey}` })
            return { messageId: `sms-${clock.now}-${world.outbound.length}`, status: "accepted" as const }
          })
      })
    )
    const notifier = Layer.succeed(Notifier, Notifier.of({ notify: () => Effect.void }))
    // The org cache as the reference server runs it: no command here changes the organisation.
    const winback = await createWinback({ storage: Layer.merge(storesLayer(storage.stores), modelClock(clock)), policy: defaultPolicy, orgCache: { ttlMs: 3_600_000 }, candidates: storage.candidates, smsGateway, dialer, notifier })
    return Object.assign(world, {
      winback,
      close: async () => {
        await winback.dispose()
        await storage.close()
      }
    }) as World
  } catch (e) {
    await storage.close()
    throw e
  }
}

// ---------------------------------------------------------------------------------------------
// The model's notion of scope (DOMAIN §1), computed from the organisation alone
// ---------------------------------------------------------------------------------------------

const managerOf = (w: World, id: string) => w.managers.find((m) => m.id === id)
const teamMembers = (w: World, teamId: string | null) => w.managers.filter((m) => m.teamId === teamId).map((m) => m.id)
const regionOf = (w: World, managerId: string) => managerOf(w, managerId)?.region

/**
 * The customers `managerId` may read before a command: owned by someone in reach (self, team or
 * region), unowned in their region's pool (leaders, directors), or held as open work in reach.
 */
const customerScope = (w: World, managerId: string, items: ReadonlyArray<WorkItem>): Set<string> => {
  const m = managerOf(w, managerId)
  const out = new Set<string>()
  if (!m) return out
  const region = m.region
  const isDirector = m.roles.includes("director")
  const isLeader = m.roles.includes("team-leader")
  const team = new Set(isDirector ? w.managers.filter((x) => x.region === region).map((x) => x.id) : isLeader ? teamMembers(w, m.teamId) : [m.id])
  const teams = new Set(isDirector ? w.managers.filter((x) => x.region === region).map((x) => x.teamId) : isLeader ? [m.teamId] : [])
  for (const c of w.customers) {
    if (c.ownerManagerId !== null ? team.has(c.ownerManagerId) : (isDirector || isLeader) && c.region === region) out.add(c.id)
  }
  for (const i of items) if (isOpen(i) && ((i.assigneeId !== null && team.has(i.assigneeId)) || (i.teamId !== null && teams.has(i.teamId)))) out.add(i.customerId)
  return out
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown }
const pick = <A>(xs: ReadonlyArray<A>, n: number): A | undefined => (xs.length === 0 ? undefined : xs[n % xs.length])
const short = (id: string | null | undefined) => (id ?? "-").replace(/^m-/, "").replace(/^wi:/, "")

/** One step of a run: its actor, what it does through the facade, and a description of the resolved step. */
abstract class ModelCommand implements fc.AsyncCommand<Record<string, never>, World> {
  resolved = ""
  abstract readonly label: string
  /** The acting manager for the scope check; for extraction, resolved per item to the task's author. */
  actor: string | null = null
  /** Commands whose partial effects are by design (SMS batches write per message). */
  readonly partialByDesign: boolean = false
  check() {
    return true
  }
  abstract act(w: World): Promise<void>
  async run(_m: Record<string, never>, w: World) {
    const before = w.items
    w.outbound = []
    let outcome: Outcome = { ok: true }
    this.resolved = "nothing to act on"
    try {
      await this.act(w)
    } catch (error) {
      outcome = { ok: false, error }
    }
    const after = await readAllItems(w.winback)
    w.items = after
    const step = `${this.label}${this.resolved ? ` [${this.resolved}]` : ""} → ${outcome.ok ? "ok" : errorName(outcome.error)}`
    w.history.push(step)
    const kind = this.label.split("(")[0]!
    if (this instanceof FinalCheck) return void (await checkInvariants(w, this, before, after, outcome))
    const tally = report!.steps.get(kind) ?? { ok: 0, refused: 0, errors: {} }
    if (outcome.ok) tally.ok++
    else {
      tally.refused++
      const tag = (outcome.error as { _tag?: string })?._tag ?? "other"
      tally.errors[tag] = (tally.errors[tag] ?? 0) + 1
    }
    report!.steps.set(kind, tally)
    for (const o of w.outbound) report!.outbound[o.kind]++
    await checkInvariants(w, this, before, after, outcome)
    // Real time passes between two steps of an agent (and manual import ids, which carry the time, stay apart).
    w.clock.now += 1000
  }
  toString() {
    return `${this.label}${this.resolved ? ` [${this.resolved}]` : ""}`
  }
}

const errorName = (e: unknown) => {
  const tag = (e as { _tag?: string })?._tag
  const msg = e instanceof Error ? e.message : String(e)
  return `${tag ?? (e as Error)?.name ?? "Error"}: ${msg.slice(0, 200)}`
}

class Extract extends ModelCommand {
  constructor(
    readonly runner: number,
    readonly alert: "owner" | "round-robin" | "unassigned",
    readonly campaign: "owner" | "round-robin" | "unassigned",
    readonly rrTeam: number
  ) {
    super()
  }
  get label() {
    return `extract(runner#${this.runner}, alert ${this.alert}, campaign ${this.campaign}, rr squad#${this.rrTeam})`
  }
  async act(w: World) {
    const runner = pick(w.directors, this.runner)!
    this.actor = runner
    const squad = pick(w.leaders, this.rrTeam)!
    const agents = w.agents.filter((a) => managerOf(w, a)?.teamId === managerOf(w, squad)?.teamId)
    const policy = (k: "owner" | "round-robin" | "unassigned") => (k === "round-robin" ? { kind: k, agentIds: agents } : k === "owner" ? { kind: k } : { kind: k })
    const period = at(w.clock.now).slice(0, 10)
    this.resolved = `${short(runner)} period ${period}`
    const r = await w.winback.as(runner).extraction.run({
      asOf: ASOF,
      period,
      assignment: { "t-zero-bill": policy(this.alert), "t-bill-drop-cq": policy(this.alert), "t-campaign-bj": policy(this.campaign) }
    })
    this.resolved += `, created ${r.created}`
  }
}

class Import extends ModelCommand {
  constructor(
    readonly leader: number,
    readonly task: number,
    readonly lines: ReadonlyArray<{ readonly customer: number; readonly inScope: boolean; readonly agent: number | null }>
  ) {
    super()
  }
  get label() {
    return `import(leader#${this.leader}, task#${this.task}, ${this.lines.length} line(s))`
  }
  async act(w: World) {
    const leader = pick(w.leaders, this.leader)!
    this.actor = leader
    const taskId = this.task % 2 === 0 ? "t-manual-a" : "t-manual-b"
    const team = w.agents.filter((a) => managerOf(w, a)?.teamId === managerOf(w, leader)?.teamId)
    const own = [...customerScope(w, leader, [])].sort()
    const seen = new Set<string>()
    const lines: Array<string> = []
    for (const l of this.lines) {
      const c = l.inScope ? pick(own, l.customer) : pick(w.customers, l.customer)?.id
      if (c === undefined || seen.has(c)) continue
      seen.add(c)
      lines.push(l.agent === null ? c : `${c},${pick(team, l.agent)}`)
    }
    this.resolved = `${short(leader)} → ${taskId}: ${lines.map(short).join(" ")}`
    await w.winback.as(leader).imports.importCsv({ taskId, agentIds: team }, lines.join("\n") + "\n")
  }
}

/** Transfer (to an agent), reclaim (to null) or hand out from the pool (from: null). */
class Allocate extends ModelCommand {
  constructor(
    readonly kind: "transfer" | "reclaim" | "pool",
    readonly leader: number,
    readonly item: number,
    readonly agent: number,
    readonly ownTeam: boolean
  ) {
    super()
  }
  get label() {
    return `${this.kind}(leader#${this.leader}, item#${this.item}, agent#${this.agent}${this.ownTeam ? " of the team" : ""})`
  }
  async act(w: World) {
    const leader = pick(w.leaders, this.leader)!
    this.actor = leader
    const teamId = managerOf(w, leader)?.teamId
    const candidates = w.items.filter((i) => isOpen(i) && (this.kind === "pool" ? i.assigneeId === null : i.assigneeId !== null))
    const mine = candidates.filter((i) => i.teamId === teamId)
    const item = pick(mine.length ? mine : candidates, this.item)
    if (!item) return
    const agents = this.ownTeam ? w.agents.filter((a) => managerOf(w, a)?.teamId === teamId) : w.agents
    const to = this.kind === "reclaim" ? null : pick(agents, this.agent)!
    this.resolved = `${short(leader)}: ${short(item.id)} ${short(item.assigneeId)} → ${short(to)}`
    await w.winback.as(leader).allocation.workItems({ ids: [item.id], to, ...(this.kind === "pool" ? { from: null } : {}) })
  }
}

/** Picks an open item the actor holds (or, with `anyItem`, any item at all). */
const itemFor = (w: World, actor: string, n: number, anyItem: boolean) => {
  const m = managerOf(w, actor)
  const mine = w.items.filter((i) => isOpen(i) && (i.assigneeId === actor || (m?.roles.includes("team-leader") && i.teamId === m.teamId)))
  return pick(anyItem || mine.length === 0 ? w.items : mine, n)
}
const actorOf = (w: World, leader: boolean, n: number) => (leader ? pick(w.leaders, n)! : pick(w.agents, n)!)

/**
 * A call's outcome on an open item, recorded by its assignee, the assignee's leader or someone else
 * (`retry`: an item already attempted, so retry delays and the maximum come into play).
 */
class Call extends ModelCommand {
  constructor(
    readonly by: "assignee" | "leader" | "someone",
    readonly who: number,
    readonly item: number,
    readonly retry: boolean,
    readonly disposition: Disposition,
    readonly complete: boolean,
    readonly siblings: boolean
  ) {
    super()
  }
  get label() {
    return `call(by ${this.by}${this.by === "someone" ? `#${this.who}` : ""}, item#${this.item}${this.retry ? " attempted before" : ""}, ${this.disposition}${this.complete ? ", complete" : ""}${this.siblings ? ", with siblings" : ""})`
  }
  async act(w: World) {
    const open = w.items.filter((i) => isOpen(i) && i.assigneeId !== null)
    // A retry goes to one of the most attempted items: that is where delays and the maximum bite.
    const most = Math.max(0, ...open.map((i) => i.attempts.length))
    const attempted = open.filter((i) => i.attempts.length > 0 && i.attempts.length === most)
    const item = pick(this.retry && attempted.length ? attempted : open, this.item)
    if (!item) return
    const teamLeader = w.leaders.find((l) => managerOf(w, l)?.teamId === managerOf(w, item.assigneeId!)?.teamId)
    const actor = this.by === "assignee" ? item.assigneeId! : this.by === "leader" && teamLeader ? teamLeader : pick([...w.agents, ...w.leaders], this.who)!
    this.actor = actor
    const ids = [item.id, ...(this.siblings ? w.items.filter((i) => i.id !== item.id && i.customerId === item.customerId && isOpen(i) && i.assigneeId === item.assigneeId).map((i) => i.id) : [])]
    this.resolved = `${short(actor)}: ${ids.map(short).join(", ")} (${item.state}, ${item.attempts.length} attempt(s))`
    await w.winback.as(actor).execution.recordCall({ customerId: item.customerId, itemIds: ids, disposition: this.disposition, complete: this.complete })
  }
}

/**
 * DND added mid-work: by the holder of an open item for its customer on the item's channel (the
 * customer asks during the call), or by an agent or leader for a customer in their scope, or for
 * any customer (mostly refused).
 */
class AddDnd extends ModelCommand {
  customerId: string | null = null
  constructor(
    readonly mode: "item" | "own" | "any",
    readonly byLeader: boolean,
    readonly who: number,
    readonly customer: number,
    readonly channel: "phone" | "sms"
  ) {
    super()
  }
  get label() {
    return `dnd(${this.mode === "item" ? "holder of open item" : this.byLeader ? "leader" : "agent"}#${this.who}, customer#${this.customer}${this.mode === "any" ? " any" : ""}, ${this.channel})`
  }
  async act(w: World) {
    this.customerId = null
    const item = this.mode === "item" ? pick(w.items.filter((i) => isOpen(i) && i.assigneeId !== null), this.customer) : undefined
    if (this.mode === "item" && !item) return
    const actor = item ? item.assigneeId! : actorOf(w, this.byLeader, this.who)
    this.actor = actor
    const own = [...customerScope(w, actor, w.items)].sort()
    const customerId = item ? item.customerId : this.mode === "any" || own.length === 0 ? pick(w.customers, this.customer)!.id : pick(own, this.customer)!
    const channel = item && (item.channel === "phone" || item.channel === "sms") ? item.channel : this.channel
    this.resolved = `${short(actor)}: ${customerId} ${channel}`
    this.customerId = customerId
    await w.winback.as(actor).contacts.addDnd({ customerId, channel, reason: "asked during the call" })
    const per = w.dnd.get(customerId) ?? new Map<string, number>()
    if (!per.has(channel)) per.set(channel, w.clock.now)
    w.dnd.set(customerId, per)
  }
}

class Book extends ModelCommand {
  constructor(
    readonly who: number,
    readonly item: number,
    readonly minutesAhead: number
  ) {
    super()
  }
  get label() {
    return `book(agent#${this.who}, item#${this.item}, +${this.minutesAhead} min)`
  }
  async act(w: World) {
    const actor = pick(w.agents, this.who)!
    this.actor = actor
    const item = itemFor(w, actor, this.item, false)
    if (!item) return
    this.resolved = `${short(actor)}: ${short(item.id)}`
    await w.winback.as(actor).appointments.book({ customerId: item.customerId, at: at(w.clock.now + this.minutesAhead * MINUTE), channel: "phone", workItemId: item.id })
  }
}

/** An SMS batch of the campaign by the holder of an open campaign item (`onDnd`: one whose customer asked for SMS DND, if any). */
class SendSms extends ModelCommand {
  override readonly partialByDesign = true
  constructor(
    readonly item: number,
    readonly onDnd: boolean
  ) {
    super()
  }
  get label() {
    return `sms-batch(holder of campaign item#${this.item}${this.onDnd ? ", a customer on SMS DND if any" : ""})`
  }
  async act(w: World) {
    const held = w.items.filter((i) => isOpen(i) && i.assigneeId !== null && i.taskId === "t-campaign-bj")
    const onDnd = held.filter((i) => w.dnd.get(i.customerId)?.has("sms"))
    const item = pick(this.onDnd && onDnd.length ? onDnd : held, this.item)
    if (!item) return
    const actor = item.assigneeId!
    this.actor = actor
    const r = await w.winback.as(actor).sms.sendBatch({ taskId: "t-campaign-bj", template: "Dear {{name}}, a gift is waiting for you." })
    this.resolved = `${short(actor)}: sent ${r.sent.length}, skipped ${r.skipped.length}`
  }
}

/** Dialling the customer of an open item by its holder; `onDnd` prefers customers who asked for phone DND. */
class Dial extends ModelCommand {
  constructor(
    readonly item: number,
    readonly onDnd: boolean
  ) {
    super()
  }
  get label() {
    return `dial(item#${this.item}${this.onDnd ? ", a customer on phone DND if any" : ""})`
  }
  async act(w: World) {
    const held = w.items.filter((i) => isOpen(i) && i.assigneeId !== null)
    const onDnd = held.filter((i) => w.dnd.get(i.customerId)?.has("phone"))
    const item = pick(this.onDnd && onDnd.length ? onDnd : held, this.item)
    if (!item) return
    const actor = item.assigneeId!
    this.actor = actor
    this.resolved = `${short(actor)}: ${item.customerId}`
    const r = await w.winback.as(actor).execution.dial({ customerId: item.customerId, itemIds: [item.id] })
    this.resolved += r.dialled ? " dialled" : ` not dialled (${r.reasons.map((x) => x.code).join(",")})`
  }
}

class Reminders extends ModelCommand {
  label = "reminders"
  async act(w: World) {
    this.actor = w.directors[0]!
    const r = await w.winback.as(w.directors[0]!).appointments.sendDueReminders({ smsToAgent: true })
    this.resolved = `${r.reminded.length} reminded`
  }
}

/** Not generated: the checks after a run's last command (the audit chain, verified every fifth step). */
class FinalCheck extends ModelCommand {
  label = "end of run"
  async act() {
    this.resolved = ""
  }
}

class Advance extends ModelCommand {
  constructor(readonly minutes: number) {
    super()
  }
  get label() {
    return `advance(${this.minutes} min)`
  }
  async act(w: World) {
    w.clock.now += this.minutes * MINUTE
    this.resolved = at(w.clock.now)
  }
}

/** The command generators (weights favour the work itself). */
export const commandArbitraries = (): Array<fc.Arbitrary<fc.AsyncCommand<Record<string, never>, World>>> => {
  const n = fc.nat({ max: 50 })
  const policy = fc.constantFrom("owner" as const, "round-robin" as const, "unassigned" as const)
  const weighted = <A>(arb: fc.Arbitrary<A>, weight: number) => ({ arbitrary: arb, weight })
  const one = fc.oneof(
    weighted(fc.tuple(n, policy, policy, n).map(([r, a, c, t]) => new Extract(r, a, c, t)), 4),
    weighted(
      fc.tuple(n, n, fc.array(fc.record({ customer: n, inScope: fc.boolean(), agent: fc.option(n, { freq: 3 }) }), { minLength: 1, maxLength: 3 })).map(([l, t, lines]) => new Import(l, t, lines)),
      3
    ),
    weighted(fc.tuple(fc.constantFrom("transfer" as const, "reclaim" as const, "pool" as const), n, n, n, fc.boolean()).map(([k, l, i, a, o]) => new Allocate(k, l, i, a, o)), 3),
    weighted(
      fc
        .tuple(fc.constantFrom("assignee" as const, "assignee" as const, "assignee" as const, "leader" as const, "someone" as const), n, n, fc.boolean(), fc.constantFrom(...DISPOSITIONS), fc.boolean(), fc.boolean())
        .map(([by, w, i, r, d, c, s]) => new Call(by, w, i, r, d, c, s)),
      8
    ),
    // Redialling an attempted item without reaching the customer: the retry policy's own ground.
    weighted(fc.tuple(n, fc.constantFrom(...NOT_REACHED)).map(([i, d]) => new Call("assignee", 0, i, true, d, false, false)), 3),
    weighted(
      fc.tuple(fc.constantFrom("item" as const, "item" as const, "own" as const, "any" as const), fc.boolean(), n, n, fc.constantFrom("phone" as const, "sms" as const)).map(([m, b, w, c, ch]) => new AddDnd(m, b, w, c, ch)),
      3
    ),
    weighted(fc.tuple(n, n, fc.integer({ min: 5, max: 3000 })).map(([w, i, m]) => new Book(w, i, m)), 1),
    weighted(fc.tuple(n, fc.boolean()).map(([i, d]) => new SendSms(i, d)), 2),
    weighted(fc.tuple(n, fc.boolean()).map(([i, d]) => new Dial(i, d)), 4),
    weighted(fc.constant(null).map(() => new Reminders()), 1),
    weighted(fc.constantFrom(2, 30, 125, 250, 24 * 60, 2 * 24 * 60 + 7).map((m) => new Advance(m)), 4)
  )
  return [one]
}

// ---------------------------------------------------------------------------------------------
// Invariant checks
// ---------------------------------------------------------------------------------------------

interface CheckContext {
  readonly w: World
  readonly cmd: ModelCommand
  readonly before: ReadonlyArray<WorkItem>
  readonly after: ReadonlyArray<WorkItem>
  readonly outcome: Outcome
}

const changed = (before: ReadonlyArray<WorkItem>, after: ReadonlyArray<WorkItem>) => {
  const prior = new Map(before.map((i) => [i.id, i]))
  return after.filter((i) => {
    const p = prior.get(i.id)
    return p === undefined || p.version !== i.version || JSON.stringify(p) !== JSON.stringify(i)
  })
}

const checks: Record<InvariantName, (c: CheckContext) => Promise<ReadonlyArray<string>> | ReadonlyArray<string>> = {
  "dedup-one-open-hand-out": ({ w, after }) => {
    const out: Array<string> = []
    const byCustomer = new Map<string, Array<WorkItem>>()
    for (const i of after) if (isOpen(i)) byCustomer.set(i.customerId, [...(byCustomer.get(i.customerId) ?? []), i])
    for (const [customerId, open] of byCustomer) {
      const sorted = [...open].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
      for (let x = 0; x < sorted.length; x++) {
        for (let y = x + 1; y < sorted.length; y++) {
          const first = sorted[x]!
          const second = sorted[y]!
          const cooldown = (w.tasks.get(first.taskId)?.cooldownDays ?? 0) * DAY
          if (first.taskId === second.taskId) out.push(`customer ${customerId} holds two open items of task ${first.taskId}: ${first.id} (${first.assigneeId}) and ${second.id} (${second.assigneeId})`)
          else if (Date.parse(second.createdAt) < Date.parse(first.createdAt) + cooldown)
            out.push(`customer ${customerId} got ${second.id} (${second.taskId}, ${second.assigneeId}) at ${second.createdAt}, within the cool-down of open ${first.id} (${first.taskId}, ${first.assigneeId}) handed out at ${first.createdAt}`)
        }
      }
    }
    return out
  },
  "not-reached-never-completes": ({ after }) =>
    after.filter((i) => i.state === "completed" && i.disposition !== null && NOT_REACHED.includes(i.disposition)).map((i) => `${i.id} is completed with ${i.disposition}`),
  "attempts-within-maximum": ({ after }) =>
    after.flatMap((i) => {
      const n = i.attempts.filter((a) => NOT_REACHED.includes(a.disposition)).length
      return n > MAX_ATTEMPTS ? [`${i.id} has ${n} not-reached attempts (maximum ${MAX_ATTEMPTS}): ${i.attempts.map((a) => a.disposition).join(", ")}`] : []
    }),
  "retry-delay-honoured": ({ before, after }) => {
    const prior = new Map(before.map((i) => [i.id, i]))
    const out: Array<string> = []
    for (const i of after) {
      const earlier = prior.get(i.id)?.attempts ?? []
      for (let k = earlier.length; k < i.attempts.length; k++) {
        const a = i.attempts[k]!
        if (!NOT_REACHED.includes(a.disposition)) continue
        const last = [...i.attempts.slice(0, k)].reverse().find((x) => NOT_REACHED.includes(x.disposition))
        if (!last) continue
        const delay = RETRY_DELAY_MIN[last.disposition]
        if (delay === null) out.push(`${i.id}: ${a.disposition} at ${a.at} after "not in service" at ${last.at} (no retry allowed)`)
        else if (delay !== undefined && Date.parse(a.at) < Date.parse(last.at) + delay * MINUTE)
          out.push(`${i.id}: ${a.disposition} at ${a.at}, before the earliest next attempt ${at(Date.parse(last.at) + delay * MINUTE)} (after ${last.disposition} at ${last.at})`)
      }
    }
    return out
  },
  "assignee-can-read-customer": async ({ w, before, after }) => {
    const held = new Set(before.filter((i) => isOpen(i) && i.assigneeId !== null).map((i) => `${i.assigneeId}|${i.customerId}`))
    const fresh = new Set(after.filter((i) => isOpen(i) && i.assigneeId !== null).map((i) => `${i.assigneeId}|${i.customerId}`).filter((k) => !held.has(k)))
    const out: Array<string> = []
    for (const key of fresh) {
      const [assignee, customerId] = key.split("|") as [string, string]
      const read = await w.winback
        .as(assignee)
        .customers.get(customerId)
        .then(() => null)
        .catch((e: unknown) => e)
      if (read !== null) {
        const item = after.find((i) => i.assigneeId === assignee && i.customerId === customerId && isOpen(i))!
        out.push(`${assignee} holds open ${item.id} but reading customer ${customerId} fails: ${errorName(read)}`)
      }
    }
    return out
  },
  "changes-within-actor-scope": ({ w, cmd, before, after, outcome }) => {
    if (cmd.actor === null) return []
    const out: Array<string> = []
    const scopes = new Map<string, Set<string>>()
    const scopeOf = (m: string) => scopes.get(m) ?? scopes.set(m, customerScope(w, m, before)).get(m)!
    for (const i of changed(before, after)) {
      // An extraction acts for each task's author: a task's population is bounded by its author's scope.
      const actor = cmd instanceof Extract ? (w.tasks.get(i.taskId)?.authorId ?? cmd.actor) : cmd.actor
      if (!scopeOf(actor).has(i.customerId)) out.push(`${cmd.label} as ${actor} changed ${i.id} of customer ${i.customerId} (region ${w.customers.find((c) => c.id === i.customerId)?.region}, owner ${w.customers.find((c) => c.id === i.customerId)?.ownerManagerId}), outside ${actor}'s scope (region ${regionOf(w, actor)})`)
    }
    if (cmd instanceof AddDnd && outcome.ok && cmd.customerId !== null && !scopeOf(cmd.actor).has(cmd.customerId)) out.push(`${cmd.actor} added a DND entry for customer ${cmd.customerId} outside their scope`)
    return out
  },
  "refusal-changes-nothing": ({ cmd, before, after, outcome }) => {
    if (outcome.ok || cmd.partialByDesign) return []
    return changed(before, after).map((i) => `${cmd.label} failed (${errorName(outcome.error)}) but changed ${i.id}`)
  },
  "no-contact-on-dnd": ({ w }) =>
    w.outbound.flatMap((o) => {
      const since = w.dnd.get(o.customerId)?.get(o.kind === "sms" ? "sms" : "phone")
      return since !== undefined && since <= w.clock.now ? [`${o.detail}: customer ${o.customerId} is on ${o.kind === "sms" ? "sms" : "phone"} DND since ${at(since)}`] : []
    }),
  "audit-chain-verifies": async ({ w, cmd }) => {
    // The chain is append-only, so a break stays: verifying every fifth step and after the last
    // one (see runModelSuite) finds every break at a fifth of the cost.
    if (!(cmd instanceof FinalCheck) && w.history.length % 5 !== 0) return []
    const v = await w.winback.as(w.directors[0]!).audit.verify()
    return v.ok ? [] : [`the audit chain breaks at seq ${v.firstBrokenSeq}: ${v.problem}`]
  },
  "commands-fail-cleanly": ({ outcome }) =>
    outcome.ok || [ValidationError, NotFound, Conflict, Forbidden, IntegrationError].some((k) => outcome.error instanceof k) ? [] : [`unexpected failure: ${errorName(outcome.error)}`]
}

/** Counterexamples of known-broken invariants, per suite: the shortest command path seen for each. */
export interface KnownBrokenReport {
  runs: number
  /** Steps per command kind: succeeded and refused (a refusal is a legitimate outcome). */
  readonly steps: Map<string, { ok: number; refused: number; errors: Record<string, number> }>
  /** Contacts that reached the outbound ports (what `no-contact-on-dnd` checks). */
  readonly outbound: { sms: number; dial: number }
  readonly seen: Map<string, { runs: number; path: ReadonlyArray<string>; message: string }>
}

let report: KnownBrokenReport | undefined
let settings: ReturnType<typeof modelConfig> | undefined

const checkInvariants = async (w: World, cmd: ModelCommand, before: ReadonlyArray<WorkItem>, after: ReadonlyArray<WorkItem>, outcome: Outcome) => {
  const cfg = settings!
  for (const name of INVARIANTS) {
    if (!cfg.checked.has(name)) continue
    const violations = await checks[name]({ w, cmd, before, after, outcome })
    if (violations.length === 0) continue
    if (cfg.knownBroken.has(name)) {
      const prior = report!.seen.get(name)
      if (!prior || prior.path.length > w.history.length) report!.seen.set(name, { runs: prior?.runs ?? 0, path: [...w.history], message: violations[0]! })
      ;(w as World & { broken?: Set<string> }).broken ??= new Set()
      ;(w as World & { broken?: Set<string> }).broken!.add(name)
      continue
    }
    throw new Error(`invariant ${name} violated after step ${w.history.length}:\n  ${violations.slice(0, 3).join("\n  ")}\nsteps:\n  ${w.history.join("\n  ")}`)
  }
}

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

/**
 * Registers the model-based test for one storage. `openStorage` gives fresh stores per run (every
 * run, and every shrink step, starts from the seeded demo organisation).
 */
export const runModelSuite = (name: string, openStorage: () => Promise<ModelStorage>, sizes: ModelSizes = {}) => {
  const cfg = modelConfig(sizes)
  describe(`model-based test on ${name}`, () => {
    // The first storage of a file boots the engine (PGlite: seconds on a loaded machine): not in the budget.
    beforeAll(async () => {
      await (await openWorld(openStorage)).close()
    })
    it(
      `every invariant holds after every command (${cfg.runs} runs × up to ${cfg.commands} commands)`,
      async () => {
        settings = cfg
        report = { runs: 0, steps: new Map(), outbound: { sms: 0, dial: 0 }, seen: new Map() }
        // The budget is checked between runs, never inside one: fast-check's own time limit stops
        // awaiting the run in progress, which then went on against its storage after the test ended.
        const started = performance.now()
        let skipped = 0
        const property = fc.asyncProperty(fc.commands(commandArbitraries(), { maxCommands: cfg.commands, size: "max", ...(cfg.replayPath === undefined ? {} : { replayPath: cfg.replayPath }) }), async (cmds) => {
          if (performance.now() - started > cfg.budgetMs) {
            skipped++
            return
          }
          const w = await openWorld(openStorage)
          try {
            w.items = await readAllItems(w.winback)
            await fc.asyncModelRun(() => ({ model: {}, real: w }), cmds)
            await new FinalCheck().run({}, w)
          } finally {
            report!.runs++
            for (const b of (w as World & { broken?: Set<string> }).broken ?? []) report!.seen.get(b)!.runs++
            await w.close()
          }
        })
        const details = await fc.check(property, {
          numRuns: cfg.runs,
          // Only a safety net (the budget above ends the runs); overrides the global 30 s limit.
          interruptAfterTimeLimit: cfg.budgetMs * 4 + 60_000,
          markInterruptAsFailure: false,
          ...(cfg.seed === undefined ? {} : { seed: cfg.seed }),
          ...(cfg.path === undefined ? {} : { path: cfg.path })
        })
        const lines = [`model-based test on ${name}: ${report.runs} run(s)${skipped ? ` (${skipped} more skipped: the ${cfg.budgetMs / 1000} s budget ran out)` : ""}, seed ${details.seed}`]
        lines.push(`  steps (ok/refused): ${[...report.steps].map(([k, t]) => `${k} ${t.ok}/${t.refused}${t.refused ? ` (${Object.entries(t.errors).map(([e, n]) => `${e} ${n}`).join(" ")})` : ""}`).join(", ")}; outbound: ${report.outbound.sms} SMS, ${report.outbound.dial} dialled`)
        for (const k of cfg.knownBroken) {
          const seen = report.seen.get(k)
          lines.push(
            seen
              ? `  KNOWN BROKEN ${k}: violated in ${seen.runs} run(s); shortest path (${seen.path.length} steps):\n      ${seen.path.join("\n      ")}\n    → ${seen.message}`
              : `  known-broken ${k} held in all ${report.runs} run(s): once it also holds with WINBACK_HEAVY=1, remove it from KNOWN_BROKEN_DEFAULT (packages/adapters/test/modelSupport.ts)`
          )
        }
        console.log(lines.join("\n"))
        if (details.failed) {
          const replay = /replayPath="([^"]*)"/.exec(String(details.counterexample?.[0] ?? ""))?.[1]
          const sizes = `WINBACK_MODEL_RUNS=${cfg.runs} WINBACK_MODEL_COMMANDS=${cfg.commands}`
          throw new Error(
            `${fc.defaultReportMessage(details)}\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\nreplay: ${sizes} WINBACK_MODEL_SEED=${details.seed} WINBACK_MODEL_PATH=${details.counterexamplePath ?? ""}${replay ? ` WINBACK_MODEL_REPLAY='${replay}'` : ""} pnpm vitest run --project adapters model.${name}`
          )
        }
        expect(report.runs).toBeGreaterThan(0)
      },
      Math.max(120_000, cfg.budgetMs * 5 + 60_000)
    )
  })
}
