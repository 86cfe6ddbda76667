/**
 * The permissions of the work pipeline (DOMAIN §1, §3, §7), as grants for the scope engineer's
 * {@link Permissions} service — no second permission mechanism. `pipelinePolicy` is
 * `defaultPolicy` plus these grants; a host extends it like any policy with `extendPolicy`.
 */
import { extendPolicy, defaultPolicy, type Grant, type PermissionPolicy } from "../org/Permissions"

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
  /**
   * Import lines for customers already handed out (in this period, within a cool-down, or with an
   * open item in the task) anyway, with a reason that is audited: leaders for their team,
   * directors for their subtree. Never overrides "one agent per customer's open work".
   */
  taskImportOverride: "task.import-override",
  /** Write rule-instance drafts and submit them. */
  ruleCreate: "rule.create",
  /** Build and change customer groups. */
  groupManage: "group.manage",
  /** Send SMS for work items in scope. */
  smsSend: "sms.send",
  /** Propose an offer on a work item in scope. */
  offerUse: "offer.use",
  /** Decide an offer use that needs approval. */
  offerApprove: "offer.approve",
  /** Import the host's usage feed (customers, daily and monthly usage): admins and system jobs. */
  usageImport: "usage.import",
  /** Read reports (funnels, observations, agent performance) over the reach of the grant. */
  reportRead: "report.read",
  /** Evaluate the observations whose window ended. */
  observationEvaluate: "observation.evaluate",
  /** Read work plans (targets and progress) over the reach of the grant. */
  planRead: "plan.read",
  /** Set the work plans of the agents and teams in reach. */
  planManage: "plan.manage",
  /** Close a plan period: archive the plans in reach with their achieved figures. */
  planClose: "plan.close"
} as const

/**
 * The pipeline's default grants: admins and directors run extractions and write tasks, rules and
 * groups; leaders import manual lists for their team (directors for their subtree); agents work
 * their own customers. Managing a task (edit, submit, pause, resume, close) and the customers its
 * extraction reaches follow its author's `task.create` reach: a leader's and a director's task
 * stay within their team tree, an admin's within the teams they administer.
 *
 * @example
 * ```ts
 * const policy = extendPolicy(defaultPolicy, { grants: pipelineGrants })
 * ```
 */
export const pipelineGrants: ReadonlyArray<Grant> = [
  { role: "admin", reach: "all", actions: [PipelineActions.extractionRun, PipelineActions.ruleCreate, PipelineActions.groupManage] },
  { role: "admin", reach: "administered", actions: [PipelineActions.taskCreate] },
  // Importing hands work to agents: the importer's reach bounds whom (a leader: their team).
  { role: "director", reach: "subtree", actions: [PipelineActions.taskImport, PipelineActions.taskImportOverride] },
  { role: "director", reach: "all", actions: [PipelineActions.extractionRun, PipelineActions.ruleCreate, PipelineActions.groupManage] },
  { role: "director", reach: "subtree", actions: [PipelineActions.taskCreate] },
  { role: "team-leader", reach: "all", actions: [PipelineActions.groupManage] },
  { role: "team-leader", reach: "subtree", actions: [PipelineActions.taskCreate] },
  { role: "team-leader", reach: "team", actions: [PipelineActions.taskImport, PipelineActions.taskImportOverride, PipelineActions.smsSend, PipelineActions.offerUse, PipelineActions.offerApprove] },
  { role: "agent", reach: "self", actions: [PipelineActions.smsSend, PipelineActions.offerUse] },
  { role: "approver", reach: "all", actions: [PipelineActions.taskPreview] },
  { role: "admin", reach: "all", actions: [PipelineActions.taskPreview] },
  { role: "director", reach: "all", actions: [PipelineActions.taskPreview] },
  { role: "team-leader", reach: "all", actions: [PipelineActions.taskPreview] },
  { role: "admin", reach: "all", actions: [PipelineActions.usageImport] },
  // Reports: agents see their own figures; leaders, directors and team admins their subtree.
  { role: "agent", reach: "self", actions: [PipelineActions.reportRead] },
  { role: "team-leader", reach: "subtree", actions: [PipelineActions.reportRead] },
  { role: "director", reach: "subtree", actions: [PipelineActions.reportRead] },
  { role: "admin", reach: "subtree", actions: [PipelineActions.reportRead] },
  { role: "admin", reach: "all", actions: [PipelineActions.observationEvaluate] },
  { role: "director", reach: "all", actions: [PipelineActions.observationEvaluate] },
  // Work plans: agents read their own; leaders and directors plan their subtree; directors and admins close periods.
  { role: "agent", reach: "self", actions: [PipelineActions.planRead] },
  { role: "team-leader", reach: "subtree", actions: [PipelineActions.planRead, PipelineActions.planManage] },
  { role: "director", reach: "subtree", actions: [PipelineActions.planRead, PipelineActions.planManage, PipelineActions.planClose] },
  { role: "admin", reach: "all", actions: [PipelineActions.planRead, PipelineActions.planManage, PipelineActions.planClose] }
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
