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
export { checkPeerVersions, inPeerRange, installedPeerVersions, type PeerName, peerRanges, PeerVersionMismatch } from "./shared/PeerVersions"

// Errors and validation
export {
  Conflict,
  type ConflictKind,
  conflictKinds,
  Forbidden,
  type Issue,
  isRetryable,
  NotFound,
  StorageError,
  type StorageErrorReason,
  ValidationError,
  type ValidationIssue,
  type WinbackError
} from "./shared/Errors"
export { decode, loneSurrogatePath, nulCharacterPath, parse } from "./shared/Validation"

// Value types
export { canonicalInstant, Id, Instant, IsoDate, IsoMonth, Money, Urgency, Version } from "./shared/Primitives"
export { decodeCursor, encodeCursor, type Page, PageRequest } from "./shared/Page"
export { readAllPages } from "./shared/ReadAll"
export { Channel, channels } from "./shared/Channel"

// Customers and usage
export { Customer, defaultTierScale, LineStatus, PaymentType, TariffSensitivity, Tier, TierScale } from "./customer/Customer"
export { CustomerEvent, CustomerEventType, knownCustomerEventTypes, UsageDay, UsageHistory, UsageMonth } from "./customer/Usage"
export { CustomerGroup } from "./customer/CustomerGroup"

// People and organisation
export { Manager, ManagerProfile, Role, TrainingRecord, WorkHistoryEntry } from "./org/Manager"
export { subtreeOf, Team } from "./org/Team"

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
  TaskType
} from "./task/Task"
export { RuleInstanceRecord, RuleInstanceStatus } from "./rule/RuleInstanceRecord"
export { HandOutLedgerEntry } from "./task/HandOutLedger"
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
} from "./work/WorkItem"
export { CallRecord } from "./work/CallRecord"
export { type LinkedCallRecord, linkCallRecord } from "./work/CallLink"
export { Appointment, AppointmentState, DEFAULT_REMIND_MINUTES, MAX_REMIND_MINUTES, reminderDueAt } from "./work/Appointment"
export { DndEntry, DndSource, DndStatus, dndStatusAt, isDndActive, isProtectedDndSource, protectedDndSources } from "./work/DndEntry"
export { Offer, OfferUse } from "./offer/Offer"
export { QuestionnaireVersionRecord, ResponseRecord } from "./work/QuestionnaireRecords"

// Effect and audit
export { Observation, ObservationOutcome } from "./observation/Observation"
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
} from "./audit/AuditEntry"

// Ports: storage
export { type AppointmentFilter, AppointmentStore } from "./work/AppointmentStore"
export { type AuditFilter, AuditLogStore, type AuditVerification } from "./audit/AuditLogStore"
export { CallRecordStore } from "./work/CallRecordStore"
export { type ClaimResult, HandOutLedgerStore } from "./task/HandOutLedgerStore"
export { type CompleteWorkItems, type WorkItemFilter, WorkItemStore } from "./work/WorkItemStore"
export { type CustomerFilter, CustomerStore } from "./customer/CustomerStore"
export { CustomerGroupStore } from "./customer/CustomerGroupStore"
export { type DndListFilter, DndStore } from "./work/DndStore"
export {
  DndImportRequest,
  type DndImportProblem,
  type DndImportReport,
  dndChannelAliases,
  dndImportHeaderAliases,
  DndListQuery,
  DndLists
} from "./work/DndLists"
export { type EntityStore, Transactions } from "./ports/Transactions"
export { type ManagerFilter, ManagerStore } from "./org/ManagerStore"
export { type ObservationFilter, ObservationStore } from "./observation/ObservationStore"
export { OfferStore } from "./offer/OfferStore"
export { QuestionnaireStore } from "./work/QuestionnaireStore"
export { type RuleInstanceFilter, RuleInstanceStore } from "./rule/RuleInstanceStore"
export { type TaskFilter, TaskStore } from "./task/TaskStore"
export { type TeamFilter, TeamStore } from "./org/TeamStore"
// Ports: host data
export { CustomerDirectory, StaffDirectory, UsageHistoryReader } from "./ports/HostDirectories"
// Ports: outbound
export { Dialer, IntegrationError, Notifier, SmsGateway, type SmsStatus } from "./ports/Outbound"
export { type FileMeta, FileStorage, FileStorageError, type StoredFile } from "./ports/FileStorage"
export { currentStores, type StoragePorts, type Stores, storesLayer } from "./ports/Stores"
export { directoriesFromStores } from "./ports/defaultDirectories"
export {
  HostCustomer,
  type HostCustomers,
  HostManager,
  hostPortsLayer,
  type HostStaff,
  type HostUsage,
  HostUsageHistory,
  type HostUsageWindow,
  type WinbackHost
} from "./ports/HostPorts"
export { hostPorts } from "./ports/DataModes"
export { readThroughCustomerStore } from "./customer/ReadThroughCustomers"

