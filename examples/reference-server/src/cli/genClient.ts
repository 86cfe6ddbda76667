/**
 * `pnpm gen:client`: writes the declarations of the page's API client (src/workbench/static/client.d.ts)
 * from the route table of a server on empty memory storage, the same routes the server registers
 * in every configuration the page runs against. Run it after changing a route; test/client.test.ts
 * fails while the committed file differs.
 */
import { writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { MemoryDb, makeMemoryStores } from "@winback/adapters"
import { clientDeclarations } from "../clientTypes"
import { startServer } from "../server"

const db = new MemoryDb()
const server = await startServer({ storage: { stores: makeMemoryStores(db), db, close: async () => {} }, port: 0, today: () => "2026-11-25" })
try {
  const file = fileURLToPath(new URL("../workbench/static/client.d.ts", import.meta.url))
  writeFileSync(file, clientDeclarations(server.router.list()))
  console.log(`wrote ${file}`)
} finally {
  await server.close()
}
