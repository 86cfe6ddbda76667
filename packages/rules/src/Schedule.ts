/**
 * Schedules of alert tasks: a daily, weekly or monthly cycle, an execution window in a time zone,
 * a start and an expiry date, and "skip public holidays" / "working days only" through a
 * {@link BusinessCalendar}. Pure: the day or instant is always passed in.
 */
import * as z from "zod"
import type { BusinessCalendar } from "./BusinessCalendar"
import { ValidationError } from "./ValidationError"
import { civil, } from "./internal/civil"
import { dayNumber, isoDay, isoWeekday } from "./internal/dates"

const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Expected HH:MM")
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Expected YYYY-MM-DD")

/**
 * A schedule. `weekdays`: ISO (Monday = 1 … Sunday = 7), for weekly cycles; `daysOfMonth`: 1–31
 * for monthly cycles (31 means the last day in shorter months). The window is `[start, end)` in
 * `timeZone`; an end before the start runs past midnight.
 *
 * @example
 * ```ts
 * const s = Schedule.parse({ cycle: "weekly", weekdays: [1, 4], window: { start: "09:00", end: "17:30" },
 *   timeZone: "Asia/Shanghai", startsOn: "2026-11-01", expiresOn: "2027-03-31", skipHolidays: true })
 * ```
 */
export const Schedule = z
  .strictObject({
    cycle: z.enum(["daily", "weekly", "monthly"]),
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).optional(),
    daysOfMonth: z.array(z.number().int().min(1).max(31)).min(1).optional(),
    window: z.strictObject({ start: Hhmm, end: Hhmm }),
    timeZone: z.string().min(1).default("UTC"),
    startsOn: Day,
    expiresOn: Day.nullable().default(null),
    skipHolidays: z.boolean().default(false),
    workdaysOnly: z.boolean().default(false)
  })
  .superRefine((s, ctx) => {
    if (s.cycle === "weekly" && !s.weekdays) ctx.addIssue({ code: "custom", path: ["weekdays"], message: "A weekly cycle needs weekdays" })
    if (s.cycle === "monthly" && !s.daysOfMonth) ctx.addIssue({ code: "custom", path: ["daysOfMonth"], message: "A monthly cycle needs daysOfMonth" })
    if (s.expiresOn !== null && s.expiresOn < s.startsOn) ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "Expires before it starts" })
    if (s.window.start === s.window.end) ctx.addIssue({ code: "custom", path: ["window", "end"], message: "The window is empty" })
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: s.timeZone })
    } catch {
      ctx.addIssue({ code: "custom", path: ["timeZone"], message: `Unknown time zone '${s.timeZone}'` })
    }
  })
/** @see {@link Schedule} */
export type Schedule = z.infer<typeof Schedule>

/**
 * Parses a schedule, throwing `ValidationError` with every issue.
 *
 * @example
 * ```ts
 * const s = parseSchedule({ cycle: "daily", window: { start: "09:00", end: "18:00" }, startsOn: "2026-11-01" })
 * ```
 */
export const parseSchedule = (input: unknown): Schedule => {
  const r = Schedule.safeParse(input)
  if (!r.success) throw ValidationError.fromZod(r.error, "schedule")
  return r.data
}

/**
 * Whether the task runs on a day (in the schedule's time zone): within start/expiry, on the
 * cycle, and — when asked — not a public holiday / a working day.
 *
 * @example
 * ```ts
 * isDue(s, "2026-10-01", chinaCalendar) // false: National Day is a holiday
 * ```
 */
export const isDue = (s: Schedule, day: string, calendar?: BusinessCalendar): boolean => {
  if (day < s.startsOn || (s.expiresOn !== null && day > s.expiresOn)) return false
  const n = dayNumber(day)
  if (s.cycle === "weekly" && !s.weekdays!.includes(isoWeekday(n))) return false
  if (s.cycle === "monthly") {
    const c = civil(n)
    const last = civil(n + 1).d === 1
    if (!s.daysOfMonth!.some((d) => d === c.d || (last && d > c.d))) return false
  }
  if ((s.skipHolidays || s.workdaysOnly) && !calendar) throw new Error("This schedule needs a BusinessCalendar")
  if (s.skipHolidays && calendar!.isHoliday(day)) return false
  if (s.workdaysOnly && !calendar!.isWorkday(day)) return false
  return true
}

/**
 * The next `count` days on which the task runs, from `from` (inclusive), looking at most 3 years ahead.
 *
 * @example
 * ```ts
 * nextRuns(s, "2026-11-20", 3, calendar) // ["2026-11-20", "2026-11-23", "2026-11-26"]
 * ```
 */
export const nextRuns = (s: Schedule, from: string, count: number, calendar?: BusinessCalendar): string[] => {
  const out: string[] = []
  const start = Math.max(dayNumber(from), dayNumber(s.startsOn))
  for (let n = start; out.length < count && n < start + 1100; n++) {
    const d = isoDay(n)
    if (s.expiresOn !== null && d > s.expiresOn) break
    if (isDue(s, d, calendar)) out.push(d)
  }
  return out
}

const offsetMs = (timeZone: string, utcMs: number): number => {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(utcMs))
  const get = (t: string) => +(parts.find((p) => p.type === t)?.value ?? 0)
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - Math.floor(utcMs / 1000) * 1000
}

const localToUtc = (day: number, hhmm: string, timeZone: string): number => {
  const guess = day * 86_400_000 + (+hhmm.slice(0, 2) * 60 + +hhmm.slice(3, 5)) * 60_000
  const first = guess - offsetMs(timeZone, guess)
  return guess - offsetMs(timeZone, first)
}

/**
 * The execution window of a day as UTC instants (`[startsAt, endsAt)`), or null when not due.
 *
 * @example
 * ```ts
 * windowOn(s, "2026-11-20", calendar) // { startsAt: "2026-11-20T01:00:00.000Z", endsAt: "2026-11-20T09:30:00.000Z" }
 * ```
 */
export const windowOn = (s: Schedule, day: string, calendar?: BusinessCalendar): { startsAt: string; endsAt: string } | null => {
  if (!isDue(s, day, calendar)) return null
  const n = dayNumber(day)
  const overnight = s.window.end <= s.window.start
  return {
    startsAt: new Date(localToUtc(n, s.window.start, s.timeZone)).toISOString(),
    endsAt: new Date(localToUtc(overnight ? n + 1 : n, s.window.end, s.timeZone)).toISOString()
  }
}

/**
 * Whether an instant falls in an execution window (of its own day or, for overnight windows, of the day before).
 *
 * @example
 * ```ts
 * isWithinWindow(s, "2026-11-20T02:00:00Z", calendar) // true
 * ```
 */
export const isWithinWindow = (s: Schedule, instant: string, calendar?: BusinessCalendar): boolean => {
  const ms = Date.parse(instant)
  const localDay = Math.floor((ms + offsetMs(s.timeZone, ms)) / 86_400_000)
  for (const d of [localDay, localDay - 1]) {
    const w = windowOn(s, isoDay(d), calendar)
    if (w && Date.parse(w.startsAt) <= ms && ms < Date.parse(w.endsAt)) return true
  }
  return false
}
