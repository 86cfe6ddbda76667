import { describe, expect, it } from "vitest"
import { ValidationError, assertValidRule, defaultFactCatalog, validateRule } from "../src"

const codes = (r: unknown, history?: { days: number; months: number }) => validateRule(r, { history }).map((i) => [i.path.join("."), i.code])

describe("validateRule", () => {
  it("accepts a valid rule", () => {
    expect(validateRule({ when: { op: "tier", cmp: ">=", value: "gold" } })).toEqual([])
  })

  it("reports unknown operators and fields structurally, with paths", () => {
    expect(codes({ when: { op: "all", of: [{ op: "tier", cmp: ">=", value: "gold" }, { op: "between" }] } })).toEqual([["when.of.1.op", "unknown_operator"]])
    expect(codes({ when: { op: "tier", cmp: ">=", value: "gold", colour: 1 } })).toEqual([["when", "unknown_field"]])
  })

  it("reports unknown attributes, metrics and event types", () => {
    expect(
      codes({
        on: ["moved-house"],
        when: {
          op: "all",
          of: [
            { op: "attribute", field: "colour", cmp: "=", value: "red" },
            { op: "compare", left: { kind: "monthly", fn: "sum", metric: "tips", months: 1 }, cmp: ">", right: 1 },
            { op: "compare", left: { kind: "events", types: ["moved-house"], days: 3 }, cmp: ">=", right: 1 }
          ]
        }
      })
    ).toEqual([
      ["on.0", "unknown_event_type"],
      ["when.of.0.field", "unknown_field"],
      ["when.of.1.left.metric", "unknown_field"],
      ["when.of.2.left.types.0", "unknown_event_type"]
    ])
  })

  it("reports type mismatches", () => {
    expect(
      codes({
        when: {
          op: "all",
          of: [
            { op: "attribute", field: "lineStatus", cmp: "=", value: "sleeping" },
            { op: "attribute", field: "contractEnd", cmp: "=", value: "2026-01-01" },
            { op: "compare", left: { kind: "daily", fn: "sum", metric: "forwardedToOtherOperator", days: 3 }, cmp: ">", right: 1 },
            { op: "compare", left: { kind: "streak", where: { op: "metric", metric: "forwardedToOtherOperator", cmp: ">", value: 1 }, days: 5 }, cmp: ">=", right: 1 },
            { op: "compare", left: { kind: "daysSince", date: { kind: "attribute", field: "region" } }, cmp: ">", right: 1 },
            { op: "compare", left: { kind: "monthly", fn: "value", metric: "billAmount", months: 3 }, cmp: ">", right: 1 }
          ]
        }
      })
    ).toEqual([
      ["when.of.0.value", "unknown_value"],
      ["when.of.1.cmp", "type_mismatch"],
      ["when.of.2.left.metric", "type_mismatch"],
      ["when.of.3.left.where.value", "type_mismatch"],
      ["when.of.3.left.where.cmp", "type_mismatch"],
      ["when.of.4.left.date.field", "type_mismatch"],
      ["when.of.5.left.fn", "type_mismatch"]
    ])
  })

  it("reports impossible thresholds and windows", () => {
    expect(
      codes({
        when: {
          op: "any",
          of: [
            { op: "compare", left: { kind: "streak", where: { op: "metric", metric: "outgoingCalls", cmp: "=", value: 0 }, days: 7 }, cmp: ">=", right: 10 },
            { op: "compare", left: { kind: "pctChange", from: { kind: "monthly", fn: "avg", metric: "billAmount", months: 3, skip: 1 }, to: { kind: "monthly", fn: "value", metric: "billAmount", months: 1 } }, cmp: "<", right: -120 },
            { op: "compare", left: { kind: "daily", fn: "count", days: -2 }, cmp: ">", right: 0 },
            { op: "compare", left: { kind: "daily", fn: "sum", metric: "charge", days: 3 }, cmp: "<", right: 0 },
            { op: "attribute", field: "region", cmp: "isNull" },
            { op: "dateBetween", date: { kind: "attribute", field: "birthday" }, from: { days: 5 }, to: { days: 1 } }
          ]
        }
      })
    ).toEqual([
      ["when.of.0.right", "impossible_threshold"],
      ["when.of.1.right", "impossible_threshold"],
      ["when.of.2.left.days", "negative_window"],
      ["when.of.2.right", "impossible_threshold"],
      ["when.of.3.right", "impossible_threshold"],
      ["when.of.4.cmp", "impossible_threshold"],
      ["when.of.5.to", "impossible_threshold"]
    ])
  })

  it("reports windows longer than the history kept", () => {
    const rule = { when: { op: "compare", left: { kind: "monthly", fn: "avg", metric: "billAmount", months: 12, skip: 1 }, cmp: ">", right: 1 } }
    expect(codes(rule)).toEqual([])
    expect(codes(rule, { days: 30, months: 12 })).toEqual([["when.left.months", "history_exceeded"]])
    expect(codes({ when: { op: "compare", left: { kind: "daily", fn: "sum", metric: "charge", days: 30, skip: 100 }, cmp: ">", right: 1 } })).toEqual([["when.left.days", "history_exceeded"]])
  })

  it("checks tiers against the host's own scale", () => {
    const vip = { ...defaultFactCatalog, tiers: ["member", "vip"] }
    expect(validateRule({ when: { op: "tier", cmp: ">=", value: "vip" } }, { catalog: vip })).toEqual([])
    expect(validateRule({ when: { op: "tier", cmp: ">=", value: "gold" } }, { catalog: vip }).map((i) => i.code)).toEqual(["unknown_value"])
  })

  it("assertValidRule throws a ValidationError with every issue", () => {
    try {
      assertValidRule({ when: { op: "all", of: [{ op: "attribute", field: "a", cmp: "=", value: "x" }, { op: "attribute", field: "b", cmp: "=", value: "y" }] } })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      expect(e).toBeInstanceOf(Error)
      expect((e as ValidationError)._tag).toBe("ValidationError")
      expect((e as ValidationError).issues).toHaveLength(2)
    }
  })
})
