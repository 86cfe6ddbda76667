// A small CRM in plain JavaScript (no TypeScript, no `effect` import) embedding the packed Winback
// tarballs: its own customer, staff and usage rows are imported, a rule finds the customers a rival
// courts, extraction hands them to their account managers, and a sales rep completes a call.
// Run by scripts/pack-smoke.sh in a blank project outside the workspace:
//   node pack-smoke.crm.mjs memory|pglite
import assert from "node:assert/strict"
import { createWinback, installedPeerVersions, defaultPolicy, storesLayer } from "@winback/core"
import { MemoryStorage, PgliteStorage, SqlCandidateSource } from "@winback/adapters"

const kind = process.argv[2] ?? "memory"
const asOf = "2026-11-20"

// The CRM's own rows, in its own words.
const crm = {
  staff: [
    { code: "S-ILSE", name: "Ilse Admin", role: "admin" },
    { code: "S-CARLA", name: "Carla Kontrolle", role: "approver" },
    { code: "S-ANNA", name: "Anna Berg", role: "agent" },
    { code: "S-BEN", name: "Ben Okafor", role: "agent" }
  ],
  customers: [
    { no: "C-1001", name: "Müller Logistik GmbH", manager: "S-ANNA", rivalSecs: [["2026-11-12", 40], ["2026-11-19", 35]] }, // 75 s: at risk
    { no: "C-1002", name: "Bäckerei Schulz", manager: "S-BEN", rivalSecs: [["2026-11-05", 90]] }, // 90 s: at risk
    { no: "C-1003", name: "Hafenkontor KG", manager: "S-ANNA", rivalSecs: [["2026-11-10", 60]] } // exactly 60 s: not at risk
  ]
}

// The glue.
const storage = kind === "pglite" ? await PgliteStorage.open() : undefined
const winback = await createWinback({
  storage: storage ? storesLayer(storage.stores) : MemoryStorage.layer(),
  policy: defaultPolicy,
  ...(storage ? { candidates: SqlCandidateSource.layer(storage) } : {})
})
try {
  const s = winback.stores
  await s.teams.insert({ id: "t-sales", name: "Sales", region: "Hamburg", parentId: null, adminId: "S-ILSE", version: 1 })
  for (const m of crm.staff) {
    await s.managers.insert({
      id: m.code, name: m.name, roles: [m.role], teamId: "t-sales", region: "Hamburg", active: true, version: 1,
      profile: { email: null, phone: null, trainingRecords: [], workHistory: [] }
    })
  }
  await s.customers.upsertCustomers(crm.customers.map((c) => ({
    id: c.no, name: c.name, phones: ["+4940123456"], region: "Hamburg", tier: "gold", lineStatus: "active", paymentType: "postpaid",
    contractEnd: "2027-06-30", birthday: null, activatedOn: "2021-03-01", ownerManagerId: c.manager, preferredChannel: null,
    tariffSensitivity: null, creditLevel: null, timeZone: "Europe/Berlin", version: 1
  })))
  await s.customers.upsertUsageDays(crm.customers.flatMap((c) => c.rivalSecs.map(([day, secs]) => ({
    customerId: c.no, day, charge: 1.5, dataMb: 300, callMinutes: 12, outgoingCalls: 3, competitorCallSeconds: secs,
    forwardedToOtherOperator: false, reminderSmsDelivered: false
  }))))

  // A day of work: maker-checker on the rule and the task, extraction, a call.
  const admin = winback.as("S-ILSE")
  const approver = winback.as("S-CARLA")
  const rule = await admin.rules.create({ ruleId: "rival-service-calls", name: "Calls to a rival's service line", templateId: "competitor-calls", params: { minSeconds: 60, periodDays: 30 } })
  await admin.rules.submit(rule.id)
  await approver.rules.approve(rule.id, { effectiveFrom: "2026-11-01" })
  const task = await admin.tasks.create({
    source: "alert", ruleInstanceIds: [rule.id], name: "Courted by a rival: call back", type: "retention-callback", urgency: 1,
    channel: "phone", executionWindow: { from: "09:00", to: "20:00" }, cycle: "daily", startsOn: "2026-11-01", expiresOn: null,
    skipHolidays: false, questionnaireVersion: null, cooldownDays: 30
  })
  await admin.tasks.submit(task.id)
  await approver.tasks.approve(task.id, "two customers, each with their account manager")
  const report = await admin.extraction.run({ asOf })
  assert.equal(report.created, 2, "two customers at risk")

  const anna = winback.as("S-ANNA")
  const [work] = (await anna.workList.byCustomer({})).items
  assert.equal(work.customerId, "C-1001")
  const call = await anna.execution.recordCall({ customerId: "C-1001", itemIds: work.items.map((o) => o.item.id), disposition: "completed", complete: true, note: "stays: new tariff" })
  assert.deepEqual(call.items.map((i) => i.state), ["completed"])
  assert.equal((await anna.workList.byCustomer({})).items.length, 0)
  await assert.rejects(anna.extraction.run({ asOf }), (e) => e.name === "Forbidden" || e._tag === "Forbidden")

  const peers = installedPeerVersions()
  console.log(`crm host (${kind}): 2 work items extracted, a call completed; effect ${peers.effect}, zod ${peers.zod}, node ${process.versions.node}`)
} finally {
  await winback.dispose()
  await storage?.close()
}
