/**
 * @winback/core — the retention and callback domain model, its ports and services.
 *
 * @example
 * ```ts
 * import { Customer, WorkItem, ValidationError, parse } from "@winback/core"
 * ```
 * @packageDocumentation
 */

// First: the peer dependency check (effect, zod) runs before any other module of the package.
export { checkPeerVersions, inPeerRange, installedPeerVersions, type PeerName, peerRanges, PeerVersionMismatch } from "./PeerVersions"

// Errors and validation
export {
  Conflict,
  type ConflictKind,
  conflictKinds,
  Forbidden,
  type Issue,
  isRetryable,
  isValidationErrorLike,
  NotFound,
  StorageError,
  type StorageErrorReason,
  ValidationError,
  type WinbackError
} from "./Errors"
export { decode, loneSurrogatePath, nulCharacterPath, parse } from "./Validation"

// Value types
export { canonicalInstant, Id, Instant, IsoDate, IsoMonth, Money, Version } from "./Primitives"
export { decodeCursor, encodeCursor, type Page, PageRequest } from "./Page"
export { Channel, channels } from "./Channel"

// Customers and usage
export { Customer, defaultTierScale, LineStatus, PaymentType, TariffSensitivity, Tier, TierScale } from "./Customer"
export { CustomerEvent, CustomerEventType, knownCustomerEventTypes, UsageDay, UsageHistory, UsageMonth } from "./Usage"
export { CustomerGroup } from "./CustomerGroup"

// People and organisation
export { Manager, ManagerProfile, Role, TrainingRecord, WorkHistoryEntry } from "./Manager"
export { subtreeOf, Team } from "./Team"

// Work
export {
  AlertTask,
  Approval,
  CampaignTask,
  canTransitionTask,
  ExecutionWindow,
  ManualTask,
  Task,
  TaskCycle,
  TaskSource,
  TaskStatus,
  TaskType,
  Urgency
} from "./Task"
export { RuleInstanceRecord, RuleInstanceStatus } from "./RuleInstanceRecord"
export { HandOutLedgerEntry } from "./HandOutLedger"
export {
  Attachment,
  Attempt,
  Disposition,
  isReached,
  newWorkItem,
  notReachedDispositions,
  openWorkItemStates,
  reachedDispositions,
  WorkItem,
  WorkItemState
} from "./WorkItem"
export { CallRecord, type LinkedCallRecord, linkCallRecord } from "./CallRecord"
export { Appointment, AppointmentState } from "./Appointment"
export { DndEntry, DndSource, isDndActive, isProtectedDndSource, protectedDndSources } from "./DndEntry"
export { Offer, OfferUse } from "./Offer"
export { QuestionnaireVersionRecord, ResponseRecord } from "./QuestionnaireRecords"

// Effect and audit
export { Observation, ObservationOutcome } from "./Observation"
export {
  AuditCategory,
  type AuditChainResult,
  type AuditCheckpoint,
  auditCheckpointHash,
  auditCheckpointInterval,
  AuditEntry,
  auditEntryHash,
  AuditEntryInput,
  auditGenesisHash,
  auditStreamCount,
  type AuditStreamHead,
  nextAuditCheckpoint,
  verifyAuditChain,
  verifyAuditLog
} from "./AuditEntry"

// Ports: storage
export {
  type AppointmentFilter,
  AppointmentStore,
  type AuditFilter,
  AuditLogStore,
  type AuditVerification,
  CallRecordStore,
  type ClaimResult,
  type CompleteWorkItems,
  type CustomerFilter,
  CustomerGroupStore,
  CustomerStore,
  DndStore,
  type EntityStore,
  HandOutLedgerStore,
  type ManagerFilter,
  ManagerStore,
  type ObservationFilter,
  ObservationStore,
  OfferStore,
  QuestionnaireStore,
  type RuleInstanceFilter,
  RuleInstanceStore,
  type TaskFilter,
  TaskStore,
  type TeamFilter,
  TeamStore,
  Transactions,
  type WorkItemFilter,
  WorkItemStore
} from "./ports/Storage"
// Ports: host data
export { CustomerDirectory, StaffDirectory, UsageHistoryReader } from "./ports/HostDirectories"
// Ports: outbound
export { Dialer, IntegrationError, Notifier, SmsGateway, type SmsStatus } from "./ports/Outbound"
export { currentStores, type StoragePorts, type Stores, storesLayer } from "./ports/Stores"
export { directoriesFromStores } from "./ports/defaultDirectories"

