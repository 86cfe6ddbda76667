/**
 * Names beside ids in list answers, so no screen shows a person a raw id: the authors of tasks and
 * rules (whose records the caller may already read), the customers of work items (read through the
 * caller's scope, phones masked as everywhere on the page).
 */
import { z } from "zod"
import { maskPhone, type WorkItem } from "@winback/core"
import type { ApiContext } from "./support"

/**
 * Managers' names and teams by id, from the staff directory (an id it does not know is absent).
 * Used for people named on records the caller already reads: a task's author, an offer's proposer.
 *
 * @example
 * ```ts
 * const names = await managerNames(ctx, tasks.map((t) => t.authorId))
 * names.get("m-beijing-director")?.name // "冯静涛"
 * ```
 */
export const managerNames = async (ctx: ApiContext, ids: ReadonlyArray<string>): Promise<Map<string, { name: string; teamId: string | null }>> => {
  const found = ids.length ? await ctx.winback.directories.staff.getMany([...new Set(ids)]) : []
  return new Map(found.map((m) => [m.id, { name: m.name, teamId: m.teamId }]))
}

/** `authorName`: the display name of a record's `authorId` (null when the directory does not know it). */
export const AuthorName = z.object({ authorName: z.string().nullable() })

/**
 * A page of authored records (tasks, rules) with each author's name.
 *
 * @example
 * ```ts
 * json: await withAuthorNames(ctx, await me.tasks.list({}, page)) // items[0].authorName === "冯静涛"
 * ```
 */
export const withAuthorNames = async <A extends { readonly authorId: string }>(
  ctx: ApiContext,
  page: { readonly items: ReadonlyArray<A>; readonly nextCursor: string | null }
): Promise<{ items: Array<A & { authorName: string | null }>; nextCursor: string | null }> => {
  const names = await managerNames(ctx, page.items.map((x) => x.authorId))
  return { items: page.items.map((x) => ({ ...x, authorName: names.get(x.authorId)?.name ?? null })), nextCursor: page.nextCursor }
}

/** `customerName` and `customerPhone` (the first number, masked) of a record's customer (work item, DND entry); null when out of the caller's scope. */
export const ItemCustomer = z.object({ customerName: z.string().nullable(), customerPhone: z.string().nullable() })

/**
 * A page of records with a `customerId` (work items, DND entries) with their customers' names and masked first phone numbers, read through
 * the caller's scope (one read for the page).
 *
 * @example
 * ```ts
 * json: await withCustomers(me, await me.workItems.list(filter, page)) // items[0].customerName === "张秀", customerPhone "138****5678"
 * ```
 */
export const withCustomers = async <A extends { readonly customerId: string } = WorkItem>(
  me: { readonly customers: { readonly getMany: (ids: ReadonlyArray<string>) => Promise<ReadonlyArray<{ readonly id: string; readonly name: string; readonly phones: ReadonlyArray<string> }>> } },
  page: { readonly items: ReadonlyArray<A>; readonly nextCursor: string | null }
): Promise<{ items: Array<A & z.infer<typeof ItemCustomer>>; nextCursor: string | null }> => {
  const ids = [...new Set(page.items.map((w) => w.customerId))]
  const customers = new Map((ids.length ? await me.customers.getMany(ids) : []).map((c) => [c.id, c]))
  return {
    items: page.items.map((w) => {
      const c = customers.get(w.customerId)
      return { ...w, customerName: c?.name ?? null, customerPhone: c?.phones[0] === undefined ? null : maskPhone(c.phones[0]) }
    }),
    nextCursor: page.nextCursor
  }
}
