/**
 * The demo's dialer: no call center behind it, it only records each dial (customer, manager,
 * chosen items, a masked number) so the workbench's Dial button works in `pnpm start` and tests can
 * see what was dialled. A real deployment puts the call center's adapter (`HttpDialer` of
 * `@winback/adapters`) in its place.
 */
import { Effect, Layer } from "effect"
import { Dialer, maskPhone } from "@winback/core"

/**
 * One dial the local dialer took (the number masked: it is kept in memory only, yet nobody needs it).
 *
 * @example
 * ```ts
 * const d: LocalDial = { callId: "local-1", customerId: "cust-42", managerId: "m-1", phone: "138****5678", itemIds: ["wi-1"] }
 * ```
 */
export interface LocalDial {
  readonly callId: string
  readonly customerId: string
  readonly managerId: string
  readonly phone: string
  readonly itemIds: ReadonlyArray<string>
}

/**
 * A dialer that records dials in memory and answers call ids `local-1`, `local-2`, …
 *
 * @example
 * ```ts
 * const dialer = localDialer()
 * await startServer({ storage, dialer: dialer.layer })
 * dialer.dials // what was dialled
 * ```
 */
export const localDialer = (): { readonly layer: Layer.Layer<Dialer>; readonly dials: ReadonlyArray<LocalDial> } => {
  const dials: Array<LocalDial> = []
  const layer = Layer.succeed(
    Dialer,
    Dialer.of({
      call: (c) =>
        Effect.sync(() => {
          const callId = `local-${dials.length + 1}`
          dials.push({ callId, customerId: c.customerId, managerId: c.managerId, phone: maskPhone(c.phone), itemIds: [...(c.itemIds ?? [])] })
          return { callId }
        })
    })
  )
  return { layer, dials }
}
