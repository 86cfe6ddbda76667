/**
 * The permissions of the work pipeline (DOMAIN §1, §3, §7), as grants for the scope engineer's
 * {@link Permissions} service — no second permission mechanism. `pipelinePolicy` is
 * `defaultPolicy` plus these grants; a host extends it like any policy with `extendPolicy`.
 */
import { extendPolicy, defaultPolicy, type Grant, type PermissionPolicy } from "./Permissions"

/**
 * The action names the pipeline checks (on top of `Actions`).
 *
 * @example
 * ```ts
 * decide(pipelinePolicy, actor, PipelineActions.taskCreate, { type: "none" })
 * ```
 */
export const PipelineActions = {
  /** Write a task draft, submit it, pause/resume/close it. */
  taskCreate: "task.create",
  /** Run an extraction. */
  extractionRun: "extraction.run",
  /** See a task's dry-run preview (approvers decide on it). */
  taskPreview: "task.preview",
  /** Import a manual task's CSV. */
  taskImport: "task.import",
  /** Write rule-instance drafts and submit them. */
  ruleCreate: "rule.create",
  /** Build and change customer groups. */
  groupManage: "group.manage",
  /** Send SMS for work items in scope. */
  smsSend: "sms.send",
  /** Propose an offer on a work item in scope. */
  offerUse: "offer.use",
  /** Decide an offer use that needs approval. */
  offerApprove: "offer.approve"
} as const

/**
 * The pipeline's default grants: admins and directors run extractions and write tasks, rules and
 * groups; leaders import manual lists for their team (directors for their subtree); agents work
 * their own customers.
 *
 * @example
 * ```ts
 * const policy = extendPolicy(defaultPolicy, { grants: pipelineGrants })
 * ```
 */
export const pipelineGrants: ReadonlyArray<Grant> = [
  { role: "admin", reach: "all", actions: [PipelineActions.taskCreate, PipelineActions.extractionRun, PipelineActions.ruleCreate, PipelineActions.groupManage] },
  // Importing hands work to agents: the importer's reach bounds whom (a leader: their team).
  { role: "director", reach: "subtree", actions: [PipelineActions.taskImport] },
  { role: "director", reach: "all", actions: [PipelineActions.taskCreate, PipelineActions.extractionRun, PipelineActions.ruleCreate, PipelineActions.groupManage] },
  { role: "team-leader", reach: "all", actions: [PipelineActions.taskCreate, PipelineActions.groupManage] },
  { role: "team-leader", reach: "team", actions: [PipelineActions.taskImport, PipelineActions.smsSend, PipelineActions.offerUse, PipelineActions.offerApprove] },
  { role: "agent", reach: "self", actions: [PipelineActions.smsSend, PipelineActions.offerUse] },
  { role: "approver", reach: "all", actions: [PipelineActions.taskPreview] },
  { role: "admin", reach: "all", actions: [PipelineActions.taskPreview] },
  { role: "director", reach: "all", actions: [PipelineActions.taskPreview] },
  { role: "team-leader", reach: "all", actions: [PipelineActions.taskPreview] }
]

/**
 * `defaultPolicy` plus {@link pipelineGrants}: the policy to run the pipeline services under.
 *
 * @example
 * ```ts
 * const live = scopeLayer(pipelinePolicy)
 * ```
 */
export const pipelinePolicy: PermissionPolicy = extendPolicy(defaultPolicy, { grants: pipelineGrants })
