/**
 * The rule language: a small, JSON-serialisable AST. Conditions combine attribute tests and
 * comparisons of numeric expressions; numeric expressions read the usage history through window
 * aggregates, baselines, streaks and event counts. Everything is evaluated "as of" a day D:
 *
 * - days: a window `{ days: N, skip: k }` covers the days D-k-N+1 … D-k (inclusive, UTC calendar days);
 * - months: "this month" is the customer's latest month whose `billDate` is on or before D; a
 *   window `{ months: N, skip: k }` covers the calendar months this-k-N+1 … this-k
 *   (`{ months: 3, skip: 1 }` = the previous three months);
 * - events: an event belongs to the UTC day of its `at`; a window of N days covers
 *   [start of day D-k-N+1, end of day D-k);
 * - comparisons with a missing value (null attribute, empty window, division by zero) are false,
 *   and `not` of such a comparison is true — the two evaluators share this two-valued logic.
 */
import * as z from "zod"

/**
 * Comparison operators on numbers and tiers.
 *
 * @example
 * ```ts
 * Cmp.parse(">=")
 * ```
 */
export const Cmp = z.enum(["<", "<=", ">", ">=", "=", "!="])
/** @see {@link Cmp} */
export type Cmp = z.infer<typeof Cmp>

/**
 * A calendar offset from the as-of day (months are added first, then days; month ends clamp).
 *
 * @example
 * ```ts
 * const twoMonthsAhead: Offset = { months: 2 }
 * ```
 */
export const Offset = z.strictObject({
  days: z.number().int().optional(),
  months: z.number().int().optional()
})
/** @see {@link Offset} */
export type Offset = z.infer<typeof Offset>

/**
 * A date the rule reads: a date attribute, a date field of a billed month, or the day of the
 * latest event of some types (on or before D).
 *
 * @example
 * ```ts
 * const billDate: DateRef = { kind: "monthField", field: "billDate", monthsAgo: 0 }
 * ```
 */
export type DateRef =
  | { readonly kind: "attribute"; readonly field: string }
  | { readonly kind: "monthField"; readonly field: string; readonly monthsAgo?: number | undefined }
  | { readonly kind: "lastEvent"; readonly types: ReadonlyArray<string> }

/** @see {@link DateRef} */
export const DateRef: z.ZodType<DateRef> = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("attribute"), field: z.string() }),
  z.strictObject({ kind: z.literal("monthField"), field: z.string(), monthsAgo: z.number().int().optional() }),
  z.strictObject({ kind: z.literal("lastEvent"), types: z.array(z.string()).min(1) })
])

/**
 * A predicate over one day of usage (used by streaks and filtered daily aggregates).
 *
 * @example
 * ```ts
 * const silent: DailyCondition = { op: "metric", metric: "outgoingCalls", cmp: "=", value: 0 }
 * ```
 */
export type DailyCondition =
  | { readonly op: "all" | "any"; readonly of: ReadonlyArray<DailyCondition> }
  | { readonly op: "not"; readonly of: DailyCondition }
  | { readonly op: "metric"; readonly metric: string; readonly cmp: Cmp; readonly value: number | boolean }

/** @see {@link DailyCondition} */
export const DailyCondition: z.ZodType<DailyCondition> = z.lazy(() =>
  z.discriminatedUnion("op", [
    z.strictObject({ op: z.literal("all"), of: z.array(DailyCondition) }),
    z.strictObject({ op: z.literal("any"), of: z.array(DailyCondition) }),
    z.strictObject({ op: z.literal("not"), of: DailyCondition }),
    z.strictObject({ op: z.literal("metric"), metric: z.string(), cmp: Cmp, value: z.union([z.number(), z.boolean()]) })
  ])
)

/**
 * Aggregate functions of windows. `count` counts rows present (daily: days matching `where`);
 * `value` (monthly, one-month windows only) is the month's value itself.
 *
 * @example
 * ```ts
 * AggregateFn.parse("avg")
 * ```
 */
