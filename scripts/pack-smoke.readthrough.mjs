// A plain-JS CRM with its own PostgreSQL tables (public.customers, public.staff,
// public.usage_daily) embeds the packed Winback tarballs in read-through mode: Winback reads the
// CRM's customers, staff and usage through plain async functions (no copy, no `effect` import),
// keeps only its own work data in schema `winback` of the same database, and a day of work runs:
// a rule, a task with maker-checker, the extraction, and a sales rep's completed call.
// Run by scripts/pack-smoke.sh in a blank project outside the workspace, against a fresh database:
//   node pack-smoke.readthrough.mjs postgres://postgres@127.0.0.1:5432/<fresh database>
import assert from "node:assert/strict"
import pg from "pg"
import { createWinback, defaultPolicy, extendPolicy, storesLayer } from "@winback/core"
import { PostgresStorage } from "@winback/adapters/postgres"

const url = process.argv[2]
assert.ok(url, "usage: node pack-smoke.readthrough.mjs <postgres url>")
const crm = new pg.Pool({ connectionString: url, max: 4 })
await crm.query(`CREATE TABLE public.customers (cust_no text PRIMARY KEY, display_name text NOT NULL, city text NOT NULL, account_manager text);
  CREATE TABLE public.staff (staff_code text PRIMARY KEY, full_name text NOT NULL, crm_role text NOT NULL);
  CREATE TABLE public.usage_daily (cust_no text NOT NULL, usage_date date NOT NULL, rival_support_secs int NOT NULL, PRIMARY KEY (cust_no, usage_date));
  INSERT INTO public.staff VALUES ('S-ILSE', 'Ilse Admin', 'admin'), ('S-CARLA', 'Carla Kontrolle', 'approver'), ('S-ANNA', 'Anna Berg', 'agent');
  INSERT INTO public.customers VALUES ('C-1001', 'Müller Logistik GmbH', 'Hamburg', 'S-ANNA'), ('C-1002', 'Hafenkontor KG', 'Hamburg', 'S-ANNA');
  INSERT INTO public.usage_daily VALUES ('C-1001', '2026-11-12', 40), ('C-1001', '2026-11-19', 35), ('C-1002', '2026-11-10', 60);`)

// ---- the glue: the CRM's rows in Winback's words, as plain async functions ----
const customer = (r) => ({ id: r.cust_no, name: r.display_name, phones: [], region: r.city, tier: "regular", lineStatus: "active",
  paymentType: "postpaid", contractEnd: null, activatedOn: "2020-01-01", ownerManagerId: r.account_manager, timeZone: "Europe/Berlin" })
const rows = async (text, values) => (await crm.query(text, values)).rows
const host = {
  customers: {
    getMany: async (ids) => (await rows("SELECT * FROM public.customers WHERE cust_no = ANY($1)", [ids])).map(customer),
    list: async ({ cursor, limit }) => {
      const page = await rows("SELECT * FROM public.customers WHERE cust_no > $1 ORDER BY cust_no LIMIT $2", [cursor ?? "", limit])
      return { items: page.map(customer), nextCursor: page.length === limit ? page.at(-1).cust_no : null }
    }
  },
  staff: { getMany: async (ids) => (await rows("SELECT * FROM public.staff WHERE staff_code = ANY($1)", [ids])).map((r) =>
    ({ id: r.staff_code, name: r.full_name, roles: [r.crm_role], region: "Hamburg", active: true })) },
  usage: { historyMany: async (ids, { asOf, dayWindow }) => {
    const days = await rows(`SELECT cust_no, to_char(usage_date, 'YYYY-MM-DD') AS day, rival_support_secs FROM public.usage_daily
      WHERE cust_no = ANY($1) AND usage_date > $2::date - $3::int AND usage_date <= $2::date`, [ids, asOf, dayWindow])
    return ids.map((customerId) => ({ customerId, days: days.filter((d) => d.cust_no === customerId).map((d) => ({ customerId, day: d.day, charge: 0,
      dataMb: 0, callMinutes: 0, outgoingCalls: 0, competitorCallSeconds: d.rival_support_secs, forwardedToOtherOperator: false, reminderSmsDelivered: false })) }))
  } }
}
const policy = extendPolicy(defaultPolicy, { grants: [{ role: "admin", reach: "all", actions: ["customer.read", "task.create"] }] })
const storage = await PostgresStorage.open({ url })
const winback = await createWinback({ storage: storesLayer(storage.stores), host, mode: "read-through", policy })
// ---- end of the glue ----

const [admin, approver, anna] = ["S-ILSE", "S-CARLA", "S-ANNA"].map((id) => winback.as(id))
const rule = await admin.rules.create({ ruleId: "rival-service-calls", name: "Calls to a rival's service line", templateId: "competitor-calls", params: { minSeconds: 60, periodDays: 30 } })
await admin.rules.submit(rule.id)
await approver.rules.approve(rule.id, { effectiveFrom: "2026-11-01" })
const task = await admin.tasks.create({ source: "alert", ruleInstanceIds: [rule.id], name: "Courted by a rival: call back", type: "retention-callback", urgency: 1,
  channel: "phone", executionWindow: { from: "09:00", to: "20:00" }, cycle: "daily", startsOn: "2026-11-01", expiresOn: null, skipHolidays: false,
  questionnaireVersion: null, cooldownDays: 30 })
await admin.tasks.submit(task.id)
await approver.tasks.approve(task.id, "one customer, with the account manager")
const asOf = "2026-11-20"
assert.equal((await admin.extraction.run({ asOf })).created, 1, "only C-1001 spent more than 60 s on a rival's line")
const [work] = (await anna.workList.byCustomer({})).items
assert.equal(work.customerId, "C-1001")
const done = await anna.execution.recordCall({ customerId: "C-1001", itemIds: work.items.map((o) => o.item.id), disposition: "completed", complete: true })
assert.deepEqual(done.items.map((i) => i.state), ["completed"])
// No copy of the CRM's customers: Winback's own customers table (schema winback) stays empty.
assert.equal((await rows("SELECT count(*)::int AS n FROM winback.customers"))[0].n, 0)
assert.deepEqual((await rows("SELECT cust_no FROM public.customers ORDER BY 1")).map((r) => r.cust_no), ["C-1001", "C-1002"])
await winback.dispose()
await storage.close()
await crm.end()
console.log("read-through CRM: a rule, a task, the extraction and a completed call over the CRM's own PostgreSQL tables; nothing copied")
