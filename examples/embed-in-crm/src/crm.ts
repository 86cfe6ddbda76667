/**
 * The host: a small CRM that knows nothing of Winback. It keeps its own customers, staff and daily
 * usage in its own tables (its own names, its own codes) in its own PGlite database, through plain
 * parameterised SQL. Winback reaches this data only through the ports in `ports.ts`.
 */
import { PGlite } from "@electric-sql/pglite"

/**
 * A row of `crm_customers`, as the CRM names things.
 *
 * @example
 * ```ts
 * await crm.addCustomer({ cust_no: "C-1001", display_name: "Müller Logistik GmbH", mobile: "+4940123456", city: "Hamburg",
 *   segment: "gold", status: "live", billing: "contract", contract_ends: null, signed_up: "2021-03-01", account_manager: "S-ANNA" })
 * ```
 */
export interface CrmCustomerRow {
  readonly cust_no: string
  readonly display_name: string
  readonly mobile: string | null
  readonly city: string
  /** The CRM's segments: bronze, silver, gold, platinum. */
  readonly segment: string
  /** live | frozen | closed */
  readonly status: string
  /** prepay | contract */
  readonly billing: string
  readonly contract_ends: string | null
  readonly signed_up: string
  /** The `staff_code` of the account manager, if any. */
  readonly account_manager: string | null
}

/**
 * A row of `crm_staff`.
 *
 * @example
 * ```ts
 * await crm.addStaff({ staff_code: "S-ANNA", full_name: "Anna Berg", crm_role: "sales-rep", city: "Hamburg", employed: true, email: null })
 * ```
 */
export interface CrmStaffRow {
  readonly staff_code: string
  readonly full_name: string
  /** sales-rep | sales-manager | compliance | it-admin */
  readonly crm_role: string
  readonly city: string
  readonly employed: boolean
  readonly email: string | null
}

/**
 * A row of `crm_usage_daily`: one customer-day.
 *
 * @example
 * ```ts
 * await crm.addUsage([{ cust_no: "C-1001", usage_date: "2026-11-19", spend_cents: 150, mobile_data_mb: 300, voice_mins: 12, calls_made: 3, rival_support_secs: 35 }])
 * ```
 */
export interface CrmUsageRow {
  readonly cust_no: string
  readonly usage_date: string
  readonly spend_cents: number
  readonly mobile_data_mb: number
  readonly voice_mins: number
  readonly calls_made: number
  /** Seconds spent on calls with a rival operator's customer-service numbers. */
  readonly rival_support_secs: number
}

const schema = `
  CREATE TABLE IF NOT EXISTS crm_staff (
    staff_code text PRIMARY KEY,
    full_name text NOT NULL,
    crm_role text NOT NULL,
    city text NOT NULL,
    employed boolean NOT NULL DEFAULT true,
    email text
  );
  CREATE TABLE IF NOT EXISTS crm_customers (
    cust_no text PRIMARY KEY,
    display_name text NOT NULL,
    mobile text,
    city text NOT NULL,
    segment text NOT NULL,
    status text NOT NULL,
    billing text NOT NULL,
    contract_ends date,
    signed_up date NOT NULL,
    account_manager text REFERENCES crm_staff (staff_code)
  );
  CREATE TABLE IF NOT EXISTS crm_usage_daily (
    cust_no text NOT NULL REFERENCES crm_customers (cust_no),
    usage_date date NOT NULL,
    spend_cents integer NOT NULL DEFAULT 0,
    mobile_data_mb integer NOT NULL DEFAULT 0,
    voice_mins integer NOT NULL DEFAULT 0,
    calls_made integer NOT NULL DEFAULT 0,
    rival_support_secs integer NOT NULL DEFAULT 0,
    PRIMARY KEY (cust_no, usage_date)
  );
`

const customerColumns = `SELECT cust_no, display_name, mobile, city, segment, status, billing, to_char(contract_ends, 'YYYY-MM-DD') AS contract_ends,
  to_char(signed_up, 'YYYY-MM-DD') AS signed_up, account_manager FROM crm_customers`

/**
 * The CRM's data access: its own writes and reads, all plain parameterised SQL.
 *
 * @example
 * ```ts
 * const rows = await crm.customers(["C-1001", "C-1002"])
 * ```
 */
