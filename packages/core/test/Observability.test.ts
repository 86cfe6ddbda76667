import { afterEach, describe, expect, it } from "vitest"
import { Effect, Layer, Tracer } from "effect"
import { createWinback, NotFound, type OtelSpanLike, type OtelTracerLike, otelTracer, type Winback, type WinbackLogLine } from "@winback/core"
// Test-only: core does not depend on adapters, but its facade is proven over a real adapter.
import { MemoryStorage } from "../../adapters/src/memory/MemoryStorage"
import { fixtures } from "../../adapters/src/testing/index"

/** A tracer that keeps every span it makes (Effect's own in-memory spans). */
const recordingTracer = () => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  return { spans, tracer }
}

const seeded = async (options: Parameters<typeof createWinback>[0]): Promise<Winback> => {
  const winback = await createWinback(options)
  await winback.stores.teams.insert(fixtures.team("team-1", { adminId: "m-1" }))
  await winback.stores.managers.insert(fixtures.manager("m-1", { roles: ["agent"], teamId: "team-1" }))
  return winback
}

let open: Winback | undefined
afterEach(async () => {
  await open?.dispose()
  open = undefined
})

describe("createWinback's tracer option", () => {
  it("hands the spans of a service call to an Effect tracer", async () => {
    const { spans, tracer } = recordingTracer()
    open = await seeded({ storage: MemoryStorage.layer(), tracer })
    spans.length = 0
    const page = await open.as("m-1").workItems.list({ states: ["open"] })
    expect(page.items).toEqual([])
    const list = spans.find((s) => s.name === "ScopedStores.workItems.list")
    expect(list?.status._tag).toBe("Ended")
    // The actor was resolved for the same call, in its own span.
    expect(spans.some((s) => s.name.startsWith("Actors."))).toBe(true)
  })

  it("accepts a layer that installs the tracer (as OpenTelemetry bridges provide)", async () => {
    const { spans, tracer } = recordingTracer()
    open = await seeded({ storage: MemoryStorage.layer(), tracer: Layer.succeed(Tracer.Tracer, tracer) })
    await open.as("m-1").workItems.list({})
    expect(spans.map((s) => s.name)).toContain("ScopedStores.workItems.list")
  })

  it("records spans in an OpenTelemetry-shaped tracer: names, parents, an error status on failure", async () => {
    type Recorded = { name: string; parent: unknown; status?: { code: number; message?: string }; ended: boolean; attributes: Record<string, unknown> }
    const recorded: Array<Recorded> = []
    const otel: OtelTracerLike = {
      startSpan(name, _options, context) {
        const r: Recorded = { name, parent: context, ended: false, attributes: {} }
        recorded.push(r)
        const span: OtelSpanLike = {
          setAttribute: (k, v) => (r.attributes[k] = v),
          addEvent: () => undefined,
          setStatus: (s) => (r.status = s),
          end: () => (r.ended = true),
          spanContext: () => ({ traceId: "t", spanId: name })
        }
        return span
      }
    }
    open = await seeded({ storage: MemoryStorage.layer(), tracer: otelTracer(otel, { parent: (span) => ({ parentOf: span.spanContext().spanId }) }) })
    recorded.length = 0
    await open.run(Effect.succeed(1).pipe(Effect.withSpan("child"), Effect.withSpan("host.parent"), Effect.annotateSpans("crm.user", 7)))
    const child = recorded.find((r) => r.name === "child")
    expect(child).toMatchObject({ parent: { parentOf: "host.parent" }, ended: true, status: { code: 1 } })
    expect(recorded.find((r) => r.name === "host.parent")?.attributes).toEqual({ "crm.user": 7 })

    await expect(open.as("m-1").workItems.get("w-missing")).rejects.toBeInstanceOf(NotFound)
    const failed = recorded.find((r) => r.name === "ScopedStores.workItems.get")
    expect(failed?.status?.code).toBe(2)
    expect(failed?.status?.message).toContain("NotFound")
  })
})

describe("createWinback's logger option", () => {
  it("receives structured log lines of the runtime, with their annotations", async () => {
    const lines: Array<WinbackLogLine> = []
    open = await createWinback({ storage: MemoryStorage.layer(), logger: (line) => lines.push(line) })
    await open.run(Effect.logInfo("imported customers").pipe(Effect.annotateLogs("batch", "b-1")))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: "INFO", message: "imported customers", annotations: { batch: "b-1" } })
  })

  it("logs a defect of a call at ERROR; an expected error (NotFound) stays below the default level", async () => {
    const lines: Array<WinbackLogLine> = []
    open = await createWinback({ storage: MemoryStorage.layer(), logger: (line) => lines.push(line) })
    await expect(open.stores.tasks.get("nope")).rejects.toBeInstanceOf(NotFound)
    expect(lines).toEqual([])
    await expect(open.run(Effect.die(new Error("host bug")))).rejects.toThrow("host bug")
    expect(lines.map((l) => l.level)).toEqual(["ERROR"])
    expect(lines[0]?.cause).toContain("host bug")
  })

  it("leaves the runtime's logging alone when neither option is given", async () => {
    open = await createWinback({ storage: MemoryStorage.layer() })
    const tracer = await open.run(Effect.tracer)
    expect(tracer).toBe(Tracer.nativeTracer)
  })
})
