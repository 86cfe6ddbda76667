// A CRM whose PostgreSQL database already has its own `customers` table in `public` embeds the
// packed Winback tarballs in that same database: Winback must open next to the CRM's tables (its
// own schema), work, and leave the CRM's table and rows as they were.
// Run by scripts/pack-smoke.sh in a blank project outside the workspace, against a fresh database:
//   node pack-smoke.shared-db.mjs postgres://postgres@127.0.0.1:5432/<fresh database>
import assert from "node:assert/strict"
import pg from "pg"
import { createWinback, storesLayer } from "@winback/core"
import { PostgresStorage } from "@winback/adapters/postgres"

const url = process.argv[2]
assert.ok(url, "usage: node pack-smoke.shared-db.mjs <postgres url>")

// The CRM's own table, created before Winback ever ran.
const crm = new pg.Client({ connectionString: url })
await crm.connect()
await crm.query("CREATE TABLE public.customers (crm_no text PRIMARY KEY, company text NOT NULL, credit_limit numeric NOT NULL)")
await crm.query("INSERT INTO public.customers VALUES ('C-1001', 'Müller Logistik GmbH', 5000)")
const columns = async () =>
  (await crm.query("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'customers' ORDER BY ordinal_position")).rows.map((r) => r.column_name)
const before = await columns()

// The glue: Winback opens its storage in the CRM's database with the defaults.
const storage = await PostgresStorage.open({ url })
const winback = await createWinback({ storage: storesLayer(storage.stores) })
await winback.stores.customers.upsertCustomers([
  {
    id: "C-1001", name: "Müller Logistik GmbH", phones: ["+4940123456"], region: "Hamburg", tier: "gold", lineStatus: "active",
    paymentType: "postpaid", contractEnd: "2027-06-30", birthday: null, activatedOn: "2021-03-01", ownerManagerId: null,
    preferredChannel: null, tariffSensitivity: null, creditLevel: null, timeZone: "Europe/Berlin", version: 1
  }
])
const back = await winback.stores.customers.get("C-1001")
assert.equal(back.name, "Müller Logistik GmbH")
await winback.dispose()
await storage.close()

// The CRM's table is untouched: same columns, same row.
assert.deepEqual(await columns(), before)
const rows = (await crm.query("SELECT crm_no, company, credit_limit FROM public.customers")).rows
assert.deepEqual(rows, [{ crm_no: "C-1001", company: "Müller Logistik GmbH", credit_limit: "5000" }])
await crm.end()
console.log(`shared database: Winback opened beside the CRM's public.customers (Winback's schema: ${storage.schema ?? "public"}); the CRM's table and row are unchanged`)
