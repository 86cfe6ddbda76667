import { defineConfig } from "drizzle-kit"

// Migrations are generated offline from the one pg-core schema and applied by the adapters on open.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/pg/schema.ts",
  out: "./drizzle"
})
