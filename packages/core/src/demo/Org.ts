/**
 * The demo organisation: per region a team tree (region root → districts → squads), each team
 * with exactly one admin, and the staff filling it — a director and an approver at the root, a
 * leader per district and squad, agents in the squads — with profiles, training and work history.
 */
import type { Manager, Role, TrainingRecord, WorkHistoryEntry } from "../org/Manager"
import type { Team } from "../org/Team"
import { dayNumber, instantAt, isoDay } from "./internal/dates"
import { personName } from "./internal/names"
import { teamNames } from "./internal/places"
import type { DemoOptions } from "./Options"
import { makeRandom, type Random } from "./Random"

/**
 * The demo logins: one manager id per role to sign in with, and every agent per region.
 *
 * @example
 * ```ts
 * const { org } = generateDemo({ customers: 10 })
 * org.logins.agent // "m-beijing-d1-s1-a01"
 * ```
 */
export interface DemoLogins {
  /** An agent (the first squad's first agent of the first region). */
  readonly agent: string
  /** The leader (and admin) of that agent's squad. */
  readonly teamLeader: string
  /** The leader (and admin) of that squad's district. */
  readonly districtLeader: string
  /** The region director (admin of the region's root team). */
  readonly director: string
  /** The region's marketing approver. */
  readonly approver: string
}

/**
 * The generated organisation.
 *
 * @example
 * ```ts
 * const org = generateOrg(resolveDemoOptions({}))
 * org.teams.filter((t) => t.parentId === null).length // one root per region
 * ```
 */
export interface DemoOrg {
  /** Every team, parents before children. */
  readonly teams: ReadonlyArray<Team>
  /** Every manager, in team order. */
  readonly managers: ReadonlyArray<Manager>
  /** Agent ids per region name (customers' owners are drawn from these). */
  readonly agentsByRegion: ReadonlyMap<string, ReadonlyArray<string>>
  /** Ready-made logins for demos and tests. */
  readonly logins: DemoLogins
}

const courses = [
  "Retention conversation basics",
  "Retention offers catalogue",
  "Complaint handling and call-back",
  "Customer data confidentiality",
  "Dunning and payment reminders",
  "VIP service standards"
] as const

const pad = (n: number, width = 2): string => String(n).padStart(width, "0")

const profileFor = (rng: Random, id: string, asOfDay: number, teamId: string, roles: ReadonlyArray<Role>): Manager["profile"] => {
  const joined = asOfDay - rng.int(90, 365 * 12)
  const trainingRecords: Array<TrainingRecord> = []
  const n = rng.int(1, 3)
  const pool = [...courses]
  for (let i = 0; i < n; i++) {
    const course = pool.splice(rng.int(0, pool.length - 1), 1)[0]!
    trainingRecords.push({ course, completedOn: isoDay(rng.int(joined + 7, asOfDay - 1)), score: rng.int(60, 100) })
  }
  trainingRecords.sort((a, b) => (a.completedOn < b.completedOn ? -1 : a.completedOn > b.completedOn ? 1 : 0))
  const workHistory: Array<WorkHistoryEntry> = [{ at: instantAt(joined, 60), kind: "joined", detail: `joined as ${roles.join(", ")}` }]
  if (rng.chance(0.3)) {
    workHistory.push({ at: instantAt(rng.int(joined + 30, asOfDay - 1), 60), kind: "team-move", detail: `moved to ${teamId}` })
  }
  return {
    email: `${id}@example.com`,
    phone: `+86139${pad(rng.int(0, 99_999_999), 8)}`,
    trainingRecords,
    workHistory
  }
}

/**
 * Builds the organisation for the options' regions, districts, squads and agents. Ids are
 * readable and the same in either name style: `t-beijing`, `t-beijing-d1`, `t-beijing-d1-s2`;
 * `m-beijing-director`, `m-beijing-approver`, `m-beijing-d1-lead`, `m-beijing-d1-s2-lead`,
 * `m-beijing-d1-s2-a07`. Team names follow `names`: "北京大区", "朝阳营业部", "朝阳营业部二组" in
 * `hanzi`; "Beijing region", "Chaoyang branch", "Chaoyang branch squad 2" in `pinyin` (regions and
 * branches beyond the known cities' districts are numbered).
 *
 * @example
 * ```ts
 * const org = generateOrg(resolveDemoOptions({ regions: ["north"], agentsPerTeam: 3 }))
 * org.managers.filter((m) => m.roles.includes("agent")).length // 3 districts × 2 squads × 3
 * generateOrg(resolveDemoOptions({ names: "hanzi" })).teams[2]!.name // "朝阳营业部一组"
 * ```
 */
export const generateOrg = (options: DemoOptions): DemoOrg => {
  const rng = makeRandom(options.seed, "org")
  const asOfDay = dayNumber(options.asOf)
  const teams: Array<Team> = []
  const managers: Array<Manager> = []
  const agentsByRegion = new Map<string, Array<string>>()
  const addManager = (id: string, roles: ReadonlyArray<Role>, teamId: string, region: string): string => {
    managers.push({
      id,
      name: personName(rng, options.names),
      roles: [...roles],
      teamId,
      region,
      active: true,
      profile: profileFor(rng, id, asOfDay, teamId, roles),
      version: 1
    })
    return id
  }
  for (const { name: region } of options.regions) {
    const rootId = `t-${region}`
    const named = teamNames(region, options.names)
    const director = `m-${region}-director`
    teams.push({ id: rootId, name: named.root, region, parentId: null, adminId: director, version: 1 })
    addManager(director, ["director", "admin"], rootId, region)
    addManager(`m-${region}-approver`, ["approver"], rootId, region)
    const agents: Array<string> = []
    for (let d = 1; d <= options.districtsPerRegion; d++) {
      const districtId = `${rootId}-d${d}`
      const districtLead = `m-${region}-d${d}-lead`
      teams.push({ id: districtId, name: named.branch(d), region, parentId: rootId, adminId: districtLead, version: 1 })
      addManager(districtLead, ["team-leader", "admin"], districtId, region)
      for (let s = 1; s <= options.squadsPerDistrict; s++) {
        const squadId = `${districtId}-s${s}`
        const squadLead = `m-${region}-d${d}-s${s}-lead`
        teams.push({ id: squadId, name: named.squad(d, s), region, parentId: districtId, adminId: squadLead, version: 1 })
        addManager(squadLead, ["team-leader", "admin"], squadId, region)
        for (let a = 1; a <= options.agentsPerTeam; a++) {
          agents.push(addManager(`m-${region}-d${d}-s${s}-a${pad(a)}`, ["agent"], squadId, region))
        }
      }
    }
    agentsByRegion.set(region, agents)
  }
  const first = options.regions[0]!.name
  return {
    teams,
    managers,
    agentsByRegion,
    logins: {
      agent: `m-${first}-d1-s1-a01`,
      teamLeader: `m-${first}-d1-s1-lead`,
      districtLeader: `m-${first}-d1-lead`,
      director: `m-${first}-director`,
      approver: `m-${first}-approver`
    }
  }
}
