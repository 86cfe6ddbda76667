// API paths by name, built by the client generated from the server's route table
// (/workbench/client.js, see src/client.ts): each entry names its route by the OpenAPI operation id,
// and an unknown operation throws when this module loads, so a renamed route cannot leave a stale path.
// The page calls the API with api.js's typed `call(op, { params, query, body })`; these paths are
// for links (downloads, hrefs) and any code that still needs a path.
import { pathOf, routeOf } from "./client.js"

/** A path builder for `op` (checked now): `(params, query) => path`. */
const route = (op) => {
  routeOf(op)
  return (params, query) => pathOf(op, params, query)
}
const fixed = (op) => route(op)()
const byId = (op) => {
  const to = route(op)
  return (id) => to({ id })
}
const withLocale = (op) => {
  const to = route(op)
  return (id, locale) => to({ id }, { locale })
}

export const paths = {
  login: fixed("postApiLogin"),
  logout: fixed("postApiLogout"),
  me: fixed("getApiMe"),
  workListByCustomer: fixed("getApiWorkListCustomers"),
  customerWork: byId("getApiCustomersByIdWork"),
  customer: byId("getApiCustomersById"),
  customerCalls: byId("getApiCustomersByIdCalls"),
  addDnd: fixed("postApiDnd"),
  appointments: fixed("getApiAppointments"),
  task: byId("getApiTasksById"),
  tasks: fixed("getApiTasks"),
  taskPreview: byId("getApiTasksByIdPreview"),
  approveTask: byId("postApiTasksByIdApprove"),
  rejectTask: byId("postApiTasksByIdReject"),
  itemQuestionnaire: withLocale("getApiWorkItemsByIdQuestionnaire"),
  evaluate: withLocale("postApiQuestionnairesByIdEvaluate"),
  recordCall: fixed("postApiCalls"),
  offers: fixed("getApiOffers"),
  bookAppointment: fixed("postApiAppointments"),
  workItems: fixed("getApiWorkItems"),
  allocateWorkItems: fixed("postApiAllocationWorkItems"),
  workPool: fixed("getApiWorkPool"),
  teams: fixed("getApiTeams"),
  teamMembers: byId("getApiTeamsByIdMembers"),
  removeDnd: (id, entryId) => pathOf("deleteApiCustomersByIdDndByEntryId", { id, entryId }),
  openapi: fixed("getApiOpenapiJson"),
  // The agent's customer screen
  dial: byId("postApiCustomersByIdDial"),
  manager: byId("getApiManagersById"),
  itemReasons: byId("getApiWorkItemsByIdReasons"),
  uploadAttachment: (id, kind, name) => pathOf("postApiWorkItemsByIdAttachmentsUpload", { id }, { kind, name }),
  attachment: (id, index) => pathOf("getApiWorkItemsByIdAttachmentsByIndex", { id, index }),
  // the leader's desk and the approver's screen
  rules: fixed("getApiRules"),
  rulePreview: byId("getApiRulesByIdPreview"),
  approveRule: byId("postApiRulesByIdApprove"),
  rejectRule: byId("postApiRulesByIdReject"),
  taskSplit: byId("getApiTasksByIdPreviewSplit"),
  submitTask: byId("postApiTasksByIdSubmit"),
  teamWork: fixed("getApiTeamWork"),
  customersList: fixed("getApiCustomers"),
  allocateCustomers: fixed("postApiAllocationCustomers"),
  importTask: byId("postApiTasksByIdImport"),
  groups: fixed("getApiGroups"),
  groupMembers: byId("postApiGroupsByIdMembers"),
  groupCampaignTask: byId("postApiGroupsByIdCampaignTask"),
  pendingOffers: fixed("getApiOfferUsesPending"),
  offerDecision: byId("postApiOfferUsesByIdDecision"),
  // appointments and reminders (appointments.js)
  myAppointments: fixed("getApiMyAppointments"),
  teamAppointments: fixed("getApiTeamAppointments"),
  rescheduleAppointment: byId("postApiAppointmentsByIdReschedule"),
  cancelAppointment: byId("postApiAppointmentsByIdCancel"),
  reminders: fixed("getApiReminders"),
  acknowledgeReminder: byId("postApiRemindersByIdAcknowledge"),
  // SMS work (sms.js)
  smsTemplates: fixed("getApiSmsTemplates"),
  smsTemplate: byId("putApiSmsTemplatesById"),
  smsTemplateCheck: fixed("postApiSmsTemplatesCheck"),
  smsPreview: byId("postApiSmsTasksByIdPreview"),
  smsSend: byId("postApiSmsTasksByIdSend"),
  smsDeliveries: byId("getApiSmsTasksByIdDeliveries"),
  // the director's screens (director.js)
  businessDay: fixed("getApiDirectorToday"),
  directorPeople: fixed("getApiDirectorPeople"),
  directorWorkItems: fixed("getApiDirectorWorkItems"),
  audit: fixed("getApiAudit"),
  auditVerify: fixed("getApiAuditVerify")
}
