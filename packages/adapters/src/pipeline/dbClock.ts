/**
 * The database's clock as the ISO instants the partition queue and the staging table store: every
 * worker judges leases and staleness by the one clock they share, not by its own.
 */
import { type SQL, sql } from "drizzle-orm"

/** `now()` plus `offsetMs`, as `YYYY-MM-DDTHH:MM:SS.mmmZ` (sorts like the instants core writes). */
export const dbNowIso = (offsetMs = 0): SQL =>
  sql`to_char((now() + (${Math.round(offsetMs)}::bigint * interval '1 millisecond')) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
