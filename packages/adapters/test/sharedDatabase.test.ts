/**
 * A good neighbour in a shared database (issue 17): Winback's tables live in schema `winback`
 * beside a CRM's own `customers`; a database from an earlier release (tables in `public`) keeps
 * working; `migrate: false` and `migrate()`; one schema per tenant; every failure of opening typed.
 * PGlite always, PostgreSQL when its URL is set (each PostgreSQL case in a database of its own).
 */
import { randomUUID } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { Effect, Layer } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type AuditEntryInput, type Customer, CustomerStore, StorageError, ValidationError } from "@winback/core"
import { MigrationsPending, type OpenStorage, PgliteStorage, PostgresStorage, StorageOpenError } from "../src"
import { postgresUrl } from "./support"

/** The migration tags as drizzle-kit's journal lists them (not as the code under test does). */
const journalTags: ReadonlyArray<string> = (
  JSON.parse(readFileSync(join(import.meta.dirname, "../drizzle/meta/_journal.json"), "utf8")) as { entries: Array<{ tag: string }> }
).entries.map((e) => e.tag)

const customer = (id: string): Customer => ({
  id,
  name: `Customer ${id}`,
  phones: ["13800000000"],
  region: "north",
  tier: "gold",
  lineStatus: "active",
  paymentType: "postpaid",
  contractEnd: null,
  birthday: null,
  activatedOn: "2025-01-15",
  ownerManagerId: null,
  preferredChannel: null,
  tariffSensitivity: null,
  creditLevel: null,
  timeZone: "Asia/Shanghai",
  version: 1
})

const auditEntry = (customerId: string): AuditEntryInput => ({
  actorId: "m-lead",
  at: "2026-11-25T08:00:00.000Z",
  action: "customer.edit",
  category: "customer",
  recordType: "Customer",
  recordId: customerId,
  customerId,
  before: null,
  after: { id: customerId },
  note: ""
})

const addCustomer = (s: OpenStorage, id: string) => Effect.runPromise(s.stores.customers.upsertCustomers([customer(id)]))
const customerIds = async (s: OpenStorage) => (await Effect.runPromise(s.stores.customers.list({}))).items.map((c) => c.id).sort()

type Rows = Array<Record<string, unknown>>
/** Raw SQL through the storage's own connection. */
const rawRows = async (s: OpenStorage, text: string): Promise<Rows> => (await s.run((db) => db.execute(text as never)) as unknown as { rows: Rows }).rows
/** The tables of one schema, by name. */
const tablesIn = async (s: OpenStorage, schema: string) =>
  (await rawRows(s, `SELECT tablename FROM pg_tables WHERE schemaname = '${schema}' ORDER BY tablename`)).map((r) => String(r.tablename))
const schemaExists = async (s: OpenStorage, schema: string) => (await rawRows(s, `SELECT 1 FROM pg_namespace WHERE nspname = '${schema}'`)).length > 0

/** The failure of a promise (fails the test when it resolves). */
const failureOf = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p
  } catch (e) {
    return e
  }
  throw new Error("expected a failure")
}

/** A CRM's own table, named like Winback's, in `public`. */
const crmTable = `CREATE TABLE public.customers (cust_no integer PRIMARY KEY, full_name text NOT NULL); INSERT INTO public.customers VALUES (1, 'Li Wei'), (2, 'Zhang Min')`

