/**
 * @winback/rules — the churn rule language, the template catalogue, a compiled in-memory
 * evaluator, explanations, previews, governance, schedules and the business-calendar port.
 * Standalone: its only runtime dependency is zod. The SQL compiler lives in `@winback/adapters`.
 */

// ---- The vocabulary: which facts exist ---------------------------------------------------------
export { FactCatalog, FactField, defaultFactCatalog, tierAttribute, tierRank } from "./FactCatalog"

// ---- The rule language (zod schemas + types of the same name) ---------------------------------
export { AggregateFn, Cmp, Condition, DailyCondition, DateRef, NumExpr, Offset, Rule } from "./Rule"

// ---- Errors and validation before approval ----------------------------------------------------
export { ValidationError, type ValidationIssue } from "./ValidationError"
export { assertValidRule, validateRule, type ValidateOptions } from "./Validate"

// ---- Templates and the catalogue ---------------------------------------------------------------
export { type Instantiated, type RuleTemplate, type TemplateExample, Threshold, instantiate, thresholdExpr } from "./RuleTemplate"
export {
  billAnomaly,
  billDrop,
  billUnpaid,
  birthday,
  callForwarding,
  cancelRequested,
  catalogue,
  competitorCalls,
  complaintResolved,
  contractExpiring,
  dataDrop,
  dunningFollowUp,
  findTemplate,
  newCustomer,
  silentHighValue,
  suspensionRequested,
  zeroBill
} from "./Catalogue"

// ---- Governance: versioned instances, maker-checker -------------------------------------------
export {
  RuleInstance,
  RuleInstanceStatus,
  RuleLifecycleError,
  approve,
  createDraft,
  effectiveVersion,
  reject,
  retire,
  revise,
  submitForApproval,
  updateDraft
} from "./RuleInstance"

// ---- Evaluation: plan (shared with the SQL compiler), memory evaluator, explanations ----------
export { type Leaf, type PlanCond, type PlanNum, type RulePlan, planRule } from "./Plan"
export { type ExactSpec, exactTie } from "./ExactDecimal"
export {
  type CompileOptions,
  type CompiledRule,
  type CustomerFacts,
  type IndexedFacts,
  compileRule,
  indexCustomerFacts,
  indexFacts
} from "./Evaluator"
export { type Explanation, type ExplanationNode, describeDaily, describeLeaf, explainLeaves, formatNumber, formatPercent } from "./Explanation"
export { type PreviewResult, preview } from "./Preview"
export { type EventOutcome, type IncomingEvent, onEvent } from "./EventRules"

// ---- Schedules and the business-calendar port -------------------------------------------------
export { Schedule, isDue, isWithinWindow, nextRuns, parseSchedule, windowOn } from "./Schedule"
export { type BusinessCalendar, CalendarDataMissing, fixedCalendar, isCalendarDataMissing } from "./BusinessCalendar"

// ---- Time helpers the SQL compiler shares (as-of arithmetic on day/month numbers) -------------
export { addOffset, dayNumber, isoDay, isoMonth, monthNumber } from "./AsOf"
