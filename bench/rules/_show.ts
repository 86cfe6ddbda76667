import { catalogue, instantiate } from "@winback/rules"
import { PgDialect } from "drizzle-orm/pg-core"
import { compileRuleSql } from "../../packages/adapters/src/rules-sql"
const t = catalogue.find((x) => x.id === process.argv[2])!
const q = compileRuleSql(instantiate(t).rule, { asOf: "2026-11-20" }).countQuery
const { sql, params } = new PgDialect().sqlToQuery(q)
let s = sql
params.forEach((p, i) => { s = s.replace(new RegExp(`\\$${i + 1}(?![0-9])`), `'${String(p)}'`) })
console.log(s)