describe("PGlite in a shared database", () => {
  const dirs: Array<string> = []
  const freshDir = () => {
    const d = mkdtempSync(join(tmpdir(), "winback-neighbour-"))
    dirs.push(d)
    return join(d, "data")
  }
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

  it("puts Winback's tables in schema winback, beside the CRM's own customers table in public, which it leaves alone", async () => {
    const client = new PGlite()
    try {
      await client.exec(crmTable)
      const notices: Array<string> = []
      const s = await PgliteStorage.open({ client, onNotice: (l) => notices.push(l) })
      expect(s.schema).toBe("winback")
      await addCustomer(s, "c-1")
      expect(await customerIds(s)).toEqual(["c-1"])
      expect(await tablesIn(s, "public")).toEqual(["customers"])
      expect(await tablesIn(s, "winback")).toContain("winback_migrations")
      expect(await tablesIn(s, "winback")).toContain("work_items")
      expect((await client.query("SELECT cust_no, full_name FROM public.customers ORDER BY cust_no")).rows).toEqual([
        { cust_no: 1, full_name: "Li Wei" },
        { cust_no: 2, full_name: "Zhang Min" }
      ])
      expect(notices).toEqual([])
      await s.close()
    } finally {
      await client.close()
    }
  }, 300_000)

  it("opens a data directory of an earlier release (tables in public) where it is, says so once, and creates no second set", async () => {
    const dataDir = freshDir()
    const old = await PgliteStorage.open({ dataDir, schema: "public" })
    await addCustomer(old, "c-old")
    await old.close()

    const notices: Array<string> = []
    const s = await PgliteStorage.open({ dataDir, onNotice: (l) => notices.push(l) })
    try {
      expect(s.schema).toBe("public")
      expect(await customerIds(s)).toEqual(["c-old"])
      expect(await schemaExists(s, "winback")).toBe(false)
      expect(notices).toHaveLength(1)
      expect(notices[0]).toContain(`schema: "public"`)
      expect(notices[0]).toContain("docs/upgrading.md")
    } finally {
      await s.close()
    }
    // Saying schema "public" keeps it there without a word.
    const quiet: Array<string> = []
    const kept = await PgliteStorage.open({ dataDir, schema: "public", onNotice: (l) => quiet.push(l) })
    expect(await customerIds(kept)).toEqual(["c-old"])
    // docs/upgrading.md's move of a directory: rename the schema, reopen without a word.
    await rawRows(kept, "ALTER SCHEMA public RENAME TO winback")
    await rawRows(kept, "CREATE SCHEMA public")
    await kept.close()
    expect(quiet).toEqual([])
    const moved = await PgliteStorage.open({ dataDir, onNotice: (l) => quiet.push(l) })
    expect(moved.schema).toBe("winback")
    expect(await customerIds(moved)).toEqual(["c-old"])
    expect(await tablesIn(moved, "public")).toEqual([])
    await moved.close()
    expect(quiet).toEqual([])
  }, 300_000)

  it("migrate: false creates nothing and names the missing migration and the command; migrate() applies them once", async () => {
    const dataDir = freshDir()
    const e = await failureOf(PgliteStorage.open({ dataDir, migrate: false }))
    expect(e).toBeInstanceOf(MigrationsPending)
    expect(e).toBeInstanceOf(StorageError)
    const pending = e as MigrationsPending
    expect(pending.schema).toBe("winback")
    expect(pending.missing).toEqual(journalTags)
    expect(pending.command).toBe(`winback migrate --data-dir ${dataDir} --schema winback`)
    expect(pending.message).toContain("0000_init")

    const first = await PgliteStorage.migrate({ dataDir })
    expect(first).toEqual({ schema: "winback", applied: journalTags, total: journalTags.length })
    expect((await PgliteStorage.migrate({ dataDir })).applied).toEqual([])

    const s = await PgliteStorage.open({ dataDir, migrate: false })
    await addCustomer(s, "c-1")
    // One migration behind: open names exactly that one.
    const last = journalTags[journalTags.length - 1]!
    await rawRows(s, `DELETE FROM winback_migrations WHERE tag = '${last}'`)
    await s.close()
    const behind = await failureOf(PgliteStorage.open({ dataDir, migrate: false }))
    expect((behind as MigrationsPending).missing).toEqual([last])
    expect((behind as MigrationsPending).message).toContain(last)
  }, 300_000)

  it("a fresh directory opened with migrate: false leaves no schema behind", async () => {
    const client = new PGlite()
    try {
      await failureOf(PgliteStorage.open({ client, migrate: false }))
      expect((await client.query("SELECT 1 FROM pg_namespace WHERE nspname = 'winback'")).rows).toEqual([])
    } finally {
      await client.close()
    }
  })

  it("the layer fails with the same typed error", async () => {
    const e = await failureOf(
      Effect.runPromise(
        Effect.gen(function* () {
          return yield* (yield* CustomerStore).count()
        }).pipe(Effect.provide(Layer.fresh(PgliteStorage.layer({ migrate: false }))))
      )
    )
    expect(e).toBeInstanceOf(MigrationsPending)
  })

  it("one schema per tenant in one data directory: each migrates on its own and sees only its customers", async () => {
    const dataDir = freshDir()
    const a = await PgliteStorage.open({ dataDir, schema: "tenant_a" })
    await addCustomer(a, "a-1")
    await a.close()
    // Tenant B migrates separately, later: every migration is applied to its schema too.
    expect((await PgliteStorage.migrate({ dataDir, schema: "tenant_b" })).applied).toEqual(journalTags)
    const b = await PgliteStorage.open({ dataDir, schema: "tenant_b", migrate: false })
    expect(await customerIds(b)).toEqual([])
    await addCustomer(b, "b-1")
    expect(await customerIds(b)).toEqual(["b-1"])
    await b.close()
    const again = await PgliteStorage.open({ dataDir, schema: "tenant_a", migrate: false })
    expect(await customerIds(again)).toEqual(["a-1"])
    expect(await schemaExists(again, "winback")).toBe(false)
    await again.close()
  }, 300_000)

  it("refuses a schema name it would have to quote with a ValidationError on the path schema", async () => {
    for (const schema of ["Tenant-A", "pg_winback", "1st", "a;drop"]) {
      const e = await failureOf(PgliteStorage.open({ schema }))
      expect(e).toBeInstanceOf(ValidationError)
      expect((e as ValidationError).issues[0]!.path).toEqual(["schema"])
    }
  })
})

