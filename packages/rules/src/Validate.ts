/**
 * Validation before approval: structure (zod), then meaning against the fact catalogue —
 * unknown fields, operators and event types, type mismatches, impossible thresholds, windows
 * longer than the history kept. Every problem is reported with the path of its node.
 */
import type { FactCatalog, FactField } from "./FactCatalog"
import { defaultFactCatalog } from "./FactCatalog"
import { Rule } from "./Rule"
import type { Condition, DailyCondition, DateRef, NumExpr } from "./Rule"
import { ValidationError, type ValidationIssue } from "./ValidationError"

/**
 * Options of {@link validateRule}: the catalogue, and the history the host keeps when it differs
 * from the catalogue's.
 *
 * @example
 * ```ts
 * const options: ValidateOptions = { history: { days: 60, months: 13 } }
 * ```
 */
export interface ValidateOptions {
  readonly catalog?: FactCatalog | undefined
  readonly history?: { readonly days: number; readonly months: number } | undefined
}

type Path = ReadonlyArray<string | number>
/** The largest `dateBetween` offsets: a century either way. */
const MAX_OFFSET = { days: 36_525, months: 1_200 } as const
type Range = readonly [number, number]
const ANY: Range = [-Infinity, Infinity]

/**
 * Checks a rule; returns every issue (empty when the rule is valid).
 *
 * @example
 * ```ts
 * import { validateRule } from "@winback/rules"
 * validateRule({ when: { op: "attribute", field: "colour", cmp: "=", value: "red" } })
 * // [{ path: ["when", "field"], code: "unknown_field", message: "Unknown attribute 'colour'" }]
 * ```
 */
