/**
 * The Effect runtime the commands run the pipeline services in: every pipeline service over the
 * open storage, the SQL candidate source and bulk ledger claims, the scope services under
 * `defaultPolicy`, the server's business calendar (`calendarFromEnv`: chinese-days, plus an operator's holidays file), and the outbound ports of a command line (no SMS gateway or dialer; reminders
 * are in-app notices, counted).
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { type OpenStorage, PgBulkLedgerClaims, PgExtractionPartitions, SqlCandidateSource, SqlCandidateStaging } from "@winback/adapters"
import { calendarFromEnv } from "../calendar"
import {
  type Actor,
  Actors,
  defaultWorkConfig,
  Dialer,
  directoriesFromStores,
  IntegrationError,
  Notifier,
  WorkConfig,
  useCaseLayer,
  defaultPolicy,
  scopeLayer,
  SmsGateway,
  storesLayer,
  systemActor
} from "@winback/core"

const notConfigured = (integration: "sms" | "dialer") => Effect.fail(new IntegrationError({ integration, retryable: false, detail: "not configured for the command line" }))

/** Builds the runtime; `notices` counts the in-app reminders handed to the notifier. */
export const commandRuntime = (storage: OpenStorage) => {
  const notices: Array<{ readonly recipientId: string; readonly kind: string }> = []
  const outbound = Layer.mergeAll(
    Layer.succeed(Notifier, Notifier.of({ notify: (n) => Effect.sync(() => void notices.push({ recipientId: n.recipientId, kind: n.kind })) })),
    Layer.succeed(SmsGateway, SmsGateway.of({ send: () => notConfigured("sms") })),
    Layer.succeed(Dialer, Dialer.of({ call: () => notConfigured("dialer") }))
  )
  const layer = useCaseLayer.pipe(
    Layer.provideMerge(scopeLayer(defaultPolicy)),
    // The server's calendar (WINBACK_CALENDAR, WINBACK_HOLIDAYS_FILE; default mainland China): "skip holidays" skips them.
    Layer.provideMerge(Layer.mergeAll(SqlCandidateSource.layer(storage), PgBulkLedgerClaims.layer(storage), PgExtractionPartitions.layer(storage), SqlCandidateStaging.layer(storage), outbound, directoriesFromStores, Layer.succeed(WorkConfig, { ...defaultWorkConfig, calendar: calendarFromEnv(process.env) ?? undefined }))),
    Layer.provideMerge(storesLayer(storage.stores))
  )
  const runtime = ManagedRuntime.make(layer)
  /** The acting person: a manager by id, or the system actor `system:<job>`. */
  const actor = (managerId: string | undefined, job: string): Promise<Actor> =>
    managerId === undefined ? Promise.resolve(systemActor(`system:${job}`, `Winback ${job}`)) : runtime.runPromise(Effect.flatMap(Actors, (a) => a.resolve(managerId)))
  return { runtime, notices, actor }
}

/** The runtime of a command. */
export type CommandRuntime = ReturnType<typeof commandRuntime>