describe.runIf(postgresUrl)("PostgreSQL in a shared database", () => {
  const admin = () => new pg.Client({ connectionString: postgresUrl })
  const sqlAsAdmin = async (text: string, url = postgresUrl!) => {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    try {
      return (await c.query(text)).rows as Rows
    } finally {
      await c.end()
    }
  }
  const created: Array<string> = []
  /** A database of its own (its `public` is this test's alone), answered by URL. */
  const freshDatabase = async (): Promise<string> => {
    const name = `winback_neighbour_${randomUUID().replaceAll("-", "").slice(0, 12)}`
    await sqlAsAdmin(`CREATE DATABASE ${name}`)
    created.push(name)
    const u = new URL(postgresUrl!)
    u.pathname = `/${name}`
    return u.toString()
  }
  const roles: Array<string> = []
  afterAll(async () => {
    const c = admin()
    await c.connect()
    try {
      for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      for (const role of roles) await c.query(`DROP ROLE IF EXISTS ${role}`)
    } finally {
      await c.end()
    }
  })

  let url: string
  beforeAll(async () => {
    url = await freshDatabase()
  })

  it("puts Winback's tables in schema winback beside the CRM's customers in public, which it leaves alone", async () => {
    await sqlAsAdmin(crmTable, url)
    const notices: Array<string> = []
    const s = await PostgresStorage.open({ url, onNotice: (l) => notices.push(l) })
    try {
      expect(s.schema).toBe("winback")
      await addCustomer(s, "c-1")
      expect(await customerIds(s)).toEqual(["c-1"])
      expect(await tablesIn(s, "public")).toEqual(["customers"])
      expect(await tablesIn(s, "winback")).toContain("audit_log")
      expect(await sqlAsAdmin("SELECT cust_no, full_name FROM public.customers ORDER BY cust_no", url)).toEqual([
        { cust_no: 1, full_name: "Li Wei" },
        { cust_no: 2, full_name: "Zhang Min" }
      ])
      expect(notices).toEqual([])
    } finally {
      await s.close()
    }
  })

  it("two tenants in one database, each in its own schema, open at once: isolated, migrated independently", async () => {
    expect((await PostgresStorage.migrate({ url, schema: "tenant_a" })).applied).toEqual(journalTags)
    const a = await PostgresStorage.open({ url, schema: "tenant_a", migrate: false })
    const behindB = await failureOf(PostgresStorage.open({ url, schema: "tenant_b", migrate: false }))
    expect((behindB as MigrationsPending).missing).toEqual(journalTags)
    expect((behindB as MigrationsPending).command).toContain("winback migrate --database-url")
    expect((behindB as MigrationsPending).command).toContain("--schema tenant_b")
    const b = await PostgresStorage.open({ url, schema: "tenant_b" })
    try {
      await addCustomer(a, "a-1")
      await addCustomer(b, "b-1")
      expect(await customerIds(a)).toEqual(["a-1"])
      expect(await customerIds(b)).toEqual(["b-1"])
      expect(await Effect.runPromise(Effect.result(b.stores.customers.get("a-1")))).toMatchObject({ _tag: "Failure" })
      const versions = await sqlAsAdmin("SELECT (SELECT count(*) FROM tenant_a.winback_migrations)::int AS a, (SELECT count(*) FROM tenant_b.winback_migrations)::int AS b", url)
      expect(versions).toEqual([{ a: journalTags.length, b: journalTags.length }])
    } finally {
      await a.close()
      await b.close()
    }
  })

  it("two migrators at once on a fresh schema: both succeed, every migration applied exactly once", async () => {
    const [x, y] = await Promise.all([PostgresStorage.migrate({ url, schema: "racing" }), PostgresStorage.migrate({ url, schema: "racing" })])
    expect([...x.applied, ...y.applied]).toEqual(journalTags)
    expect(await sqlAsAdmin("SELECT count(*)::int AS n FROM racing.winback_migrations", url)).toEqual([{ n: journalTags.length }])
  })

  it("opens a database of an earlier release (tables in public) where it is, with one notice", async () => {
    const legacyUrl = await freshDatabase()
    const old = await PostgresStorage.open({ url: legacyUrl, schema: "public" })
    await addCustomer(old, "c-old")
    await Effect.runPromise(old.stores.audit.append(auditEntry("c-old")))
    await old.close()
    const notices: Array<string> = []
    const s = await PostgresStorage.open({ url: legacyUrl, onNotice: (l) => notices.push(l) })
    try {
      expect(s.schema).toBe("public")
      expect(await customerIds(s)).toEqual(["c-old"])
      expect(await schemaExists(s, "winback")).toBe(false)
      expect(notices).toHaveLength(1)
      await rawRows(s, "CREATE TABLE public.crm_notes (id integer PRIMARY KEY)")
    } finally {
      await s.close()
    }
    // docs/upgrading.md's move in a shared database, as written there: Winback's tables go, the CRM's stay.
    const script = /```sql\n([\s\S]*?)```/.exec(readFileSync(join(import.meta.dirname, "../../../docs/upgrading.md"), "utf8"))![1]!
    await sqlAsAdmin(script, legacyUrl)
    const moved = await PostgresStorage.open({ url: legacyUrl, onNotice: (l) => notices.push(l) })
    try {
      expect(moved.schema).toBe("winback")
      expect(await customerIds(moved)).toEqual(["c-old"])
      expect(await tablesIn(moved, "public")).toEqual(["crm_notes"])
      // The audit log's own sequence moved with it: appending still numbers and chains.
      const appended = await Effect.runPromise(moved.stores.audit.append(auditEntry("c-old")))
      expect(appended.seq).toBe(2)
      expect(await Effect.runPromise(moved.stores.audit.verify())).toEqual({ ok: true, entries: 2 })
      expect(notices).toHaveLength(1)
    } finally {
      await moved.close()
    }
  })

  describe("every failure of opening is typed, with the fix", () => {
    const withUrl = (f: (u: URL) => void) => {
      const u = new URL(postgresUrl!)
      f(u)
      return u.toString()
    }
    const expectOpenError = (e: unknown, kind: string) => {
      expect(e).toBeInstanceOf(StorageOpenError)
      expect(e).toBeInstanceOf(StorageError)
      expect((e as StorageOpenError).kind).toBe(kind)
      return e as StorageOpenError
    }

    it("connection refused", async () => {
      const e = expectOpenError(await failureOf(PostgresStorage.open({ url: withUrl((u) => (u.port = "1")) })), "unreachable")
      expect(e.isRetryable).toBe(true)
      expect(e.fix).toContain("127.0.0.1:1")
    })

    it("a database that does not exist", async () => {
      const e = expectOpenError(await failureOf(PostgresStorage.open({ url: withUrl((u) => (u.pathname = "/winback_no_such_database")) })), "database-missing")
      expect(e.fix).toContain("createdb winback_no_such_database")
      expect(e.isRetryable).toBe(false)
    })

    it("a user the server does not know", async () => {
      const e = expectOpenError(await failureOf(PostgresStorage.open({ url: withUrl((u) => (u.username = "winback_no_such_role")) })), "authentication-failed")
      expect(e.fix).toContain("winback_no_such_role")
    })

    it("a role that may not create the schema; then one the owner made for it, without CREATE on the database", async () => {
      const role = `winback_crm_${randomUUID().replaceAll("-", "").slice(0, 12)}`
      roles.push(role)
      await sqlAsAdmin(`CREATE ROLE ${role} LOGIN`)
      const roleUrl = withUrl((u) => {
        u.username = role
        u.pathname = new URL(url).pathname
      })
      const e = expectOpenError(await failureOf(PostgresStorage.open({ url: roleUrl, schema: "crm_winback" })), "permission-denied")
      expect(e.fix).toContain(`GRANT CREATE ON DATABASE`)
      expect(e.fix).toContain(`CREATE SCHEMA "crm_winback" AUTHORIZATION "${role}"`)
      await sqlAsAdmin(`CREATE SCHEMA crm_winback AUTHORIZATION ${role}`, url)
      const s = await PostgresStorage.open({ url: roleUrl, schema: "crm_winback" })
      try {
        await addCustomer(s, "c-1")
        expect(await customerIds(s)).toEqual(["c-1"])
      } finally {
        await s.close()
      }
    })
  })
})
