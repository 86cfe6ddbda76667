/**
 * All storage ports as one plain object, and the layer that provides them. An adapter builds a
 * {@link Stores} value and hands it to {@link storesLayer}; a host writing its own adapter does the
 * same and proves it with `@winback/adapters/testing`.
 */
import { Effect, Layer } from "effect"
import { AppointmentStore } from "../work/AppointmentStore"
import { AuditLogStore } from "../audit/AuditLogStore"
import { CallRecordStore } from "../work/CallRecordStore"
import { CustomerGroupStore } from "../customer/CustomerGroupStore"
import { CustomerStore } from "../customer/CustomerStore"
import { DndStore } from "../work/DndStore"
import { HandOutLedgerStore } from "../task/HandOutLedgerStore"
import { ManagerStore } from "../org/ManagerStore"
import { ObservationStore } from "../observation/ObservationStore"
import { OfferStore } from "../offer/OfferStore"
import { QuestionnaireStore } from "../work/QuestionnaireStore"
import { RuleInstanceStore } from "../rule/RuleInstanceStore"
import { TaskStore } from "../task/TaskStore"
import { TeamStore } from "../org/TeamStore"
import { Transactions } from "./Transactions"
import { WorkItemStore } from "../work/WorkItemStore"
import { WorkPlanStore } from "../plan/WorkPlanStore"

/**
 * The implementations of every storage port.
 *
 * @example
 * ```ts
 * const stores: Stores = { transactions, customers, managers, ... }
 * const layer = storesLayer(stores)
 * ```
 */
export interface Stores {
  readonly transactions: Transactions["Service"]
  readonly customers: CustomerStore["Service"]
  readonly managers: ManagerStore["Service"]
  readonly teams: TeamStore["Service"]
  readonly tasks: TaskStore["Service"]
  readonly ruleInstances: RuleInstanceStore["Service"]
  readonly customerGroups: CustomerGroupStore["Service"]
  readonly ledger: HandOutLedgerStore["Service"]
  readonly workItems: WorkItemStore["Service"]
  readonly calls: CallRecordStore["Service"]
  readonly dnd: DndStore["Service"]
  readonly appointments: AppointmentStore["Service"]
  readonly offers: OfferStore["Service"]
  readonly observations: ObservationStore["Service"]
  readonly questionnaires: QuestionnaireStore["Service"]
  readonly audit: AuditLogStore["Service"]
  readonly workPlans: WorkPlanStore["Service"]
}

/** Every storage port service, as provided by {@link storesLayer}. */
export type StoragePorts =
  | Transactions
  | CustomerStore
  | ManagerStore
  | TeamStore
  | TaskStore
  | RuleInstanceStore
  | CustomerGroupStore
  | HandOutLedgerStore
  | WorkItemStore
  | CallRecordStore
  | DndStore
  | AppointmentStore
  | OfferStore
  | ObservationStore
  | QuestionnaireStore
  | AuditLogStore
  | WorkPlanStore

/**
 * Provides every storage port from one {@link Stores} object.
 *
 * @example
 * ```ts
 * program.pipe(Effect.provide(storesLayer(myStores)))
 * ```
 */
export const storesLayer = (s: Stores): Layer.Layer<StoragePorts> =>
  Layer.mergeAll(
    Layer.succeed(Transactions, s.transactions),
    Layer.succeed(CustomerStore, s.customers),
    Layer.succeed(ManagerStore, s.managers),
    Layer.succeed(TeamStore, s.teams),
    Layer.succeed(TaskStore, s.tasks),
    Layer.succeed(RuleInstanceStore, s.ruleInstances),
    Layer.succeed(CustomerGroupStore, s.customerGroups),
    Layer.succeed(HandOutLedgerStore, s.ledger),
    Layer.succeed(WorkItemStore, s.workItems),
    Layer.succeed(CallRecordStore, s.calls),
    Layer.succeed(DndStore, s.dnd),
    Layer.succeed(AppointmentStore, s.appointments),
    Layer.succeed(OfferStore, s.offers),
    Layer.succeed(ObservationStore, s.observations),
    Layer.succeed(QuestionnaireStore, s.questionnaires),
    Layer.succeed(AuditLogStore, s.audit),
    Layer.succeed(WorkPlanStore, s.workPlans)
  )

/**
 * Reads every storage port from the context into one {@link Stores} object — the inverse of
 * {@link storesLayer}, for code that hands the stores on as a value.
 *
 * @example
 * ```ts
 * const stores = yield* currentStores
 * await seedDemoData(stores, { customers: 200 })
 * ```
 */
export const currentStores: Effect.Effect<Stores, never, StoragePorts> = Effect.gen(function* () {
  return {
    transactions: yield* Transactions,
    customers: yield* CustomerStore,
    managers: yield* ManagerStore,
    teams: yield* TeamStore,
    tasks: yield* TaskStore,
    ruleInstances: yield* RuleInstanceStore,
    customerGroups: yield* CustomerGroupStore,
    ledger: yield* HandOutLedgerStore,
    workItems: yield* WorkItemStore,
    calls: yield* CallRecordStore,
    dnd: yield* DndStore,
    appointments: yield* AppointmentStore,
    offers: yield* OfferStore,
    observations: yield* ObservationStore,
    questionnaires: yield* QuestionnaireStore,
    audit: yield* AuditLogStore,
    workPlans: yield* WorkPlanStore
  }
})
