// Every API path the workbench calls, built by the client generated from the server's route table
// (/workbench/client.js, see src/client.ts): each entry names its route by the OpenAPI operation id,
// and an unknown operation throws when this module loads, so a renamed route cannot leave a stale path.
import { pathOf, routeOf } from "./client.js"

const enc = encodeURIComponent

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
  // Not yet through the client (hand-written, merged from main): the desk, approvals, appointments, SMS.
  // the leader's desk and the approver's screen
  rules: "/api/rules",
  rulePreview: (id) => `/api/rules/${enc(id)}/preview`,
  approveRule: (id) => `/api/rules/${enc(id)}/approve`,
  rejectRule: (id) => `/api/rules/${enc(id)}/reject`,
  taskSplit: (id) => `/api/tasks/${enc(id)}/preview/split`,
  submitTask: (id) => `/api/tasks/${enc(id)}/submit`,
  teamWork: "/api/team-work",
  customersList: "/api/customers",
  allocateCustomers: "/api/allocation/customers",
  importTask: (id) => `/api/tasks/${enc(id)}/import`,
  groups: "/api/groups",
  groupMembers: (id) => `/api/groups/${enc(id)}/members`,
  groupCampaignTask: (id) => `/api/groups/${enc(id)}/campaign-task`,
  pendingOffers: "/api/offer-uses/pending",
  offerDecision: (id) => `/api/offer-uses/${enc(id)}/decision`,
  // appointments and reminders (appointments.js)
  myAppointments: "/api/my-appointments",
  teamAppointments: "/api/team-appointments",
  rescheduleAppointment: (id) => `/api/appointments/${enc(id)}/reschedule`,
  cancelAppointment: (id) => `/api/appointments/${enc(id)}/cancel`,
  reminders: "/api/reminders",
  acknowledgeReminder: (id) => `/api/reminders/${enc(id)}/acknowledge`,
  // SMS work (sms.js)
  smsTemplates: "/api/sms/templates",
  smsTemplate: (id) => `/api/sms/templates/${enc(id)}`,
  smsTemplateCheck: "/api/sms/templates/check",
  smsPreview: (id) => `/api/sms/tasks/${enc(id)}/preview`,
  smsSend: (id) => `/api/sms/tasks/${enc(id)}/send`,
  smsDeliveries: (id) => `/api/sms/tasks/${enc(id)}/deliveries`,
  // the director's screens (director.js)
  businessDay: "/api/director/today",
  reportTables: (name) => `/api/report-tables/${enc(name)}`,
  directorPeople: "/api/director/people",
  directorWorkItems: "/api/director/work-items",
  audit: "/api/audit",
  auditVerify: "/api/audit/verify"
}
