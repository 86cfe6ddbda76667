/**
 * The SMS gateway of a server without one configured (the demo, `pnpm start`): it sends nothing,
 * records each message in memory and keeps the gateway contract (one message per idempotency
 * key), and reports a delivery receipt for each new message through the same path as the signed
 * callback of a real gateway (`recordSmsStatus`), so the delivery screens work end to end.
 */
import { Effect, Layer } from "effect"
import { SmsGateway, type SmsStatus, type Winback } from "@winback/core"
import { recordSmsStatus } from "@winback/adapters"

/**
 * A message the local gateway took.
 *
 * @example
 * ```ts
 * const m: RecordedSms = { messageId: "local-1", to: "+8613800000042", text: "…", idempotencyKey: "wi-1:1", receipt: "delivered" }
 * ```
 */
export interface RecordedSms {
  readonly messageId: string
  readonly to: string
  readonly text: string
  readonly idempotencyKey: string
  /** The receipt reported for it, once reported. */
  receipt: Exclude<SmsStatus, "accepted"> | null
}

/**
 * An in-process SMS gateway: `layer` for `createWinback({ smsGateway })`, the `messages` it took,
 * and `deliverReceipts(winback)`, which reports each pending message `receiptFor(message)`
 * (default `delivered`) on its work item.
 *
 * @example
 * ```ts
 * const local = localSmsGateway()
 * const winback = await createWinback({ storage, smsGateway: local.layer })
 * await winback.as("m-1").sms.sendBatch({ taskId: "t-dunning", template: "Dear {{name}}" })
 * await local.deliverReceipts(winback) // items completed as delivered
 * ```
 */
export const localSmsGateway = (options: { readonly receiptFor?: (m: RecordedSms) => "delivered" | "failed" } = {}) => {
  const messages: Array<RecordedSms> = []
  const byKey = new Map<string, RecordedSms>()
  const gateway = SmsGateway.of({
    send: (message) =>
      Effect.sync(() => {
        const seen = byKey.get(message.idempotencyKey)
        if (seen) return { messageId: seen.messageId, status: "accepted" as const }
        const m: RecordedSms = { messageId: `local-${messages.length + 1}`, to: message.to, text: message.text, idempotencyKey: message.idempotencyKey, receipt: null }
        messages.push(m)
        byKey.set(m.idempotencyKey, m)
        return { messageId: m.messageId, status: "accepted" as const }
      })
  })
  return {
    layer: Layer.succeed(SmsGateway, gateway),
    messages: messages as ReadonlyArray<RecordedSms>,
    /** Reports the receipt of every message that has none yet; answers how many were reported. */
    deliverReceipts: async (winback: Winback): Promise<number> => {
      const pending = messages.filter((m) => m.receipt === null)
      for (const m of pending) {
        const status = options.receiptFor?.(m) ?? "delivered"
        m.receipt = status
        const itemId = m.idempotencyKey.slice(0, m.idempotencyKey.lastIndexOf(":"))
        // A message that is not a work item's (none here) or a repeated report changes nothing.
        await winback.run(recordSmsStatus({ itemId, messageId: m.messageId, status }).pipe(Effect.catchTag("NotFound", () => Effect.void)))
      }
      return pending.length
    }
  }
}
/** @see {@link localSmsGateway} */
export type LocalSmsGateway = ReturnType<typeof localSmsGateway>
