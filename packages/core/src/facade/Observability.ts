/**
 * Tracing and logging for a Winback runtime: the `tracer` and `logger` options of `createWinback`.
 * Winback's services are spanned with `Effect.fn` (e.g. `ScopedStores.workItems.list`,
 * `Extraction.run`); a tracer receives those spans. A logger receives every log line of the runtime
 * as one structured object. OpenTelemetry: pass `otelTracer(tracer)` over a tracer of
 * `@opentelemetry/api` (no dependency on it here), or an Effect tracer from an OpenTelemetry bridge.
 */
import { Cause, Effect, Exit, Layer, Logger, Option, Tracer } from "effect"
import { Conflict, Forbidden, NotFound, ValidationError } from "../shared/Errors"

/**
 * One structured log line handed to the `logger` option.
 *
 * @example
 * ```ts
 * const line: WinbackLogLine = { level: "ERROR", timestamp: "2026-12-07T00:00:00.000Z", message: ["facade call failed"], cause: "StorageError: …", annotations: {}, spans: {}, fiberId: "#12" }
 * ```
 */
export interface WinbackLogLine {
  readonly level: string
  readonly timestamp: string
  readonly message: unknown
  readonly cause: string | undefined
  readonly annotations: Record<string, unknown>
  readonly spans: Record<string, number>
  readonly fiberId: string
}

/**
 * The part of an OpenTelemetry span (`@opentelemetry/api`'s `Span`) Winback uses.
 *
 * @example
 * ```ts
 * import { trace } from "@opentelemetry/api"
 * const span: OtelSpanLike = trace.getTracer("crm").startSpan("x")
 * ```
 */
export interface OtelSpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown
  addEvent(name: string, attributes?: Record<string, string | number | boolean>, time?: [number, number]): unknown
  setStatus(status: { readonly code: number; readonly message?: string }): unknown
  end(endTime?: [number, number]): void
  spanContext(): { readonly traceId: string; readonly spanId: string }
}

/**
 * The part of an OpenTelemetry tracer Winback uses. `parent` turns a parent span into the context
 * argument of `startSpan` (with `@opentelemetry/api`: `(span) => trace.setSpan(context.active(), span)`).
 *
 * @example
 * ```ts
 * import { context, trace } from "@opentelemetry/api"
 * const t: OtelTracerLike = trace.getTracer("crm")
 * ```
 */
export interface OtelTracerLike {
  startSpan(name: string, options?: { readonly startTime?: [number, number]; readonly kind?: number; readonly root?: boolean }, context?: unknown): OtelSpanLike
}

const hrTime = (nanos: bigint): [number, number] => [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)]
const otelKinds = { internal: 0, server: 1, client: 2, producer: 3, consumer: 4 } as const
const attributeValue = (v: unknown): string | number | boolean =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : JSON.stringify(v) ?? String(v)

/**
 * An Effect tracer that records Winback's spans in an OpenTelemetry tracer: names, parents (when
 * `parent` is given), attributes, events, and an error status with the cause when a call fails.
 *
 * @example
 * ```ts
 * import { context, trace } from "@opentelemetry/api"
 * import { createWinback, otelTracer } from "@winback/core"
 * import { MemoryStorage } from "@winback/adapters/memory"
 *
 * const winback = await createWinback({
 *   storage: MemoryStorage.layer(),
 *   tracer: otelTracer(trace.getTracer("winback"), { parent: (span) => trace.setSpan(context.active(), span as never) })
 * })
 * ```
 */
export const otelTracer = (tracer: OtelTracerLike, options: { readonly parent?: (span: OtelSpanLike) => unknown } = {}): Tracer.Tracer => {
  const otelOf = new WeakMap<Tracer.AnySpan, OtelSpanLike>()
  return Tracer.make({
    span(o) {
      const native = new Tracer.NativeSpan(o)
      const parent = Option.getOrUndefined(o.parent)
      const parentOtel = parent === undefined ? undefined : otelOf.get(parent)
      const otel = tracer.startSpan(
        o.name,
        { startTime: hrTime(o.startTime), kind: otelKinds[o.kind], root: o.root },
        parentOtel !== undefined && options.parent ? options.parent(parentOtel) : undefined
      )
      otelOf.set(native, otel)
      const span: Tracer.Span = Object.assign(Object.create(native) as Tracer.Span, {
        attribute: (key: string, value: unknown) => {
          native.attribute(key, value)
          otel.setAttribute(key, attributeValue(value))
        },
        event: (name: string, startTime: bigint, attributes?: Record<string, unknown>) => {
          native.event(name, startTime, attributes)
          otel.addEvent(name, Object.fromEntries(Object.entries(attributes ?? {}).map(([k, v]) => [k, attributeValue(v)])), hrTime(startTime))
        },
        end: (endTime: bigint, exit: Exit.Exit<unknown, unknown>) => {
          native.end(endTime, exit)
          // OpenTelemetry's SpanStatusCode: 1 OK, 2 ERROR.
          otel.setStatus(Exit.isSuccess(exit) ? { code: 1 } : { code: 2, message: Cause.pretty(exit.cause) })
          otel.end(hrTime(endTime))
        }
      })
      otelOf.set(span, otel)
      return span
    }
  })
}

/** The `tracer` and `logger` options of `createWinback`. */
export interface ObservabilityOptions {
  /**
   * Receives the spans of every Winback call: an Effect `Tracer` (e.g. from an OpenTelemetry
   * bridge, or {@link otelTracer} over an OpenTelemetry tracer), or a layer that installs one.
   */
  readonly tracer?: Tracer.Tracer | Layer.Layer<never>
  /** Receives every log line of the runtime (replacing the default console logger). */
  readonly logger?: (line: WinbackLogLine) => void
}

/**
 * The layer installing the `tracer` and `logger` options (empty when neither is given).
 *
 * @example
 * ```ts
 * const layer = observabilityLayer({ logger: (line) => console.log(JSON.stringify(line)) })
 * ```
 */
export const observabilityLayer = (options: ObservabilityOptions): Layer.Layer<never> => {
  const given = options.tracer
  const tracer: Layer.Layer<never> =
    given === undefined ? Layer.empty : Layer.isLayer(given) ? (given as Layer.Layer<never>) : Layer.succeed(Tracer.Tracer, given as Tracer.Tracer)
  const logger = options.logger
  const logs =
    logger === undefined
      ? Layer.empty
      : Logger.layer([Logger.map(Logger.formatStructured, (line) => logger(line))], { mergeWithExisting: false })
  return Layer.mergeAll(tracer, logs)
}

/**
 * A facade call, logged when it fails: at `Debug` for the errors a caller expects (validation,
 * not found, forbidden, conflict), at `Error` for storage failures and defects.
 *
 * @example
 * ```ts
 * const listed = loggedCall(stores.workItems.list({}))
 * ```
 */
export const loggedCall = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.tapCause(effect, (cause) => {
    const error = Cause.findErrorOption(cause)
    const e = Option.getOrUndefined(error)
    const expected = e instanceof ValidationError || e instanceof NotFound || e instanceof Forbidden || e instanceof Conflict
    return (expected ? Effect.logDebug : Effect.logError)("Winback call failed", cause)
  })