// The Promise facade
export { createWinback, type HostPorts, type Promisified, type Winback, type WinbackOptions, type WinbackServices } from "./Winback"

// Scope, permissions, teams and audit
export { type Actor, Actors, buildActor, type Membership, type OrgCacheOptions, type OrgSnapshot, reachTeams, type ResolvedReach } from "./Actor"
export {
  allScope,
  customerInScope,
  customerScopeFilter,
  emptyScope,
  Reach,
  type ScopedCustomer,
  type ScopeSet,
  unionScopes,
  workItemInScope,
  workItemScopeFilter
} from "./Scope"
export { openWorkHolders, withOpenWork } from "./OpenWork"
export {
  type Action,
  Actions,
  decide,
  type Decision,
  defaultPolicy,
  describeResource,
  extendPolicy,
  Grant,
  PermissionPolicy,
  Permissions,
  type Resource,
  scopeFor
} from "./Permissions"
export { type AuditChange, AuditQuery, AuditTrail, ManualAuditNote, nowIso } from "./AuditTrail"
export { type IdSource, Ids, newId, sequentialIds } from "./Ids"
export {
  CustomerMasterPatch,
  DndRemoval,
  NewAppointment,
  NewDndEntry,
  ScopedAppointmentFilter,
  ScopedCompletion,
  ScopedCustomerFilter,
  ScopedStores,
  type ScopedView,
  ScopedWorkItemFilter
} from "./ScopedStores"
export { Allocate, Allocation, type AllocationResult } from "./Allocation"
export { NewTeam, TeamService } from "./TeamService"
export { actingAs, type ActorSession, type ScopeServices, scopeLayer, sessionFor } from "./ActorSession"
export { type CustomerScopeFilter, type WorkItemScopeFilter } from "./ports/Storage"
export { type ScopedWinback } from "./Winback"

// Work pipeline
export { PipelineActions, pipelineGrants, pipelinePolicy } from "./PipelinePolicy"
export { defaultPipelineConfig, PipelineConfig } from "./PipelineConfig"
export { CandidateSource, compareIds, fixedCandidates, memoryCandidateSource, type MemoryCandidateOptions } from "./Candidates"
export { assign, AssignmentPolicy, leastLoaded, roundRobin } from "./Assignment"
export { applyAttempt, defaultRetryPolicy, effectiveRetryPolicy, nextAttempt, type RetryDecision, RetryPolicy, RetryPolicyOverride, retryWaitUntil, waitingUntil } from "./RetryPolicy"
export {
  ContactPolicy,
  ContactQuery,
  Contactability,
  type ContactDecision,
  type ContactReason,
  defaultContactPolicy,
  evaluateContact,
  localDateTime
} from "./Contactability"
export {
  Extraction,
  type ExtractionPlan,
  type ExtractionReport,
  ExtractionRequest,
  extractionRunKey,
  type ExtractionWorkReport,
  type WorkerOptions,
  type Exclusions,
  type PlannedItem,
  type PlanOptions,
  ruleOfDefinition,
  type TaskExtraction,
  taskSchedule,
  workItemId
} from "./Extraction"
export {
  type ImportLineReport,
  type ImportProblemCode,
  type ImportSkipReason,
  ManualImport,
  manualImportHeaderAliases,
  type ManualImportReport,
  ManualImportRequest,
  parseImportLine,
  readImportHeader
} from "./ManualImport"
// Reading call-center CSV files: strict decoding (GBK, GB18030, UTF-8 with or without BOM, UTF-16), RFC 4180 quoting
export { canonicalColumn, CsvEncoding, type CsvProblem, type CsvRecord, type CsvSource, maxListedProblems, ProblemList, readCsv } from "./CsvReader"
export { type CustomerWork, type OfferedItem, type TaskWorkload, WorkList, WorkListQuery, WorkPoolQuery } from "./WorkList"
export { CallOutcome, type CallResult, type DialResult, Execution, maxCallAttempts, NewAttachment, ResponseInput, wrongNumberAction } from "./Execution"
export { NewRuleInstance, RuleService, ruleRecordId } from "./RuleService"
export { type NewTask, PreviewOptions, type TaskPatch, type TaskPreview, TaskService } from "./TaskService"
export { CustomerGroupService, type GroupMembers, NewCustomerGroup } from "./CustomerGroupService"
export { AppointmentService, type Booking, type ReminderOptions } from "./AppointmentService"
export { customerSmsFields, renderSms, SmsBatch, type SmsBatchReport, smsAttemptDisposition, SmsWork } from "./SmsWork"
export { pipelineLayer, type PipelineServices } from "./Pipeline"
export { foldOfferUses, NewOfferUse, OfferDecision, OfferService } from "./OfferService"
export { createPipeline, type Pipeline, type PipelineOptions, type PipelineProgramServices, type PipelineSession } from "./PipelineFacade"
export { BulkLedgerClaims } from "./BulkClaims"
export { CandidateStaging, type CustomerPartition, ExtractionPartitions, memoryExtractionPartitions, partitionOf, type PartitionState } from "./ExtractionPartitions"