export const validateRule = (input: unknown, options: ValidateOptions = {}): ReadonlyArray<ValidationIssue> => {
  const parsed = Rule.safeParse(input)
  if (!parsed.success) {
    return parsed.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
      message: i.message,
      code: i.code === "unrecognized_keys" ? "unknown_field" : i.code === "invalid_union" || i.code === "invalid_value" ? "unknown_operator" : i.code
    }))
  }
  const catalog = options.catalog ?? defaultFactCatalog
  const history = options.history ?? catalog.history
  const issues: ValidationIssue[] = []
  const add = (path: Path, code: string, message: string): void => {
    issues.push({ path, code, message })
  }

  const window = (path: Path, n: number, skip: number | undefined, unit: "days" | "months", key: string): void => {
    if (n < 1) add([...path, key], "negative_window", `A window needs at least one ${unit.slice(0, -1)} (got ${n})`)
    if ((skip ?? 0) < 0) add([...path, "skip"], "negative_window", `skip cannot be negative (got ${skip})`)
    const limit = unit === "days" ? history.days : history.months
    if ((skip ?? 0) + n > limit) add([...path, key], "history_exceeded", `The window reaches ${(skip ?? 0) + n} ${unit} back; only ${limit} are kept`)
  }
  const eventTypes = (path: Path, types: ReadonlyArray<string>): void =>
    types.forEach((t, i) => {
      if (!catalog.eventTypes.includes(t)) add([...path, i], "unknown_event_type", `Unknown event type '${t}'`)
    })

  const daily = (c: DailyCondition, path: Path): void => {
    switch (c.op) {
      case "all":
      case "any":
        if (c.of.length === 0) add([...path, "of"], "empty_group", `'${c.op}' needs at least one condition`)
        c.of.forEach((o, i) => daily(o, [...path, "of", i]))
        return
      case "not":
        return daily(c.of, [...path, "of"])
      case "metric": {
        const f = catalog.daily[c.metric]
        if (!f) return add([...path, "metric"], "unknown_field", `Unknown daily metric '${c.metric}'`)
        if (f.type === "boolean") {
          if (typeof c.value !== "boolean") add([...path, "value"], "type_mismatch", `'${c.metric}' is boolean; compare it with true or false`)
          if (c.cmp !== "=" && c.cmp !== "!=") add([...path, "cmp"], "type_mismatch", `'${c.metric}' is boolean; only = and != apply`)
        } else if (typeof c.value !== "number") add([...path, "value"], "type_mismatch", `'${c.metric}' is numeric; compare it with a number`)
        return
      }
    }
  }

  const dateRef = (r: DateRef, path: Path): void => {
    if (r.kind === "attribute") {
      const f = catalog.attributes[r.field]
      if (!f) add([...path, "field"], "unknown_field", `Unknown attribute '${r.field}'`)
      else if (f.type !== "date") add([...path, "field"], "type_mismatch", `'${r.field}' is not a date`)
    } else if (r.kind === "monthField") {
      const f = catalog.monthly[r.field]
      if (!f) add([...path, "field"], "unknown_field", `Unknown monthly field '${r.field}'`)
      else if (f.type !== "date") add([...path, "field"], "type_mismatch", `'${r.field}' is not a date`)
      const ago = r.monthsAgo ?? 0
      if (ago < 0) add([...path, "monthsAgo"], "negative_window", `monthsAgo cannot be negative (got ${ago})`)
      if (ago >= history.months) add([...path, "monthsAgo"], "history_exceeded", `Month −${ago} is older than the ${history.months} months kept`)
    } else eventTypes([...path, "types"], r.types)
  }

  const numericMetric = (f: FactField | undefined, name: string, path: Path, what: string): Range => {
    if (!f) {
      add(path, "unknown_field", `Unknown ${what} '${name}'`)
      return ANY
    }
    if (f.type !== "number" && f.type !== "int") {
      add(path, "type_mismatch", `'${name}' is ${f.type}, not a number`)
      return ANY
    }
    return [f.min ?? -Infinity, Infinity]
  }

  const aggRange = (fn: string, r: Range, size: number): Range =>
    fn === "count" ? [0, size] : fn === "sum" ? (r[0] >= 0 ? [0, Infinity] : ANY) : r

  // Returns the range of values the expression can take (for impossible-threshold checks).
  const num = (e: NumExpr, path: Path): Range => {
    if (typeof e === "number") return [e, e]
    switch (e.kind) {
      case "attribute": {
        const f = catalog.attributes[e.field]
        return numericMetric(f, e.field, [...path, "field"], "attribute")
      }
      case "byAttribute": {
        const f = catalog.attributes[e.field]
        if (!f) add([...path, "field"], "unknown_field", `Unknown attribute '${e.field}'`)
        else if (f.type === "tier" || f.type === "enum") {
          const allowed = f.type === "tier" ? catalog.tiers : (f.values ?? [])
          for (const k of Object.keys(e.values))
            if (!allowed.includes(k)) add([...path, "values", k], "unknown_value", `'${k}' is not a ${f.type === "tier" ? "tier" : `value of ${e.field}`}`)
        } else if (e.field === "region" && catalog.regions) {
          for (const k of Object.keys(e.values)) if (!catalog.regions.includes(k)) add([...path, "values", k], "unknown_value", `Unknown region '${k}'`)
        } else if (f.type !== "string") add([...path, "field"], "type_mismatch", `A parameter table needs a string, enum or tier attribute; '${e.field}' is ${f.type}`)
        const vs = [...Object.values(e.values), ...(e.otherwise === undefined || e.otherwise === null ? [] : [e.otherwise])]
        return vs.length ? [Math.min(...vs), Math.max(...vs)] : ANY
      }
      case "daily": {
        window(path, e.days, e.skip, "days", "days")
        if (e.where) daily(e.where, [...path, "where"])
        if (e.fn === "value" && e.days !== 1) add([...path, "fn"], "type_mismatch", "'value' reads a single day: use days: 1")
        if (e.fn === "count") return [0, Math.max(0, e.days)]
        if (e.metric === undefined) {
          add([...path, "metric"], "missing_metric", `'${e.fn}' needs a metric`)
          return ANY
        }
        return aggRange(e.fn, numericMetric(catalog.daily[e.metric], e.metric, [...path, "metric"], "daily metric"), e.days)
      }
      case "monthly": {
        window(path, e.months, e.skip, "months", "months")
        if (e.fn === "value" && e.months !== 1) add([...path, "fn"], "type_mismatch", "'value' reads a single month: use months: 1")
        const r = numericMetric(catalog.monthly[e.metric], e.metric, [...path, "metric"], "monthly metric")
        return aggRange(e.fn, r, e.months)
      }
      case "streak":
        window(path, e.days, 0, "days", "days")
        daily(e.where, [...path, "where"])
        return [0, Math.max(0, e.days)]
      case "events":
        window(path, e.days, e.skip, "days", "days")
        eventTypes([...path, "types"], e.types)
        return [0, Infinity]
      case "daysSince":
        dateRef(e.date, [...path, "date"])
        return ANY
      case "arith": {
        const l = num(e.left, [...path, "left"])
        const r = num(e.right, [...path, "right"])
        if (e.op === "/" && r[0] === 0 && r[1] === 0) add([...path, "right"], "impossible_threshold", "Division by zero")
        if (e.op === "*" && l[0] >= 0 && r[0] >= 0) return [0, Infinity]
        if (e.op === "+" && l[0] >= 0 && r[0] >= 0) return [l[0] + r[0], Infinity]
        return ANY
      }
      case "pctChange": {
        const f = num(e.from, [...path, "from"])
        const t = num(e.to, [...path, "to"])
        return f[0] >= 0 && t[0] >= 0 ? [-100, Infinity] : ANY
      }
    }
  }

  const never = (r: Range, cmp: string, c: Range): boolean =>
    (cmp === "<" && c[1] <= r[0]) ||
    (cmp === "<=" && c[1] < r[0]) ||
    (cmp === ">" && c[0] >= r[1]) ||
    (cmp === ">=" && c[0] > r[1]) ||
    (cmp === "=" && (c[1] < r[0] || c[0] > r[1]))

  const cond = (c: Condition, path: Path): void => {
    switch (c.op) {
      case "all":
      case "any":
        if (c.of.length === 0) add([...path, "of"], "empty_group", `'${c.op}' needs at least one condition`)
        c.of.forEach((o, i) => cond(o, [...path, "of", i]))
        return
      case "not":
        return cond(c.of, [...path, "of"])
      case "compare": {
        const l = num(c.left, [...path, "left"])
        const r = num(c.right, [...path, "right"])
        if (typeof c.right === "number" || (typeof c.right === "object" && c.right.kind === "byAttribute")) {
          if (never(l, c.cmp, r)) add([...path, "right"], "impossible_threshold", `The left side lies in [${l[0]}, ${l[1]}]; '${c.cmp} ${r[0] === r[1] ? r[0] : `[${r[0]}, ${r[1]}]`}' can never hold`)
        } else if (typeof c.left === "number" || (typeof c.left === "object" && c.left.kind === "byAttribute")) {
          const flip = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!=" }[c.cmp]
          if (never(r, flip, l)) add([...path, "left"], "impossible_threshold", `The right side lies in [${r[0]}, ${r[1]}]; the comparison can never hold`)
        }
        return
      }
      case "attribute": {
        const f = catalog.attributes[c.field]
        if (!f) return add([...path, "field"], "unknown_field", `Unknown attribute '${c.field}'`)
        if (f.type === "date" || f.type === "number" || f.type === "int") {
          if (c.cmp !== "isNull" && c.cmp !== "notNull")
            return add([...path, "cmp"], "type_mismatch", `'${c.field}' is ${f.type}: use ${f.type === "date" ? "dateBetween" : "compare"}`)
        }
        if ((c.cmp === "isNull" || c.cmp === "notNull") && c.value !== undefined) add([...path, "value"], "type_mismatch", `'${c.cmp}' takes no value`)
        if (c.cmp === "isNull" && !f.nullable) add([...path, "cmp"], "impossible_threshold", `'${c.field}' is never null`)
        if (c.cmp === "in" || c.cmp === "notIn") {
          if (!Array.isArray(c.value)) return add([...path, "value"], "type_mismatch", `'${c.cmp}' takes a list of values`)
        } else if (c.cmp === "=" || c.cmp === "!=") {
          if (c.value === undefined || Array.isArray(c.value)) return add([...path, "value"], "type_mismatch", `'${c.cmp}' takes one value`)
          if (f.type === "boolean" ? typeof c.value !== "boolean" : typeof c.value !== "string")
            return add([...path, "value"], "type_mismatch", `'${c.field}' is ${f.type}; got ${typeof c.value}`)
        }
        const values = c.value === undefined ? [] : Array.isArray(c.value) ? c.value : [c.value]
        const allowed = f.type === "tier" ? catalog.tiers : f.type === "enum" ? f.values : c.field === "region" ? catalog.regions : undefined
        if (allowed)
          values.forEach((v, i) => {
            if (typeof v === "string" && !allowed.includes(v))
              add(Array.isArray(c.value) ? [...path, "value", i] : [...path, "value"], "unknown_value", `'${v}' is not a value of '${c.field}' (${allowed.join(", ")})`)
          })
        return
      }
      case "tier":
        if (!Object.values(catalog.attributes).some((f) => f.type === "tier")) add(path, "unknown_field", "The catalogue has no tier attribute")
        if (!catalog.tiers.includes(c.value)) add([...path, "value"], "unknown_value", `'${c.value}' is not on the tier scale (${catalog.tiers.join(" < ")})`)
        return
      case "dateBetween": {
        dateRef(c.date, [...path, "date"])
        // Bounds past a century are typos; past about 270,000 years they are not even dates.
        for (const key of ["from", "to"] as const) {
          const o = c[key]
          if (o?.days !== undefined && Math.abs(o.days) > MAX_OFFSET.days) add([...path, key, "days"], "out_of_range", `An offset of ${o.days} days is more than a century (at most ±${MAX_OFFSET.days})`)
          if (o?.months !== undefined && Math.abs(o.months) > MAX_OFFSET.months) add([...path, key, "months"], "out_of_range", `An offset of ${o.months} months is more than a century (at most ±${MAX_OFFSET.months})`)
        }
        if (c.from && c.to) {
          const a = (c.from.months ?? 0) * 31 + (c.from.days ?? 0)
          const b = (c.to.months ?? 0) * 28 + (c.to.days ?? 0)
          if (a >= b && (c.from.months ?? 0) === (c.to.months ?? 0)) add([...path, "to"], "impossible_threshold", "The range is empty: 'to' must lie after 'from'")
        }
        return
      }
      case "anniversary":
        return dateRef(c.date, [...path, "date"])
    }
  }
  const rule = parsed.data
  if (rule.on) eventTypes(["on"], rule.on)
  cond(rule.when, ["when"])
  return issues
}

/**
 * Validates a rule and returns it typed, or throws a {@link ValidationError} with every issue.
 *
 * @example
 * ```ts
 * import { assertValidRule } from "@winback/rules"
 * const rule = assertValidRule(JSON.parse(body))
 * ```
 */
export const assertValidRule = (input: unknown, options: ValidateOptions = {}): Rule => {
  const issues = validateRule(input, options)
  if (issues.length) throw new ValidationError({ issues, subject: "rule" })
  return input as Rule
}
