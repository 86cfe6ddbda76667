/**
 * Rules pushed down to SQL: compile a `@winback/rules` rule into one drizzle query and run,
 * count, stream or backtest it in PGlite or PostgreSQL.
 */
export {
  type AnyPgDatabase,
  type RuleSql,
  type RuleSqlOptions,
  type RuleSqlTables,
  type SqlMatch,
  type SqlTrace,
  compileRuleSql,
  countRuleMatches,
  findRuleMatches,
  overlapRuleSql,
  previewRuleSql,
  streamRuleMatches,
  traceRuleSql
} from "./RuleSql"
export { loadCustomerFacts } from "./LoadFacts"