// Report exports: tables, CSV, XLSX, SVG charts
export {
  AgentChartData,
  agentChartData,
  agentChartSvg,
  agentTable,
  ChartOptions,
  chartPalette,
  ColumnType,
  csvField,
  CsvOptions,
  FunnelChartData,
  funnelChartData,
  funnelChartSvg,
  funnelStageLabels,
  funnelTable,
  observationTable,
  periodReportTables,
  questionnaireTable,
  ReportCell,
  ReportColumn,
  reportCsv,
  reportCsvLines,
  type ReportRow,
  ReportTable,
  reportXlsx,
  RetentionChartData,
  retentionChartData,
  retentionChartSvg,
  statusAccountingTable,
  xmlText,
  XlsxOptions
} from "./exports/index"

// Usage feed: the daily CSV batches a host pushes instead of the usage-history port
export {
  parseFeedLine,
  readFeedHeader,
  systemActor,
  usageFeedHeaderAliases,
  UsageFeed,
  usageFeedColumns,
  type UsageFeedFile,
  UsageFeedKind,
  UsageFeedOptions,
  type UsageFeedReport
} from "./UsageFeed"

// Retention effect and reports (DOMAIN §8)
export {
  addMonths,
  classifyOutcome,
  defaultObservationConfig,
  type EvaluationReport,
  ObservationActions,
  ObservationConfig,
  ObservationService,
  ObservationSettings,
  statusAtEnd
} from "./ObservationService"
export {
  type AgentPerformance,
  type AgentPerformanceReport,
  type FunnelCounts,
  FunnelDimension,
  type FunnelReport,
  type FunnelRow,
  type FunnelStage,
  type FunnelStageFigure,
  funnelStages,
  type Grouped,
  type ObservationCounts,
  ObservationDimension,
  type ObservationReport,
  type ObservationRow,
  type PeriodReport,
  type ReconciliationMismatch,
  type ReportFilter,
  ReportPeriodKind,
  ReportQueries,
  ReportRange,
  type StatusAccounting,
  type StatusAccountingCounts,
  type StatusTransition,
  type TaskQuestionnaireReport,
  type TaskResponse
} from "./reports/ReportQueries"
export {
  accountStatuses,
  FunnelQuery,
  funnelRow,
  ObservationQuery,
  observationRow,
  PeriodQuery,
  periodOf,
  QuestionnaireReportQuery,
  RangeQuery,
  ReportActions,
  ReportService,
  StatusAccountingQuery
} from "./reports/ReportService"

// Work plans: targets per agent and team per period
export {
  WorkPlan,
  WorkPlanActuals,
  workPlanId,
  type WorkPlanMeasure,
  workPlanMeasures,
  WorkPlanPeriod,
  WorkPlanPeriodKind,
  WorkPlanStatus,
  WorkPlanSubjectKind,
  WorkPlanTargets
} from "./WorkPlan"
export { type WorkPlanFilter, type WorkPlanScopeFilter, WorkPlanStore } from "./ports/Storage"
export { type ClosedPeriod, SetWorkPlan, type WorkPlanProgress, WorkPlanQuery, WorkPlanService } from "./WorkPlanService"
