/**
 * The work pipeline wired in one layer: every pipeline service over the storage ports, the scope
 * services (permissions, audit, scoped stores), a candidate source and the outbound ports.
 */
import { Layer } from "effect"
import { AppointmentService } from "./AppointmentService"
import type { ScopeServices } from "./ActorSession"
import type { CandidateSource } from "./Candidates"
import { Contactability } from "./Contactability"
import { CustomerGroupService } from "./CustomerGroupService"
import { Execution } from "./Execution"
import { Extraction } from "./Extraction"
import { ManualImport } from "./ManualImport"
import { ObservationService } from "./ObservationService"
import { OfferService } from "./OfferService"
import type { Dialer, Notifier, SmsGateway } from "./ports/Outbound"
import type { CustomerDirectory, UsageHistoryReader } from "./ports/HostDirectories"
import type { StoragePorts } from "./ports/Stores"
import { RuleService } from "./RuleService"
import { SmsWork } from "./SmsWork"
import { TaskService } from "./TaskService"
import { UsageFeed } from "./UsageFeed"
import { WorkList } from "./WorkList"

/**
 * Every service {@link pipelineLayer} provides.
 *
 * @example
 * ```ts
 * const program: Effect.Effect<void, never, PipelineServices> = Effect.void
 * ```
 */
export type PipelineServices =
  | Extraction
  | Contactability
  | TaskService
  | RuleService
  | CustomerGroupService
  | ManualImport
  | WorkList
  | Execution
  | AppointmentService
  | SmsWork
  | OfferService
  | ObservationService
  | UsageFeed

/**
 * Every pipeline service. Provide the storage ports, `scopeLayer(pipelinePolicy)`, a candidate
 * source (`memoryCandidateSource()` or the adapters' `SqlCandidateSource.layer(storage)`), a
 * `Notifier`, an `SmsGateway` and a `Dialer`.
 *
 * @example
 * ```ts
 * const live = pipelineLayer.pipe(
 *   Layer.provideMerge(scopeLayer(pipelinePolicy)),
 *   Layer.provideMerge(Layer.mergeAll(SqlCandidateSource.layer(storage), notifier, smsGateway, directoriesFromStores)),
 *   Layer.provideMerge(storesLayer(storage.stores))
 * )
 * ```
 */
export const pipelineLayer: Layer.Layer<PipelineServices, never, StoragePorts | ScopeServices | CandidateSource | Notifier | SmsGateway | Dialer | CustomerDirectory | UsageHistoryReader> = Layer.mergeAll(
  TaskService.layer,
  RuleService.layer,
  CustomerGroupService.layer,
  ManualImport.layer,
  WorkList.layer,
  Execution.layer,
  AppointmentService.layer,
  SmsWork.layer,
  UsageFeed.layer
  // Execution records a call's offer uses through OfferService.
).pipe(Layer.provideMerge(Layer.mergeAll(Extraction.layer, Contactability.layer, ObservationService.layer, OfferService.layer)))
