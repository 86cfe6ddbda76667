/**
 * The one way a core service builds its live layer: name the services it depends on once, as a
 * record, and receive them by the same names. Replaces the `Layer.effect(X, Effect.gen(function* ()
 * { const tx = yield* Transactions; const store = yield* … }))` preamble every service repeated;
 * the layer's requirements are exactly the services named in the record (plus whatever `make`
 * itself needs).
 */
import { type Context, Effect, Layer, type Scope } from "effect"

/** A record of the service keys a layer depends on, by the names its implementation uses. */
type Dependencies = Record<string, Context.Key<any, any>>

/** The services of a {@link Dependencies} record, by the same names. */
type ServicesOf<D extends Dependencies> = { readonly [K in keyof D]: Effect.Success<D[K]> }

/**
 * The live layer of `tag`: resolves every service in `dependencies` (in record order) and hands
 * them, by name, to `make`, whose effect builds the implementation.
 *
 * @example
 * ```ts
 * static readonly layer: Layer.Layer<OfferService, never, Transactions | OfferStore | AuditTrail> = serviceLayer(
 *   OfferService,
 *   { tx: Transactions, offers: OfferStore, trail: AuditTrail },
 *   ({ tx, offers, trail }) => Effect.gen(function* () {
 *     return OfferService.of({ ... })
 *   })
 * )
 * ```
 */
export const serviceLayer = <I, S, const D extends Dependencies, E, R>(
  tag: Context.Key<I, S>,
  dependencies: D,
  make: (services: ServicesOf<D>) => Effect.Effect<S, E, R>
): Layer.Layer<I, E, Exclude<R, Scope.Scope> | Effect.Services<D[keyof D]>> => {
  const resolved = Effect.all(dependencies as Dependencies) as unknown as Effect.Effect<ServicesOf<D>, never, Effect.Services<D[keyof D]>>
  return Layer.effect(tag, Effect.flatMap(resolved, make))
}
