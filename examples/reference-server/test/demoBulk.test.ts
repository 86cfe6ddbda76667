/**
 * `pnpm start` on the embedded default seeds the demo with the bulk loader: the same demo the
 * stores' path seeds (same customers, same work, the rules pick the same customers), and a restart
 * seeds nothing twice.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "vitest"
import { PgliteStorage, pgliteDemoLoader } from "@winback/adapters"
import { seedIfEmpty } from "../src/demo"
import { startServer } from "../src/server"
import { asOf, loginAs } from "./support"

const scrypt = { N: 1024, r: 8, p: 1 }

it("seeds the same demo in bulk as through the stores, and a restart seeds nothing twice", async () => {
  const [d1, d2] = [mkdtempSync(join(tmpdir(), "winback-bulk-")), mkdtempSync(join(tmpdir(), "winback-rows-"))]
  try {
    const s1 = await PgliteStorage.open({ dataDir: d1 })
    const bulk = await startServer({ storage: s1, port: 0, seed: seedIfEmpty({ customers: 150, asOf, loader: pgliteDemoLoader(s1) }), today: () => asOf, scrypt })
    const rows = await startServer({ storage: await PgliteStorage.open({ dataDir: d2 }), port: 0, seed: seedIfEmpty({ customers: 150, asOf }), today: () => asOf, scrypt })
    try {
      expect(bulk.demoLogins).toEqual(rows.demoLogins)
      expect(await bulk.winback.stores.customers.count()).toBe(150)
      const director = bulk.demoLogins.find((l) => l.role === "director")!.managerId
      // What a person sees: the demo's dry run of the pending alert task and the customers list.
      for (const path of ["/api/tasks/demo-win-back-zero-bill/preview", "/api/customers?limit=200"]) {
        const [a, b] = [await (await loginAs(bulk, director)).get(path), await (await loginAs(rows, director)).get(path)]
        expect(a.status).toBe(200)
        expect(a.body).toEqual(b.body)
      }
    } finally {
      await bulk.close()
      await rows.close()
    }
    const s3 = await PgliteStorage.open({ dataDir: d1 })
    const again = await startServer({ storage: s3, port: 0, seed: seedIfEmpty({ customers: 400, asOf, loader: pgliteDemoLoader(s3) }), today: () => asOf, scrypt })
    try {
      expect(await again.winback.stores.customers.count()).toBe(150)
    } finally {
      await again.close()
    }
  } finally {
    rmSync(d1, { recursive: true, force: true })
    rmSync(d2, { recursive: true, force: true })
  }
}, 240_000)
