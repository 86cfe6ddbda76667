/**
 * Storage port of tasks.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type Task, type TaskSource, type TaskStatus } from "./Task"

/** Filter for {@link TaskStore} lists, ordered by urgency (most urgent first), then id. */
export interface TaskFilter {
  readonly statuses?: ReadonlyArray<TaskStatus>
  readonly sources?: ReadonlyArray<TaskSource>
}

/**
 * Tasks of every source.
 *
 * @example
 * ```ts
 * const active = yield* (yield* TaskStore).list({ statuses: ["active"] })
 * ```
 */
export class TaskStore extends Context.Service<TaskStore, EntityStore<Task, TaskFilter>>()("@winback/core/TaskStore") {}
