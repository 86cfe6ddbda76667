/**
 * The use cases wired in one layer: every work service (tasks, rules, groups, extraction, import,
 * work list, execution, appointments, SMS, offers, observations, usage feed) over the storage
 * ports, the scope services (permissions, audit, scoped stores), a candidate source and the
 * outbound ports. `createWinback` builds it once into its runtime.
 */
import { Layer } from "effect"
import { AppointmentService } from "../work/AppointmentService"
import type { ScopeServices } from "./ActorSession"
import type { CandidateSource } from "../task/Candidates"
import { Contactability } from "../work/Contactability"
import { CustomerGroupService } from "../customer/CustomerGroupService"
import { DndLists } from "../work/DndLists"
import { Execution } from "../work/Execution"
import { Extraction } from "../task/Extraction"
import { ManualImport } from "../task/ManualImport"
import { ObservationService } from "../observation/ObservationService"
import { OfferService } from "../offer/OfferService"
import type { Dialer, Notifier, SmsGateway } from "../ports/Outbound"
import type { CustomerDirectory, UsageHistoryReader } from "../ports/HostDirectories"
import type { StoragePorts } from "../ports/Stores"
import { RuleService } from "../rule/RuleService"
import { SmsWork } from "../work/SmsWork"
import { TaskService } from "../task/TaskService"
import { UsageFeed } from "../customer/UsageFeed"
import { WorkList } from "../work/WorkList"

/**
 * Every service {@link useCaseLayer} provides.
 *
 * @example
 * ```ts
 * const program: Effect.Effect<void, never, UseCaseServices> = Effect.void
 * ```
 */
export type UseCaseServices =
  | Extraction
  | Contactability
  | TaskService
  | RuleService
  | CustomerGroupService
  | ManualImport
  | DndLists
  | WorkList
  | Execution
  | AppointmentService
  | SmsWork
  | OfferService
  | ObservationService
  | UsageFeed

/**
 * Every use-case service. Provide the storage ports, `scopeLayer()`, a candidate
 * source (`memoryCandidateSource()` or the adapters' `SqlCandidateSource.layer(storage)`), a
 * `Notifier`, an `SmsGateway` and a `Dialer`.
 *
 * @example
 * ```ts
 * const live = useCaseLayer.pipe(
 *   Layer.provideMerge(scopeLayer()),
 *   Layer.provideMerge(Layer.mergeAll(SqlCandidateSource.layer(storage), notifier, smsGateway, directoriesFromStores)),
 *   Layer.provideMerge(storesLayer(storage.stores))
 * )
 * ```
 */
export const useCaseLayer: Layer.Layer<UseCaseServices, never, StoragePorts | ScopeServices | CandidateSource | Notifier | SmsGateway | Dialer | CustomerDirectory | UsageHistoryReader> = Layer.mergeAll(
  TaskService.layer,
  RuleService.layer,
  CustomerGroupService.layer,
  ManualImport.layer,
  DndLists.layer,
  WorkList.layer,
  Execution.layer,
  AppointmentService.layer,
  SmsWork.layer,
  UsageFeed.layer
  // Execution records a call's offer uses through OfferService.
).pipe(Layer.provideMerge(Layer.mergeAll(Extraction.layer, Contactability.layer, ObservationService.layer, OfferService.layer)))