// The one facade: createWinback(options) -> winback.as(managerId) with every service
export { createWinback, type HostPorts, type Promisified, type ScopedWinback, type Winback, type WinbackOptions, type WinbackServices } from "./facade/Winback"
export { loggedCall, type ObservabilityOptions, observabilityLayer, type OtelSpanLike, type OtelTracerLike, otelTracer, type WinbackLogLine } from "./facade/Observability"
export { useCaseLayer, type UseCaseServices } from "./facade/UseCases"

// Scope, permissions, teams and audit
export { type Actor, Actors, buildActor, type Membership, type OrgCacheOptions, type OrgSnapshot, reachTeams, type ResolvedReach } from "./org/Actor"
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
} from "./org/Scope"
export { openWorkHolders, withOpenWork } from "./work/OpenWork"
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
} from "./org/Permissions"
export { type AuditChange, AuditQuery, AuditTrail, ManualAuditNote, nowIso } from "./audit/AuditTrail"
export { type IdSource, Ids, newId, sequentialIds } from "./shared/Ids"
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
} from "./facade/ScopedStores"
export { Allocate, Allocation, type AllocationResult } from "./work/Allocation"
export { NewTeam, TeamService } from "./org/TeamService"
export { ManagerSearch, type TeamAdminOps } from "./org/TeamAdmin"
export { actingAs, type ActorSession, type ScopeServices, scopeLayer, sessionFor } from "./facade/ActorSession"
export { type CustomerScopeFilter } from "./customer/CustomerStore"
export { type WorkItemScopeFilter } from "./work/WorkItemStore"

// The work: settings, candidates, extraction, import, work list, execution, tasks, rules, groups, appointments, SMS, offers
export { defaultWorkConfig, WorkConfig } from "./work/WorkConfig"
export { CandidateSource, compareIds, fixedCandidates, memoryCandidateSource, type MemoryCandidateOptions } from "./task/Candidates"
export { type DataMode, defaultCandidateSource, readThroughCandidateSource, type ReadThroughCandidateOptions } from "./task/ReadThroughCandidates"
export { assign, AssignmentPolicy, leastLoaded, roundRobin } from "./task/Assignment"
export { applyAttempt, defaultRetryPolicy, effectiveRetryPolicy, nextAttempt, type RetryDecision, RetryPolicy, RetryPolicyOverride, retryWaitUntil, waitingUntil } from "./work/RetryPolicy"
export {
  ContactQuery,
  Contactability,
  type ContactDecision,
  type ContactReason,
  evaluateContact,
  localDateTime
} from "./work/Contactability"
export { ContactPolicy, defaultContactPolicy } from "./work/ContactPolicy"
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
  type TaskExtraction,
  taskSchedule,
  workItemId
} from "./task/Extraction"
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
} from "./task/ManualImport"
// Reading call-center CSV files: strict decoding (GBK, GB18030, UTF-8 with or without BOM, UTF-16), RFC 4180 quoting
export { canonicalColumn, CsvEncoding, type CsvProblem, type CsvRecord, type CsvSource, maxListedProblems, ProblemList, readCsv } from "./shared/CsvReader"
export { type CustomerWork, type OfferedItem, type TaskWorkload, WorkList, WorkListQuery, WorkPoolQuery } from "./work/WorkList"
export { CallOutcome, type CallResult, type DialResult, dialAction, Execution, maskPhone, maxCallAttempts, NewAttachment, ResponseInput, wrongNumberAction } from "./work/Execution"
export { type ItemReason, itemReasons } from "./work/ItemReasons"
export { NewRuleInstance, RuleService, ruleRecordId } from "./rule/RuleService"
export { type NewTask, PreviewOptions, type TaskPatch, type TaskPreview, TaskService } from "./task/TaskService"
export { AddGroupMembers, CustomerGroupService, type GroupMembers, NewCustomerGroup } from "./customer/CustomerGroupService"
export { AppointmentService, type Booking, type DueReminder, type ReminderOptions, Reschedule } from "./work/AppointmentService"
export { customerSmsFields, renderSms, SmsBatch, type SmsBatchReport, SmsFieldWords, smsAttemptDisposition, SmsWork } from "./work/SmsWork"
export { foldOfferUses, NewOfferUse, OfferDecision, OfferService } from "./offer/OfferService"
export { BulkLedgerClaims } from "./task/BulkClaims"
export { CandidateStaging, type CustomerPartition, ExtractionPartitions, memoryExtractionPartitions, partitionOf, type PartitionState } from "./task/ExtractionPartitions"

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
} from "./report/exports/index"

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
} from "./customer/UsageFeed"

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
} from "./observation/ObservationService"
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
} from "./report/ReportQueries"
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
} from "./report/ReportService"

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
} from "./plan/WorkPlan"
export { type WorkPlanFilter, type WorkPlanScopeFilter, WorkPlanStore } from "./plan/WorkPlanStore"
export { type ClosedPeriod, SetWorkPlan, type WorkPlanProgress, WorkPlanQuery, WorkPlanService } from "./plan/WorkPlanService"