export const AggregateFn = z.enum(["sum", "avg", "min", "max", "count", "value"])
/** @see {@link AggregateFn} */
export type AggregateFn = z.infer<typeof AggregateFn>

/**
 * A numeric expression. Plain numbers are literals. Every object node may carry `as`, the name
 * its value gets in explanations (`{ thisMonth: 95, baseline: 180 }`).
 *
 * - `attribute`: a numeric customer attribute.
 * - `byAttribute`: a parameter table — one value per tier or region (`otherwise` for the rest; null = no match).
 * - `daily` / `monthly`: window aggregates (`sum` and `count` of an empty window are 0, the others null;
 *   `complete: true` makes the value null unless every day/month of the window is present).
 * - `streak`: consecutive days (within the last `days`) on which `where` holds — the run ending at D
 *   (`current`, default) or the longest one (`longest`). Missing days break a streak.
 * - `events`: number of events of `types` in the window.
 * - `daysSince`: D minus a date, in days (negative for future dates).
 * - `arith`: `+ - * /` (division by zero is null); `pctChange`: `(to - from) / from * 100`.
 *
 * @example
 * ```ts
 * const previous3: NumExpr = { kind: "monthly", fn: "avg", metric: "billAmount", months: 3, skip: 1, as: "baseline" }
 * ```
 */
export type NumExpr =
  | number
  | { readonly kind: "attribute"; readonly field: string; readonly as?: string | undefined }
  | {
      readonly kind: "byAttribute"
      readonly field: string
      readonly values: Readonly<Record<string, number>>
      readonly otherwise?: number | null | undefined
      readonly as?: string | undefined
    }
  | {
      readonly kind: "daily"
      readonly fn: AggregateFn
      readonly metric?: string | undefined
      readonly where?: DailyCondition | undefined
      readonly days: number
      readonly skip?: number | undefined
      readonly complete?: boolean | undefined
      readonly as?: string | undefined
    }
  | {
      readonly kind: "monthly"
      readonly fn: AggregateFn
      readonly metric: string
      readonly months: number
      readonly skip?: number | undefined
      readonly complete?: boolean | undefined
      readonly as?: string | undefined
    }
  | {
      readonly kind: "streak"
      readonly where: DailyCondition
      readonly days: number
      readonly mode?: "current" | "longest" | undefined
      readonly as?: string | undefined
    }
  | { readonly kind: "events"; readonly types: ReadonlyArray<string>; readonly days: number; readonly skip?: number | undefined; readonly as?: string | undefined }
  | { readonly kind: "daysSince"; readonly date: DateRef; readonly as?: string | undefined }
  | { readonly kind: "arith"; readonly op: "+" | "-" | "*" | "/"; readonly left: NumExpr; readonly right: NumExpr; readonly as?: string | undefined }
  | { readonly kind: "pctChange"; readonly from: NumExpr; readonly to: NumExpr; readonly as?: string | undefined }

const As = z.string().min(1).optional()

/** @see {@link NumExpr} */
export const NumExpr: z.ZodType<NumExpr> = z.lazy(() =>
  z.union([
    z.number(),
    z.discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("attribute"), field: z.string(), as: As }),
      z.strictObject({
        kind: z.literal("byAttribute"),
        field: z.string(),
        values: z.record(z.string(), z.number()),
        otherwise: z.number().nullable().optional(),
        as: As
      }),
      z.strictObject({
        kind: z.literal("daily"),
        fn: AggregateFn,
        metric: z.string().optional(),
        where: DailyCondition.optional(),
        days: z.number().int(),
        skip: z.number().int().optional(),
        complete: z.boolean().optional(),
        as: As
      }),
      z.strictObject({
        kind: z.literal("monthly"),
        fn: AggregateFn,
        metric: z.string(),
        months: z.number().int(),
        skip: z.number().int().optional(),
        complete: z.boolean().optional(),
        as: As
      }),
      z.strictObject({
        kind: z.literal("streak"),
        where: DailyCondition,
        days: z.number().int(),
        mode: z.enum(["current", "longest"]).optional(),
        as: As
      }),
      z.strictObject({ kind: z.literal("events"), types: z.array(z.string()).min(1), days: z.number().int(), skip: z.number().int().optional(), as: As }),
      z.strictObject({ kind: z.literal("daysSince"), date: DateRef, as: As }),
      z.strictObject({ kind: z.literal("arith"), op: z.enum(["+", "-", "*", "/"]), left: NumExpr, right: NumExpr, as: As }),
      z.strictObject({ kind: z.literal("pctChange"), from: NumExpr, to: NumExpr, as: As })
    ])
  ])
)

