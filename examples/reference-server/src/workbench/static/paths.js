// Every API path the workbench calls, in one place (the server's OpenAPI document at
// /api/openapi.json describes each).
const enc = encodeURIComponent

export const paths = {
  login: "/api/login",
  logout: "/api/logout",
  me: "/api/me",
  workListByCustomer: "/api/work-list/customers",
  customerWork: (id) => `/api/customers/${enc(id)}/work`,
  customer: (id) => `/api/customers/${enc(id)}`,
  customerCalls: (id) => `/api/customers/${enc(id)}/calls`,
  addDnd: "/api/dnd",
  appointments: "/api/appointments",
  task: (id) => `/api/tasks/${enc(id)}`,
  tasks: "/api/tasks",
  taskPreview: (id) => `/api/tasks/${enc(id)}/preview`,
  approveTask: (id) => `/api/tasks/${enc(id)}/approve`,
  rejectTask: (id) => `/api/tasks/${enc(id)}/reject`,
  itemQuestionnaire: (id, locale) => `/api/work-items/${enc(id)}/questionnaire${locale ? `?locale=${enc(locale)}` : ""}`,
  evaluate: (id, locale) => `/api/questionnaires/${enc(id)}/evaluate${locale ? `?locale=${enc(locale)}` : ""}`,
  recordCall: "/api/calls",
  offers: "/api/offers",
  bookAppointment: "/api/appointments",
  workItems: "/api/work-items",
  allocateWorkItems: "/api/allocation/work-items",
  workPool: "/api/work-pool",
  teams: "/api/teams",
  teamMembers: (id) => `/api/teams/${enc(id)}/members`,
  openapi: "/api/openapi.json",
  // SMS work (sms.js)
  smsTemplates: "/api/sms/templates",
  smsTemplate: (id) => `/api/sms/templates/${enc(id)}`,
  smsTemplateCheck: "/api/sms/templates/check",
  smsPreview: (id) => `/api/sms/tasks/${enc(id)}/preview`,
  smsSend: (id) => `/api/sms/tasks/${enc(id)}/send`,
  smsDeliveries: (id) => `/api/sms/tasks/${enc(id)}/deliveries`
}