export interface Crm {
  readonly addStaff: (row: CrmStaffRow) => Promise<void>
  readonly addCustomer: (row: CrmCustomerRow) => Promise<void>
  readonly addUsage: (rows: ReadonlyArray<CrmUsageRow>) => Promise<void>
  readonly renameCustomer: (custNo: string, displayName: string) => Promise<void>
  readonly renameStaff: (staffCode: string, fullName: string) => Promise<void>
  readonly setEmployed: (staffCode: string, employed: boolean) => Promise<void>
  /** Up to `limit` customers after the number `after` (null: from the start), ascending by number. */
  readonly customerPage: (after: string | null, limit: number) => Promise<ReadonlyArray<CrmCustomerRow>>
  readonly customers: (custNos: ReadonlyArray<string>) => Promise<ReadonlyArray<CrmCustomerRow>>
  readonly staff: (staffCodes: ReadonlyArray<string>) => Promise<ReadonlyArray<CrmStaffRow>>
  /** Usage rows of these customers in `[from, to]`, ascending by customer and day. */
  readonly usage: (custNos: ReadonlyArray<string>, from: string, to: string) => Promise<ReadonlyArray<CrmUsageRow>>
  readonly close: () => Promise<void>
}

/**
 * Opens the CRM's database (in memory when `dataDir` is absent) and creates its tables.
 *
 * @example
 * ```ts
 * const crm = await openCrm()
 * await crm.addStaff({ staff_code: "S-ANNA", full_name: "Anna Berg", crm_role: "sales-rep", city: "Hamburg", employed: true, email: null })
 * ```
 */
export const openCrm = async (dataDir?: string): Promise<Crm> => {
  const db = dataDir ? new PGlite(dataDir) : new PGlite()
  await db.exec(schema)
  return {
    addStaff: async (r) => {
      await db.query(`INSERT INTO crm_staff (staff_code, full_name, crm_role, city, employed, email) VALUES ($1, $2, $3, $4, $5, $6)`, [
        r.staff_code, r.full_name, r.crm_role, r.city, r.employed, r.email
      ])
    },
    addCustomer: async (r) => {
      await db.query(
        `INSERT INTO crm_customers (cust_no, display_name, mobile, city, segment, status, billing, contract_ends, signed_up, account_manager)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [r.cust_no, r.display_name, r.mobile, r.city, r.segment, r.status, r.billing, r.contract_ends, r.signed_up, r.account_manager]
      )
    },
    addUsage: async (rows) => {
      await db.transaction(async (tx) => {
        for (const r of rows) {
          await tx.query(
            `INSERT INTO crm_usage_daily (cust_no, usage_date, spend_cents, mobile_data_mb, voice_mins, calls_made, rival_support_secs)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [r.cust_no, r.usage_date, r.spend_cents, r.mobile_data_mb, r.voice_mins, r.calls_made, r.rival_support_secs]
          )
        }
      })
    },
    renameCustomer: async (custNo, displayName) => {
      await db.query(`UPDATE crm_customers SET display_name = $2 WHERE cust_no = $1`, [custNo, displayName])
    },
    renameStaff: async (staffCode, fullName) => {
      await db.query(`UPDATE crm_staff SET full_name = $2 WHERE staff_code = $1`, [staffCode, fullName])
    },
    setEmployed: async (staffCode, employed) => {
      await db.query(`UPDATE crm_staff SET employed = $2 WHERE staff_code = $1`, [staffCode, employed])
    },
    // Dates are read as text (the CRM's own convention), so rows are plain JSON-like objects.
    customerPage: async (after, limit) =>
      (await db.query<CrmCustomerRow>(`${customerColumns} WHERE cust_no COLLATE "C" > $1 ORDER BY cust_no COLLATE "C" LIMIT $2`, [after ?? "", limit])).rows,
    customers: async (custNos) => (await db.query<CrmCustomerRow>(`${customerColumns} WHERE cust_no = ANY($1::text[])`, [[...custNos]])).rows,
    staff: async (staffCodes) =>
      (await db.query<CrmStaffRow>(`SELECT staff_code, full_name, crm_role, city, employed, email FROM crm_staff WHERE staff_code = ANY($1::text[])`, [[...staffCodes]])).rows,
    usage: async (custNos, from, to) =>
      (
        await db.query<CrmUsageRow>(
          `SELECT cust_no, to_char(usage_date, 'YYYY-MM-DD') AS usage_date, spend_cents, mobile_data_mb, voice_mins, calls_made, rival_support_secs
           FROM crm_usage_daily WHERE cust_no = ANY($1::text[]) AND usage_date BETWEEN $2::date AND $3::date ORDER BY cust_no, usage_date`,
          [[...custNos], from, to]
        )
      ).rows,
    close: () => db.close()
  }
}
