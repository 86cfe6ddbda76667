// Every API path the workbench calls, built by the client generated from the server's route table
// (/workbench/client.js, see src/client.ts): each entry names its route by the OpenAPI operation id,
// and an unknown operation throws when this module loads, so a renamed route cannot leave a stale path.
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
  attachment: (id, index) => pathOf("getApiWorkItemsByIdAttachmentsByIndex", { id, index })
}
