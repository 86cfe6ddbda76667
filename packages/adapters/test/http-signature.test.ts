/**
 * Signatures (Stripe's scheme, `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`): whatever the secret,
 * body and time, a signature verifies with the right secret inside the tolerance, and every forgery
 * (another secret, a changed body, a moved timestamp, a stale replay) is refused.
 */
import { createHmac } from "node:crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { signPayload, verifyWebhookSignature } from "../src/http/index"

const secretArb = fc.string({ minLength: 16, maxLength: 64 })
const bodyArb = fc.oneof(fc.string({ maxLength: 400 }), fc.json())
const tArb = fc.integer({ min: 1_500_000_000, max: 2_500_000_000 })

describe("webhook signatures", () => {
  it("matches an independent HMAC-SHA256 over `t.body` (Stripe's scheme)", () => {
    const body = '{"id":"evt_1","type":"work_item.completed"}'
    const expected = createHmac("sha256", "whsec_test_secret_123").update(`1763805600.${body}`).digest("hex")
    expect(signPayload("whsec_test_secret_123", body, 1763805600)).toBe(`t=1763805600,v1=${expected}`)
  })

  it("a signature verifies with its secret, within the tolerance (property)", () => {
    fc.assert(
      fc.property(secretArb, bodyArb, tArb, fc.integer({ min: -300, max: 300 }), (secret, body, t, skew) => {
        const header = signPayload(secret, body, t)
        expect(verifyWebhookSignature({ secret, header, body, now: t + skew })).toEqual({ valid: true, timestamp: t })
        expect(verifyWebhookSignature({ secret, header, body: new TextEncoder().encode(body), now: t })).toEqual({ valid: true, timestamp: t })
      })
    )
  })

  it("another secret, a changed body or a moved timestamp never verifies (property)", () => {
    fc.assert(
      fc.property(secretArb, secretArb, bodyArb, bodyArb, tArb, fc.integer({ min: 1, max: 300 }), (secret, other, body, otherBody, t, dt) => {
        const header = signPayload(secret, body, t)
        if (other !== secret) expect(verifyWebhookSignature({ secret: other, header, body, now: t })).toEqual({ valid: false, reason: "mismatch" })
        if (otherBody !== body) expect(verifyWebhookSignature({ secret, header, body: otherBody, now: t })).toEqual({ valid: false, reason: "mismatch" })
        const moved = header.replace(`t=${t}`, `t=${t + dt}`)
        expect(verifyWebhookSignature({ secret, header: moved, body, now: t })).toEqual({ valid: false, reason: "mismatch" })
      })
    )
  })

  it("one flipped hex digit of the signature is refused (property)", () => {
    fc.assert(
      fc.property(secretArb, bodyArb, tArb, fc.integer({ min: 0, max: 63 }), (secret, body, t, i) => {
        const header = signPayload(secret, body, t)
        const hex = header.slice(header.indexOf("v1=") + 3)
        const flipped = hex.slice(0, i) + ((parseInt(hex[i]!, 16) + 1) % 16).toString(16) + hex.slice(i + 1)
        expect(verifyWebhookSignature({ secret, header: `t=${t},v1=${flipped}`, body, now: t }).valid).toBe(false)
      })
    )
  })

  it("a replay outside the tolerance is stale, even with a valid signature", () => {
    const header = signPayload("whsec_test_secret_123", "{}", 1_000_000)
    expect(verifyWebhookSignature({ secret: "whsec_test_secret_123", header, body: "{}", now: 1_000_301 })).toEqual({ valid: false, reason: "stale" })
    expect(verifyWebhookSignature({ secret: "whsec_test_secret_123", header, body: "{}", now: 999_699 })).toEqual({ valid: false, reason: "stale" })
    expect(verifyWebhookSignature({ secret: "whsec_test_secret_123", header, body: "{}", now: 1_003_000, toleranceSeconds: 3600 }).valid).toBe(true)
  })

  it("missing and malformed headers are refused with their reason", () => {
    const base = { secret: "whsec_test_secret_123", body: "{}", now: 1_000_000 }
    expect(verifyWebhookSignature({ ...base, header: undefined })).toEqual({ valid: false, reason: "missing" })
    expect(verifyWebhookSignature({ ...base, header: "" })).toEqual({ valid: false, reason: "missing" })
    expect(verifyWebhookSignature({ ...base, header: "v1=abc" })).toEqual({ valid: false, reason: "malformed" })
    expect(verifyWebhookSignature({ ...base, header: "t=1000000" })).toEqual({ valid: false, reason: "malformed" })
    expect(verifyWebhookSignature({ ...base, header: "t=abc,v1=" + "0".repeat(64) })).toEqual({ valid: false, reason: "malformed" })
  })

  it("during a secret rotation either secret verifies, and a header may carry both signatures", () => {
    const body = '{"a":1}'
    const oldSig = signPayload("old_secret_0123456789", body, 1_000_000)
    const newSig = signPayload("new_secret_0123456789", body, 1_000_000)
    const both = `${newSig},${oldSig.slice(oldSig.indexOf("v1="))}`
    expect(verifyWebhookSignature({ secret: ["new_secret_0123456789", "old_secret_0123456789"], header: oldSig, body, now: 1_000_000 }).valid).toBe(true)
    expect(verifyWebhookSignature({ secret: "old_secret_0123456789", header: both, body, now: 1_000_000 }).valid).toBe(true)
    expect(verifyWebhookSignature({ secret: "third_secret_0123456789", header: both, body, now: 1_000_000 }).valid).toBe(false)
  })
})