/**
 * A condition (a predicate over one customer as of a day).
 *
 * - `all` / `any` / `not`;
 * - `compare`: two numeric expressions;
 * - `attribute`: `= != in notIn isNull notNull` on a string/enum/boolean attribute;
 * - `tier`: a comparison on the tier scale (`>= gold`);
 * - `dateBetween`: D+from ≤ date < D+to (either bound optional);
 * - `anniversary`: the date's month and day are D's (29 February falls on 28 February in other years).
 *
 * @example
 * ```ts
 * const goldBillDrop: Condition = {
 *   op: "all",
 *   of: [
 *     { op: "tier", cmp: "=", value: "gold" },
 *     { op: "compare", left: { kind: "monthly", fn: "value", metric: "billAmount", months: 1 }, cmp: "<",
 *       right: { kind: "arith", op: "*", left: 0.7, right: { kind: "monthly", fn: "avg", metric: "billAmount", months: 3, skip: 1 } } }
 *   ]
 * }
 * ```
 */
export type Condition =
  | { readonly op: "all" | "any"; readonly of: ReadonlyArray<Condition> }
  | { readonly op: "not"; readonly of: Condition }
  | { readonly op: "compare"; readonly left: NumExpr; readonly cmp: Cmp; readonly right: NumExpr }
  | {
      readonly op: "attribute"
      readonly field: string
      readonly cmp: "=" | "!=" | "in" | "notIn" | "isNull" | "notNull"
      readonly value?: string | boolean | ReadonlyArray<string> | undefined
    }
  | { readonly op: "tier"; readonly cmp: Cmp; readonly value: string }
  | { readonly op: "dateBetween"; readonly date: DateRef; readonly from?: Offset | undefined; readonly to?: Offset | undefined }
  | { readonly op: "anniversary"; readonly date: DateRef }

/** @see {@link Condition} */
export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion("op", [
    z.strictObject({ op: z.literal("all"), of: z.array(Condition) }),
    z.strictObject({ op: z.literal("any"), of: z.array(Condition) }),
    z.strictObject({ op: z.literal("not"), of: Condition }),
    z.strictObject({ op: z.literal("compare"), left: NumExpr, cmp: Cmp, right: NumExpr }),
    z.strictObject({
      op: z.literal("attribute"),
      field: z.string(),
      cmp: z.enum(["=", "!=", "in", "notIn", "isNull", "notNull"]),
      value: z.union([z.string(), z.boolean(), z.array(z.string())]).optional()
    }),
    z.strictObject({ op: z.literal("tier"), cmp: Cmp, value: z.string() }),
    z.strictObject({ op: z.literal("dateBetween"), date: DateRef, from: Offset.optional(), to: Offset.optional() }),
    z.strictObject({ op: z.literal("anniversary"), date: DateRef })
  ])
)

/**
 * A rule: a condition, optionally triggered by single incoming events (`on`), with a label and a
 * `summary` template for explanations: `{name}` is the value of the expression named `name` (`as`),
 * `{name|pct}` the same as a signed percentage, `{@field}` a customer attribute.
 *
 * @example
 * ```ts
 * const rule: Rule = { label: "gold and above", summary: "tier {@tier}", when: { op: "tier", cmp: ">=", value: "gold" } }
 * ```
 */
export const Rule = z.strictObject({
  label: z.string().optional(),
  summary: z.string().optional(),
  on: z.array(z.string().min(1)).min(1).optional(),
  when: Condition
})
/** @see {@link Rule} */
export type Rule = z.infer<typeof Rule>
