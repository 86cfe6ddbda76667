/**
 * Gives every test run a fresh PostgreSQL database when a server is reachable, so `pnpm test` runs
 * the PostgreSQL suites wherever PostgreSQL runs (127.0.0.1:5432 on this project's machines).
 * `WINBACK_TEST_DATABASE_URL` set by the caller wins (`.ci/run` sets it); `WINBACK_TEST_POSTGRES=off`
 * skips PostgreSQL.
 */
import pg from "pg"

const adminUrl = process.env.WINBACK_TEST_POSTGRES_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"

export default async function setup(): Promise<(() => Promise<void>) | void> {
  if (process.env.WINBACK_TEST_DATABASE_URL || process.env.WINBACK_TEST_POSTGRES === "off") return
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1500 })
  try {
    await admin.connect()
  } catch {
    console.warn(`[winback] no PostgreSQL at ${adminUrl}: PostgreSQL suites are skipped (set WINBACK_TEST_DATABASE_URL to run them)`)
    return
  }
  const name = `winback_test_${process.pid}_${Date.now().toString(36)}`
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  process.env.WINBACK_TEST_DATABASE_URL = url.toString()
  return async () => {
    const c = new pg.Client({ connectionString: adminUrl })
    await c.connect()
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await c.end()
  }
}
